"""Coverage of a harvested dataset, in communes of the territory.

A dataset's coverage comes, in order of trust, from:

1. the source's configuration, when it is pinned to a commune or to the
   whole territory (``"pin"`` in the source config);
2. the dataset's explicit spatial metadata: dct:spatial URIs and labels,
   INSEE URIs, data.gouv.fr zones, OpenDataSoft territory fields, CSW
   geographic identifiers;
3. a publisher that is a commune ("Ville de Bron", "Commune d'Écully");
4. as a last resort, keywords naming a commune or the intercommunality,
   then commune names written in the title.

Every value goes through the referential's resolver, within the portal's
scope. A value of tier 2 that cannot be resolved (unknown, ambiguous,
outside the territory) is reported for the dataset, never guessed; when
nothing resolves, the dataset gets no coverage and that is reported too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from ckanext.territoires import territory
from ckanext.territoires.referential import (
    AmbiguousPlace,
    OutsideScope,
    PlaceError,
    Scope,
    get_referential,
    normalize,
    resolve,
)

from .messages import N_, Message

PINNED = "pinned"
METADATA = "metadata"
PUBLISHER = "publisher"
KEYWORDS = "keywords"
TITLE = "title"
NONE = "none"

#: Origins of a coverage, for reports and the preview.
ORIGIN_LABELS = {
    PINNED: N_("pinned by the source configuration"),
    METADATA: N_("spatial metadata"),
    PUBLISHER: N_("publisher"),
    KEYWORDS: N_("keywords (last resort)"),
    TITLE: N_("title (last resort)"),
    NONE: N_("none"),
}

# A data.gouv.fr zone id anywhere in a value (API URLs carry them).
_ZONE = re.compile(r"(fr:[a-z-]+:[0-9a-z]+(?:@\d{4}-\d{2}-\d{2})?)", re.I)
# OpenDataSoft geographic references: "fr_40_69123" (commune), "fr_50_200046977"...
_ODS_REFERENCE = re.compile(r"^([a-z]{2})_(\d+)_([0-9a-z]+)$", re.I)
_INSEE_LIKE = re.compile(r"^(?:\d{2}|2[ab])\d{3}$", re.I)
# geo.api.gouv.fr: https://geo.api.gouv.fr/communes/69123
_GEO_API = re.compile(
    r"^https?://geo\.api\.gouv\.fr/(communes|epcis|departements|regions)/([0-9a-z]+)", re.I
)
_GEO_API_LEVELS = {
    "communes": "commune",
    "epcis": "epci",
    "departements": "departement",
    "regions": "region",
}
_PUBLISHER_PREFIX = re.compile(
    r"^(?:ville|commune|mairie|municipalit[eé]|cit[eé])\s*(?:de\s+la\s+|de\s+l['’]\s*|d['’]\s*|de\s+|du\s+|des\s+)",
    re.I,
)
#: How a keyword or publisher must have matched to count (names, not numbers).
_NAME_MATCHES = frozenset({"name", "commune_deleguee", "arrondissement", "epci_name"})


@dataclass
class PlaceHints:
    """What a record says about places, gathered by a source kind."""

    spatial: list[str] = field(default_factory=list)
    publishers: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    title: str = ""


@dataclass
class Coverage:
    codes: list[str]
    origin: str
    problems: list[Message] = field(default_factory=list)
    #: INSEE code of the publisher when it is a commune of the territory.
    publisher_commune: str | None = None

    def as_dict(self) -> dict:
        return {
            "codes": self.codes,
            "origin": self.origin,
            "problems": [str(problem) for problem in self.problems],
            "publisher_commune": self.publisher_commune,
        }


def spatial_value(value: str) -> str | None:
    """A spatial metadata value in a form the resolver reads, or None when
    it is empty. URIs of other registers are returned as they are (and
    reported as unknown by the resolver)."""
    text = " ".join(str(value or "").split())
    if not text:
        return None
    zone = _ZONE.search(text)
    if zone and ("/" in text or text.lower().startswith("fr:")):
        return zone.group(1)
    geo = _GEO_API.match(text)
    if geo:
        return f"{_GEO_API_LEVELS[geo.group(1).lower()]}:{geo.group(2)}"
    ods = _ODS_REFERENCE.match(text)
    if ods and ods.group(1).lower() == "fr":
        code = ods.group(3)
        if _INSEE_LIKE.match(code):
            return f"commune:{code}"
        if code.isdigit() and len(code) == 9:
            return f"epci:{code}"
    return text


def problem_for(value: str, error: PlaceError) -> Message:
    if isinstance(error, AmbiguousPlace):
        return Message(
            N_('Coverage "%(value)s" is ambiguous: %(candidates)s.'),
            value=value,
            candidates="; ".join(candidate.label for candidate in error.candidates),
        )
    if isinstance(error, OutsideScope):
        return Message(
            N_('Coverage "%(value)s" is outside the territory: %(places)s.'),
            value=value,
            places="; ".join(place.label for place in error.places),
        )
    return Message(N_('Coverage "%(value)s" is not a known French place.'), value=value)


def resolve_pin(value: str, scope: Scope | None = None) -> list[str]:
    """INSEE codes of a source's pin; PlaceError if it does not resolve."""
    scope = scope or territory.configured_scope()
    return sorted({match.insee for match in resolve(value, scope)})


