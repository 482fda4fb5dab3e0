"""URLs from outside become links only with http, https or mailto (issue #16, 1)."""

from __future__ import annotations

import pytest

from ckanext.territoires import urls

HOSTILE = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "  javascript:alert(1)",
    "\tjava\nscript:alert(1)",
    "java\x00script:alert(1)",
    "\x01javascript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "DATA:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "VBScript:msgbox(1)",
    "&#106;avascript:alert(1)",
    "&#x6A;avascript:alert(1)",
    "&amp;#106;avascript:alert(1)",
    "javascript&colon;alert(1)",
    "jav&#x09;ascript:alert(1)",
    "\u200bjavascript:alert(1)",
    "file:///etc/passwd",
    "/relative/path",
    "example.org/page",
    "",
    None,
    42,
]

SAFE = [
    "http://example.org/page",
    "https://example.org/page?a=1&b=2",
    "HTTPS://EXAMPLE.ORG/",
    " https://example.org/ ",
    "mailto:sig@example.org",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_values_are_not_links(value):
    assert not urls.is_link(value)
    assert urls.safe_link(value) == ""


@pytest.mark.parametrize("value", SAFE)
def test_http_https_mailto_are_links(value):
    assert urls.is_link(value)
    assert urls.safe_link(value) == value.strip()


def test_drop_unsafe_empties_outside_urls_of_a_dataset():
    package = {
        "territoires_source_url": "javascript:alert(1)",
        "publisher": [{"name": "X", "url": "data:text/html,x"}],
        "creator": [{"name": "Y", "url": "https://example.org"}],
        "contact": [{"url": "vbscript:x"}],
    }
    assert urls.drop_unsafe(package) == ["territoires_source_url", "publisher.url", "contact.url"]
    assert package["territoires_source_url"] == ""
    assert package["publisher"][0]["url"] == "" and package["contact"][0]["url"] == ""
    assert package["creator"][0]["url"] == "https://example.org"
