"""Safe XML parsing for the harvesters (CSW records, RDF/XML catalogues).

Catalogues are untrusted documents. Parsing never reads the network or
local files (no DTD loading, no external entities), and entity expansion
is bounded: a document may declare a few small internal entities, none
referring to another (so no exponential "billion laughs"); a document
declaring an external or parameter entity is refused outright.
"""

from __future__ import annotations

import re

from lxml import etree

from .http import InvalidDocument
from .messages import N_

MAX_ENTITIES = 20
MAX_ENTITY_LENGTH = 1024
_PARAMETER_ENTITY = re.compile(rb"<!ENTITY\s+%", re.I)


def _parser(resolve_internal: bool) -> etree.XMLParser:
    return etree.XMLParser(
        # lxml >= 5 takes "internal"; lxml-stubs still declare a bool only
        resolve_entities="internal" if resolve_internal else False,  # type: ignore[arg-type]
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse(content: bytes, url: str = "") -> etree._Element:
    """The root element of ``content``; :class:`InvalidDocument` if the
    document is malformed or declares entities beyond the policy."""
    if not content or not content.strip():
        raise InvalidDocument(N_("%(url)s is empty."), url=url)
    if _PARAMETER_ENTITY.search(content[:65536]):
        raise InvalidDocument(N_("%(url)s declares a parameter entity: refused."), url=url)
    try:
        root = etree.fromstring(content, _parser(resolve_internal=False))
    except etree.XMLSyntaxError as error:
        raise InvalidDocument(
            N_("%(url)s is not well-formed XML: %(error)s"), url=url, error=str(error)
        ) from error
    except ValueError as error:  # e.g. a str with an encoding declaration
        raise InvalidDocument(
            N_("%(url)s is not well-formed XML: %(error)s"), url=url, error=str(error)
        ) from error
    dtd = root.getroottree().docinfo.internalDTD
    # lxml-stubs' DTD lacks iterentities(), which lxml's DTD has
    entities = list(dtd.iterentities()) if dtd is not None else []  # type: ignore[union-attr]
    if not entities:
        return root
    for entity in entities:
        if entity.system_url or entity.content is None:
            raise InvalidDocument(
                N_("%(url)s declares an external entity (%(name)s): refused."),
                url=url,
                name=entity.name,
            )
    if len(entities) > MAX_ENTITIES:
        raise InvalidDocument(
            N_("%(url)s declares %(count)s entities, more than %(limit)s: refused."),
            url=url,
            count=len(entities),
            limit=MAX_ENTITIES,
        )
    for entity in entities:
        text = entity.content or ""
        if "&" in text or "%" in text or len(text) > MAX_ENTITY_LENGTH:
            raise InvalidDocument(
                N_(
                    "%(url)s declares an entity (%(name)s) that refers to other entities or "
                    "is too long: refused (entity expansion)."
                ),
                url=url,
                name=entity.name,
            )
    try:
        return etree.fromstring(content, _parser(resolve_internal=True))
    except etree.XMLSyntaxError as error:
        raise InvalidDocument(
            N_("%(url)s is not well-formed XML: %(error)s"), url=url, error=str(error)
        ) from error


def check(content: bytes, url: str = "") -> None:
    """Refuse ``content`` before another parser (rdflib's) reads it."""
    parse(content, url)