def territorialise(
    hints: PlaceHints, pin: list[str] | None = None, scope: Scope | None = None
) -> Coverage:
    """The coverage of a record (see the module doc)."""
    scope = scope or territory.configured_scope()
    publisher_commune = _publisher_commune(hints.publishers, scope)
    if pin:
        return Coverage(sorted(pin), PINNED, [], publisher_commune)

    codes: set[str] = set()
    problems: list[Message] = []
    seen: set[str] = set()
    for raw in hints.spatial:
        value = spatial_value(raw)
        if value is None or value in seen:
            continue
        seen.add(value)
        try:
            codes.update(match.insee for match in resolve(value, scope))
        except PlaceError as error:
            problems.append(problem_for(raw, error))
    if codes:
        return Coverage(sorted(codes), METADATA, problems, publisher_commune)

    if publisher_commune:
        return Coverage([publisher_commune], PUBLISHER, problems, publisher_commune)

    for keyword in hints.keywords:
        codes.update(_by_name(keyword, scope))
    if codes:
        return Coverage(sorted(codes), KEYWORDS, problems, publisher_commune)

    codes.update(names_in_text(hints.title, scope))
    if codes:
        return Coverage(sorted(codes), TITLE, problems, publisher_commune)

    problems.append(
        Message(N_("No coverage found in the metadata: the dataset is attached to no commune."))
    )
    return Coverage([], NONE, problems, None)


def _by_name(value: str, scope: Scope) -> set[str]:
    """Communes a name designates in the scope, or nothing (no error)."""
    value = " ".join(str(value or "").split())
    if not value or any(char.isdigit() for char in value):
        return set()
    try:
        matches = resolve(value, scope)
    except PlaceError:
        return set()
    return {match.insee for match in matches if match.matched_as in _NAME_MATCHES}


def _publisher_commune(publishers: list[str], scope: Scope) -> str | None:
    for publisher in publishers:
        name = " ".join(str(publisher or "").split())
        if not name:
            continue
        stripped = _PUBLISHER_PREFIX.sub("", name).strip()
        for candidate in dict.fromkeys([stripped, name]):
            codes = _by_name(candidate, scope)
            if len(codes) == 1:
                matches = resolve(candidate, scope)
                if matches[0].matched_as != "epci_name":
                    return next(iter(codes))
    return None


# -- names in a title --------------------------------------------------------


@lru_cache(maxsize=8)
def _title_index(scope: Scope) -> tuple[dict[str, tuple[str, ...]], int]:
    """Name keys of the scope's communes, arrondissements and EPCI -> codes."""
    ref = get_referential()
    index: dict[str, set[str]] = {}
    for code in scope.communes:
        commune = ref.communes[code]
        index.setdefault(normalize.name_key(commune.name), set()).add(code)
        for arrondissement in commune.arrondissements:
            name = ref.arrondissements[arrondissement].name
            index.setdefault(normalize.name_key(name), set()).add(code)
    for siren in scope.epcis:
        epci = ref.epcis[siren]
        index.setdefault(normalize.name_key(epci.name), set()).update(
            member for member in epci.members if member in scope.communes
        )
    longest = max((len(key.split(" ")) for key in index), default=1)
    return {key: tuple(sorted(codes)) for key, codes in index.items()}, longest


def names_in_text(text: str, scope: Scope) -> set[str]:
    """Communes of the scope whose full name appears in ``text`` (longest
    names first, each word used once): "Parcs de Caluire-et-Cuire" -> 69034."""
    tokens = normalize.name_key(text or "").split(" ")
    if not tokens or tokens == [""]:
        return set()
    index, longest = _title_index(scope)
    found: set[str] = set()
    position = 0
    while position < len(tokens):
        for size in range(min(longest, len(tokens) - position), 0, -1):
            codes = index.get(" ".join(tokens[position : position + size]))
            if codes:
                found.update(codes)
                position += size
                break
        else:
            position += 1
    return found
