"""URLs that come from outside (harvested records, forms, the API).

Such a URL becomes a link only when its scheme is one of
:data:`LINK_SCHEMES`: ``javascript:``, ``data:``, ``vbscript:`` and any other
scheme are never put into an ``href``. The check is made at import (the
validator ``territoires_outside_url`` and the harvester, which drops such URLs)
and again at render (the template helper ``territoires_safe_url``), for the
values stored before the check existed.

The scheme is read as a browser would: leading and embedded whitespace and
control characters are ignored (``java\\tscript:``), the case does not matter
(``JaVaScRiPt:``) and character references are decoded
(``&#106;avascript:``), repeatedly.
"""

from __future__ import annotations

import html
import re
from typing import Any

#: The only schemes rendered as links.
LINK_SCHEMES = frozenset({"http", "https", "mailto"})

#: Fields of a dataset holding a URL from outside, as ``(field, subfield)``.
DATASET_URL_FIELDS = (
    ("territoires_source_url", None),
    ("publisher", "url"),
    ("creator", "url"),
    ("rights_holder", "url"),
    ("contact", "url"),
    ("thumbnail", None),
)

_IGNORED = re.compile(r"[\x00-\x20\x7f-\x9f\u00ad\u200b-\u200f\u2028\u2029\ufeff]+")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")


def _scheme(text: str) -> str | None:
    match = _SCHEME.match(_IGNORED.sub("", text))
    return match.group(1).lower() if match else None


def _decoded(text: str) -> str:
    for _ in range(5):  # "&amp;#106;" decodes twice
        decoded = html.unescape(text)
        if decoded == text:
            break
        text = decoded
    return text


def is_link(value: Any) -> bool:
    """True when ``value`` may be put into an ``href``."""
    if not isinstance(value, str) or not value.strip():
        return False
    return all(_scheme(candidate) in LINK_SCHEMES for candidate in (value, _decoded(value)))


def safe_link(value: Any) -> str:
    """``value`` stripped when it may be a link, else ``""``."""
    return value.strip() if is_link(value) else ""


def drop_unsafe(package: dict[str, Any]) -> list[str]:
    """Empty the outside URLs of a dataset dict that may not be links.

    Returns the names of the fields emptied (``publisher.url``...).
    """
    dropped = []
    for field, subfield in DATASET_URL_FIELDS:
        value = package.get(field)
        if subfield is None:
            if value and not is_link(value):
                package[field] = ""
                dropped.append(field)
            continue
        for item in value if isinstance(value, list) else []:
            if isinstance(item, dict) and item.get(subfield) and not is_link(item[subfield]):
                item[subfield] = ""
                dropped.append(f"{field}.{subfield}")
    return dropped
