"""INSEE IRIs of the territory's places, both ways.

Communes are written ``http://id.insee.fr/geo/commune/<INSEE code>``, EPCI
``http://id.insee.fr/geo/intercommunalite/<SIREN>``, départements and
régions ``http://id.insee.fr/geo/departement/<code>`` and
``.../region/<code>``: the code-based IRIs of INSEE's geographic linked data,
which this plugin's resolver (and data.gouv.fr's zones) understand.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

from ckanext.territoires.referential import Referential, Scope

INSEE_GEO = "http://id.insee.fr/geo/"
_INSEE_IRI = re.compile(
    r"^https?://id\.insee\.fr/geo/(?P<level>[A-Za-z]+)/(?P<code>[0-9A-Za-z]+)/?$"
)


class Place(NamedTuple):
    iri: str
    code: str
    name: str
    level: str  # commune, intercommunalite, departement, region


def commune_iri(insee: str) -> str:
    return f"{INSEE_GEO}commune/{insee}"


def epci_iri(siren: str) -> str:
    return f"{INSEE_GEO}intercommunalite/{siren}"


def parse_insee_iri(iri: str) -> tuple[str, str] | None:
    """``(level, code)`` of an INSEE geographic IRI, or None."""
    match = _INSEE_IRI.match(str(iri or "").strip())
    return (match.group("level"), match.group("code").upper()) if match else None


def coverage_places(codes: Iterable[str], ref: Referential) -> list[Place]:
    """The communes of a coverage, then each EPCI whose members are all covered."""
    current: list[Place] = []
    for code in codes:
        commune = ref.current_commune(code)
        if commune is not None and commune.insee not in {p.code for p in current}:
            current.append(
                Place(commune_iri(commune.insee), commune.insee, commune.name, "commune")
            )
    covered = {place.code for place in current}
    epcis = sorted({siren for code in covered if (siren := ref.communes[code].epci)})
    for siren in epcis:
        epci = ref.epcis.get(siren)
        if epci is not None and epci.members and set(epci.members) <= covered:
            current.append(Place(epci_iri(siren), siren, epci.name, "intercommunalite"))
    return current


def scope_places(scope: Scope, ref: Referential) -> list[Place]:
    """The places the configured scope names (EPCI, départements, ...)."""
    places = []
    for entry in scope.entries:
        if entry.kind == "epci":
            places.append(Place(epci_iri(entry.code), entry.code, entry.name, "intercommunalite"))
        elif entry.kind == "commune":
            places.append(Place(commune_iri(entry.code), entry.code, entry.name, "commune"))
        else:
            places.append(
                Place(f"{INSEE_GEO}{entry.kind}/{entry.code}", entry.code, entry.name, entry.kind)
            )
    return places


def communes_of_iri(iri: str, ref: Referential) -> tuple[str, ...]:
    """Current communes an INSEE IRI designates (an EPCI: all its members)."""
    parsed = parse_insee_iri(iri)
    if parsed is None:
        return ()
    level, code = parsed
    level = level.lower()
    if level in ("commune", "communedeleguee", "communeassociee", "arrondissementmunicipal"):
        commune = ref.current_commune(code)
        return (commune.insee,) if commune is not None else ()
    if level == "intercommunalite":
        epci = ref.epcis.get(code)
        return tuple(epci.members) if epci is not None else ()
    return ()
