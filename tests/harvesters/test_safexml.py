"""Safe XML parsing: no external entities, no network, bounded expansion."""

from __future__ import annotations

import pytest

from ckanext.territoires.harvesters import safexml
from ckanext.territoires.harvesters.http import InvalidDocument

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<lolz>&lol3;</lolz>"""

EXTERNAL_FILE = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<r>&x;</r>"""

EXTERNAL_HTTP = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY x SYSTEM "http://169.254.169.254/latest/meta-data/">]>
<r>&x;</r>"""

PARAMETER = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY % p SYSTEM "http://127.0.0.1:9/evil.dtd"> %p;]>
<r/>"""


@pytest.mark.parametrize(
    "document, reason",
    [
        (BILLION_LAUGHS, "entity expansion"),
        (EXTERNAL_FILE, "external entity"),
        (EXTERNAL_HTTP, "external entity"),
        (PARAMETER, "parameter entity"),
        (b"<r><unclosed></r>", "not well-formed"),
        (b"", "empty"),
    ],
)
def test_refused(document, reason):
    with pytest.raises(InvalidDocument) as error:
        safexml.parse(document, "http://source.example/doc.xml")
    assert reason in str(error.value)


def test_small_internal_entities_are_expanded():
    root = safexml.parse(b'<!DOCTYPE r [<!ENTITY org "Ville de Bron">]><r>&org;</r>')
    assert root.text == "Ville de Bron"


def test_declared_encoding_is_read():
    root = safexml.parse(
        '<?xml version="1.0" encoding="ISO-8859-15"?><r>Écully</r>'.encode("iso-8859-15")
    )
    assert root.text == "Écully"
