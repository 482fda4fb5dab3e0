"""IRIs the export can always serialize."""

from __future__ import annotations

from ckanext.dcat.profiles import CleanedURIRef

#: Characters rdflib refuses in an IRI (it then cannot write Turtle at all).
_INVALID = set('<>" {}|\\^`')


def valid_iri(iri: str | None) -> str | None:
    """The IRI, percent-encoded where a harvested one holds spaces or other
    characters no IRI may hold: one bad record must not break the whole
    catalogue export."""
    if iri is None or not _INVALID.intersection(iri):
        return iri
    return str(CleanedURIRef(iri.strip()))
