"""Coverage of a harvested dataset, in communes of the territory.

A dataset's coverage comes, in order of trust, from:

1. the source's configuration, when it is pinned to a commune or to the
   whole territory (``"pin"`` in the source config);
2. the dataset's explicit spatial metadata naming communes: dct:spatial
   URIs and labels, INSEE URIs, data.gouv.fr zones, OpenDataSoft territory
   fields, CSW geographic identifiers;
3. its geometries (bounding boxes, WKT or GeoJSON polygons: "extents"),
   by intersection with the commune outlines, with the rule of
   :mod:`ckanext.territoires.geography.coverage` (a box that is a place's
   box stands for that place; else a commune is covered when half of it,
   or half of the geometry, is inside; every commune covered: the whole
   territory). Then explicit metadata naming larger places only
   (départements, régions, countries: "FXX", "France"...);
4. a publisher that is a commune ("Ville de Bron", "Commune d'Écully");
5. as a last resort, keywords naming a commune or the intercommunality,
   then commune names written in the title (reported as such).

**Names refine geometry, never contradict it**: when the coverage comes
from geometries or from larger places, a commune of the territory named
as the publisher ("Mairie de …") or in the title (as a proper noun: with a
capital) that lies within that coverage narrows it to that commune (a
local plan published with its département's box covers its commune; a
former commune's name leads to the commune nouvelle that absorbed it); a
name outside the coverage is ignored.

A coverage wholly outside the territory is reported as such ("outside
the territory"), not as a missing coverage. Every value goes through the
referential's resolver, within the portal's scope. A value that cannot be
resolved (unknown, ambiguous) and an extent that cannot be used (not a
valid box, far outside France) are reported for the dataset, never
guessed. :attr:`Coverage.steps` tells which rule gave which communes (the
preview shows them).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ckanext.territoires import territory
from ckanext.territoires.geography import get_outlines
from ckanext.territoires.geography.coverage import GeoCoverage, covered_communes
from ckanext.territoires.geography.extents import ExtentError, read_extents
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
GEOMETRY = "geometry"
NARROWED = "narrowed"
PUBLISHER = "publisher"
KEYWORDS = "keywords"
TITLE = "title"
OUTSIDE = "outside"
NONE = "none"

#: Origins of a coverage, for reports and the preview.
ORIGIN_LABELS = {
    PINNED: N_("pinned by the source configuration"),
    METADATA: N_("spatial metadata"),
    GEOMETRY: N_("spatial extent (geometry)"),
    NARROWED: N_("commune named in the title or as publisher, within the spatial coverage"),
    PUBLISHER: N_("publisher"),
    KEYWORDS: N_("keywords (last resort)"),
    TITLE: N_("title (last resort)"),
    OUTSIDE: N_("outside the territory"),
    NONE: N_("none"),
}

#: How a resolved value must have matched to count as a larger place, which
#: geometries and names may refine.
_LARGER_PLACES = frozenset(
    {"departement", "region", "departement_name", "region_name", "country", "whole_territory"}
)
#: Reasons an extent is not used, for the report.
_EXTENT_REASONS = {
    "invalid": N_("not a readable geometry"),
    "not_a_box": N_("not a valid bounding box (west > east or south > north)"),
    "out_of_range": N_("a longitude or latitude out of range"),
    "outside_france": N_("far outside France"),
    "crs": N_("not in longitude/latitude (WGS 84)"),
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
    """What a record says about places, gathered by a source kind.

    ``extents``: its geometries as written (WKT or GeoJSON text, GeoJSON
    objects, ISO 19139 or ckanext-spatial bounding box dicts), read by
    :func:`ckanext.territoires.geography.extents.read_extent`.
    """

    spatial: list[str] = field(default_factory=list)
    publishers: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    title: str = ""
    extents: list[Any] = field(default_factory=list)


@dataclass
class Step:
    """One rule that was applied: its origin, the communes it gave, a note."""

    rule: str
    codes: list[str]
    note: Message | None = None


@dataclass
class Coverage:
    codes: list[str]
    origin: str
    problems: list[Message] = field(default_factory=list)
    #: INSEE code of the publisher when it is a commune of the territory.
    publisher_commune: str | None = None
    #: Every commune of the territory.
    whole: bool = False
    steps: list[Step] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "codes": self.codes,
            "origin": self.origin,
            "whole": self.whole,
            "problems": [str(problem) for problem in self.problems],
            "publisher_commune": self.publisher_commune,
            "steps": [
                {"rule": step.rule, "codes": step.codes, "note": str(step.note or "")}
                for step in self.steps
            ],
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


@dataclass
class _Explicit:
    """What the explicit spatial metadata resolved to."""

    codes: set[str] = field(default_factory=set)
    #: whether every value that resolved names a larger place (département,
    #: région, country, the whole territory)
    larger: bool = True
    #: values that designate places outside the territory only: codes and
    #: URIs (authoritative), names ("Sainte-Foy": weaker, see territorialise)
    outside_codes: int = 0
    outside_names: int = 0
    #: the problems of country codes outside the territory ("GUF" on a
    #: metropolitan portal), reported only when nothing else resolves
    countries_outside: list[Message] = field(default_factory=list)


def _explicit_places(values: list[str], scope: Scope, problems: list[Message]) -> _Explicit:
    found = _Explicit()
    seen: set[str] = set()
    for raw in values:
        value = spatial_value(raw)
        if value is None or value in seen:
            continue
        seen.add(value)
        try:
            # spatial metadata is written by catalogues, which write INSEE
            # codes (a remote portal's territoires_coverage, ISO geographic
            # identifiers): a bare code there is not a postal code
            matches = resolve(value, scope, codes_as_insee=True)
        except OutsideScope as error:
            if _is_code(value):
                found.outside_codes += 1
            else:
                found.outside_names += 1
            if all(place.type == "country" for place in error.places):
                found.countries_outside.append(problem_for(raw, error))
            else:
                problems.append(problem_for(raw, error))
            continue
        except PlaceError as error:
            problems.append(problem_for(raw, error))
            continue
        found.codes.update(match.insee for match in matches)
        found.larger = found.larger and all(m.matched_as in _LARGER_PLACES for m in matches)
    return found


def extent_problem(error: ExtentError) -> Message:
    return Message(
        N_('The spatial extent "%(value)s" is not used: %(reason)s.'),
        value=error.value,
        reason=Message(_EXTENT_REASONS.get(error.reason, _EXTENT_REASONS["invalid"])),
    )


def territorialise(
    hints: PlaceHints, pin: list[str] | None = None, scope: Scope | None = None
) -> Coverage:
    """The coverage of a record (see the module doc)."""
    scope = scope or territory.configured_scope()
    publisher_commune = _publisher_commune(hints.publishers, scope)
    if pin:
        codes = sorted(pin)
        return _coverage(codes, PINNED, [], publisher_commune, scope, [Step(PINNED, codes)])

    problems: list[Message] = []
    explicit = _explicit_places(hints.spatial, scope, problems)
    if explicit.codes and not explicit.larger:
        codes = sorted(explicit.codes)
        steps = [Step(METADATA, codes)]
        return _coverage(codes, METADATA, problems, publisher_commune, scope, steps)

    geometry = _geometry(hints.extents, scope, problems)
    if geometry is not None:
        return _from_geometry(geometry, hints, scope, problems, publisher_commune)
    if explicit.codes:
        steps = [Step(METADATA, sorted(explicit.codes))]
        return _refined(
            steps, explicit.codes.__contains__, hints, scope, problems, publisher_commune
        )
    if explicit.outside_codes:
        problems.extend(explicit.countries_outside)
        return _outside(problems, publisher_commune)
    coverage = _last_resorts(hints, scope, problems, publisher_commune)
    if coverage.origin == NONE and explicit.outside_names:
        # only names outside the territory, and nothing else: outside
        problems.pop()  # "No coverage found"
        return _outside(problems, publisher_commune)
    return coverage


def _is_code(value: str) -> bool:
    """A code, URI or zone id rather than a name: "69123", "departement:62",
    "http://id.insee.fr/...", "GUF"."""
    return (
        any(char.isdigit() for char in value)
        or ":" in value
        or (value.isupper() and len(value) <= 3)
    )


def _coverage(
    codes: list[str],
    origin: str,
    problems: list[Message],
    publisher_commune: str | None,
    scope: Scope,
    steps: list[Step],
) -> Coverage:
    whole = bool(codes) and len(codes) == len(scope.communes)
    return Coverage(codes, origin, problems, publisher_commune, whole, steps)


def _outside(
    problems: list[Message], publisher_commune: str | None, note: Message | None = None
) -> Coverage:
    problems.append(
        Message(
            N_(
                "The spatial coverage is outside the territory: the dataset is attached to no commune."
            )
        )
    )
    return Coverage([], OUTSIDE, problems, publisher_commune, steps=[Step(OUTSIDE, [], note)])


def _geometry(values: list[Any], scope: Scope, problems: list[Message]) -> GeoCoverage | None:
    if not values:
        return None
    outlines = get_outlines()
    extents, errors = read_extents(values, outlines.france_area())
    problems.extend(extent_problem(error) for error in errors)
    return covered_communes(extents, scope, outlines) if extents else None


def _from_geometry(
    geometry: GeoCoverage,
    hints: PlaceHints,
    scope: Scope,
    problems: list[Message],
    publisher_commune: str | None,
) -> Coverage:
    ref = get_referential()
    places = [
        Message(_SNAP_KINDS[snap.kind], name=_place_name(snap.kind, snap.code, ref))
        for snap in geometry.snaps
    ]
    note = None
    if places:
        # one place stays a message, rendered in the reader's language
        named: Message | str = (
            places[0] if len(places) == 1 else "; ".join(place.render() for place in places)
        )
        note = Message(N_("bounding box of %(places)s"), places=named)
    if geometry.outside:
        return _outside(problems, publisher_commune, note)
    steps = [Step(GEOMETRY, geometry.codes, note)]
    return _refined(steps, geometry.holds, hints, scope, problems, publisher_commune)


_SNAP_KINDS = {
    "region": N_("région %(name)s"),
    "departement": N_("département %(name)s"),
    "epci": N_("%(name)s"),
    "commune": N_("%(name)s"),
}


def _place_name(kind: str, code: str, ref) -> str:
    if kind == "region":
        return ref.regions[code].name
    if kind == "departement":
        return ref.departements[code].name
    if kind == "epci":
        return ref.epcis[code].name
    return ref.communes[code].name


def _refined(
    steps: list[Step],
    holds,
    hints: PlaceHints,
    scope: Scope,
    problems: list[Message],
    publisher_commune: str | None,
) -> Coverage:
    """A coverage from geometries or larger places, narrowed to the communes
    named as publisher or in the title that lie within it."""
    codes = steps[0].codes
    origin = steps[0].rule
    named = ([publisher_commune] if publisher_commune else []) + sorted(
        proper_names_in_text(hints.title, scope) - {publisher_commune}
    )
    within = sorted({code for code in named if holds(code)})
    ignored = [code for code in named if not holds(code)]
    if ignored:
        names = ", ".join(get_referential().communes[code].name for code in ignored)
        steps.append(
            Step(
                NARROWED,
                [],
                Message(N_("outside the spatial coverage, ignored: %(names)s"), names=names),
            )
        )
    if within and len(codes) > 1:
        steps.append(Step(NARROWED, within))
        codes, origin = within, NARROWED
    return _coverage(codes, origin, problems, publisher_commune, scope, steps)


def _last_resorts(
    hints: PlaceHints, scope: Scope, problems: list[Message], publisher_commune: str | None
) -> Coverage:
    if publisher_commune:
        codes = [publisher_commune]
        return _coverage(
            codes, PUBLISHER, problems, publisher_commune, scope, [Step(PUBLISHER, codes)]
        )
    codes_found: set[str] = set()
    for keyword in hints.keywords:
        codes_found.update(_by_name(keyword, scope))
    if codes_found:
        codes = sorted(codes_found)
        return _coverage(
            codes, KEYWORDS, problems, publisher_commune, scope, [Step(KEYWORDS, codes)]
        )
    codes = sorted(names_in_text(hints.title, scope))
    if codes:
        problems.append(
            Message(N_("No spatial metadata: the communes were taken from the names in the title."))
        )
        return _coverage(codes, TITLE, problems, publisher_commune, scope, [Step(TITLE, codes)])
    problems.append(
        Message(N_("No coverage found in the metadata: the dataset is attached to no commune."))
    )
    return Coverage([], NONE, problems, None, steps=[Step(NONE, [])])


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


# -- proper names in a title, to narrow a coverage -----------------------------


@lru_cache(maxsize=8)
def _proper_name_index(scope: Scope) -> tuple[dict[str, tuple[str, ...]], int]:
    """Name keys of the scope's communes and of their communes déléguées
    (their commune nouvelle) -> INSEE codes."""
    ref = get_referential()
    index: dict[str, set[str]] = {}
    for code in scope.communes:
        commune = ref.communes[code]
        index.setdefault(normalize.name_key(commune.name), set()).add(code)
        for deleguee in commune.deleguees:
            index.setdefault(normalize.name_key(ref.deleguees[deleguee].name), set()).add(code)
    longest = max((len(key.split(" ")) for key in index), default=1)
    return {key: tuple(sorted(codes)) for key, codes in index.items()}, longest


_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_ARTICLES = frozenset({"le", "la", "les", "l"})


def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _capitalised_words(title: str) -> set[str]:
    """Folded words of ``title`` written as proper nouns: a capital first,
    and not a short word of a title in capitals ("LIGNES DE BUS")."""
    words = set()
    for word in _WORD.findall(_folded(title or "")):
        if word[0].isupper() and (not word.isupper() or len(word) >= 4):
            words.add(word.lower())
    return words


def proper_names_in_text(text: str, scope: Scope) -> set[str]:
    """Communes (and communes déléguées) of the scope named in ``text`` as
    proper nouns: "PLU de Pierre-Bénite" -> Oullins-Pierre-Bénite, but not
    "Lignes de bus" -> Bus."""
    tokens = normalize.name_key(text or "").split(" ")
    if tokens == [""]:
        return set()
    capitalised = _capitalised_words(text)
    index, longest = _proper_name_index(scope)
    found: set[str] = set()
    position = 0
    while position < len(tokens):
        for size in range(min(longest, len(tokens) - position), 0, -1):
            words = tokens[position : position + size]
            codes = index.get(" ".join(words))
            if codes:
                first = next((word for word in words if word not in _ARTICLES), words[0])
                if first in capitalised or (first == "saint" and "st" in capitalised):
                    found.update(codes)
                position += size
                break
        else:
            position += 1
    return found
