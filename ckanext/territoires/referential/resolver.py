"""Turn what people and catalogues write about places into current communes.

:func:`resolve` accepts, for one value:

- INSEE codes: current (``69123``), of an arrondissement municipal
  (``69381`` -> Lyon), of a commune déléguée/associée (``69152`` ->
  Oullins-Pierre-Bénite) or former (``anciensCodes``); a 4-digit code whose
  leading zero a spreadsheet dropped (``1001`` -> ``01001``);
- postal codes (``69130``);
- SIRENs of EPCI (all member communes) and of communes;
- names, insensitive to case, accents, hyphens, apostrophes, "St"/"Saint",
  with an optional qualifier: ``Sainte-Colombe (69)``, ``Sainte-Colombe
  (Rhône)``, ``Sainte-Colombe (69560)``, ``69560 Sainte-Colombe``,
  ``Sainte-Colombe 69``;
  arrondissements as ``Lyon 3e``, ``Lyon 3e arrondissement``, ``Lyon 03``;
  names of communes déléguées/associées; former names of merged
  communes; names of EPCI, with or without their kind (all members);
- INSEE URIs ``http(s)://id.insee.fr/geo/<level>/<code>`` with level
  commune, communeDeleguee, communeAssociee, arrondissementMunicipal,
  intercommunalite, departement, region;
- GeoIDs as used by data.gouv.fr (``fr:commune:69123``,
  ``fr:commune:69123@1942-01-01``, ``fr:epci:200046977``,
  ``fr:departement:69``, ``fr:region:84``, ``fr:collectivite-outre-mer:975``);
- explicit prefixes ``commune:``/``insee:``, ``epci:``/``siren:``,
  ``departement:``, ``region:``, ``cp:``/``postal:``;
- names of départements and régions ("Rhône", "département du Rhône",
  "Auvergne-Rhône-Alpes", "région Hauts-de-France"): their communes;
- countries: ``FRA``, ``FR``, "France" (every commune), ``FXX``, "France
  métropolitaine" (metropolitan France), the ISO 3166 codes of the overseas
  départements and collectivités (``GLP``, ``MTQ``, ``GUF``, ``REU``,
  ``MYT``, ``SPM``, ``BLM``, ``MAF``, ``WLF``, ``PYF``, ``NCL``, ``ATF``),
  and the EU's country IRIs (``.../authority/country/FRA``);
- ``*``, "tout le territoire", "whole territory": every commune of the scope.

It returns CURRENT communes only, and never guesses. Rules, in order:

1. A bare 5-character code is read both ways: INSEE code (current, former,
   déléguée, arrondissement) and postal code. When both readings designate
   communes of the scope and not the same ones, the value is refused as
   ambiguous with both readings as candidates: ``64100`` in the Pays
   Basque (Bassussarry's INSEE code, Bayonne's postal code), ``69003`` in
   the Métropole de Lyon (Albigny-sur-Saône / Lyon 3e), ``69290`` (Saint-
   Priest / Craponne and Saint-Genis-les-Ollières). Write ``insee:69003``
   or ``cp:69003`` (or ``69003 Lyon``) to choose. A code that is the INSEE
   code and the postal code of the same commune is fine, and so is a code
   whose other reading falls outside the scope. When only the postal
   reading is in the scope, the error says how to write it. Values written
   by machines that write INSEE codes (the coverage's stored value and
   form choices) pass ``codes_as_insee=True``.
2. Some values designate a SET of communes and return all of them: an EPCI,
   a département (by name, code "2A" or "69", "département du Rhône"), a
   région, the whole territory, and a postal code (a postal code is shared
   by the communes it serves, e.g. cp:69290 -> Craponne,
   Grézieu-la-Varenne, Saint-Genis-les-Ollières; refusing it as ambiguous
   would make postal codes useless). With a scope they are intersected with
   it and refused only if nothing remains.
3. Other values designate ONE place. Names are looked up in tiers: current
   communes and communes déléguées/associées together ("Béon" is a commune
   of the Yonne and a commune déléguée of the Ain: ambiguous where the
   scope holds both), then EPCI, then départements and régions ("Vienne"
   is the commune where it is in the scope, the département elsewhere),
   then former names of communes that the referential no longer gives
   ("Courcouronnes" -> Évry-Courcouronnes, see :mod:`.history`), then
   usual names of EPCI without their kind ("Pays Basque", "Arlysère"),
   then lenient keys (no separators, no leading article, no INSEE
   parenthesis). The first tier with a match (with a scope: with a match
   inside the scope) wins; several matches in it raise
   :class:`AmbiguousPlace` with the candidates (each with its département
   and code), unless accents typed by the user single one out.
4. With a scope, a place outside it raises :class:`OutsideScope`.

Scope: ``None`` or ``"all"`` means the whole of France; otherwise a
:class:`~.scope.Scope` (or the raw option value, parsed and cached).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from . import normalize
from .errors import N_, AmbiguousPlace, Candidate, OutsideScope, PlaceError, Text, UnknownPlace
from .scope import Scope, parse_scope
from .store import Referential, get_referential

ALL = "all"

#: Phrases meaning "every commune of the scope" (compared as name keys).
WHOLE_TERRITORY_PHRASES = frozenset(
    normalize.name_key(phrase)
    for phrase in (
        "tout le territoire",
        "l'ensemble du territoire",
        "ensemble du territoire",
        "territoire entier",
        "toutes les communes",
        "whole territory",
        "entire territory",
        "all communes",
    )
)


@dataclass(frozen=True, slots=True)
class Match:
    """A current commune designated by a value.

    ``matched_as`` says how: insee, old_insee, commune_deleguee (déléguée or
    associée, by code or name), arrondissement, postal_code, siren, name,
    former_name,
    epci_siren, epci_name, departement, region, departement_name,
    region_name, country, insee_uri, zone_id, whole_territory. ``via`` is the code that was matched when it is not
    ``insee`` itself (old code, postal code, EPCI SIREN, déléguée code...).
    """

    insee: str
    name: str
    type: str  # always "commune" (a current commune)
    matched_as: str
    via: str | None = None

    def as_dict(self) -> dict[str, str]:
        return {
            "insee": self.insee,
            "name": self.name,
            "type": self.type,
            "matched_as": self.matched_as,
        }


@dataclass(frozen=True, slots=True)
class _Target:
    """A place a value may designate, with the current communes it stands for."""

    candidate: Candidate
    communes: tuple[str, ...]
    matched_as: str
    via: str | None = None
    spelled: str | None = None  # official spelling, to prefer exact accents


# "http://id.insee.fr/geo/commune/69123", https too, trailing slash tolerated.
_INSEE_URI = re.compile(
    r"^https?://id\.insee\.fr/geo/(?P<level>[A-Za-z]+)/(?P<code>[^/?#\s]+)/?$", re.I
)
# "fr:commune:69123@1942-01-01", "commune:69123", "cp: 69003".
_PREFIXED = re.compile(
    r"^(?:(?P<country>[a-z]{2}):)?(?P<level>[a-z][a-z _-]*?)\s*:\s*(?P<code>[0-9a-z]+)"
    r"(?:@(?P<date>\d{4}-\d{2}-\d{2}))?$",
    re.I,
)
_INSEE_LIKE = re.compile(r"^(?:\d{2}|2[AB])\d{3}$", re.I)
_FOUR_DIGITS = re.compile(r"^\d{4}$")
_SIREN = re.compile(r"^\d{9}$")
# Country codes (ISO 3166 alpha-3, FXX for metropolitan France) -> the
# départements they stand for (None: all of them).
_COUNTRIES: dict[str, tuple[str, tuple[str, ...] | None]] = {
    "FRA": ("France", None),
    "FR": ("France", None),
    "FXX": ("France métropolitaine", ("metropole",)),
    "GLP": ("Guadeloupe", ("971",)),
    "MTQ": ("Martinique", ("972",)),
    "GUF": ("Guyane", ("973",)),
    "REU": ("La Réunion", ("974",)),
    "SPM": ("Saint-Pierre-et-Miquelon", ("975",)),
    "MYT": ("Mayotte", ("976",)),
    "BLM": ("Saint-Barthélemy", ("977",)),
    "MAF": ("Saint-Martin", ("978",)),
    "ATF": ("Terres australes et antarctiques françaises", ("984",)),
    "WLF": ("Wallis-et-Futuna", ("986",)),
    "PYF": ("Polynésie française", ("987",)),
    "NCL": ("Nouvelle-Calédonie", ("988",)),
}
_COUNTRY_NAMES = {
    normalize.name_key(name): code
    for name, code in (
        ("France", "FRA"),
        ("France entière", "FRA"),
        ("France métropolitaine", "FXX"),
        ("Métropole", "FXX"),
    )
}
_COUNTRY_IRI = re.compile(
    r"^https?://publications\.europa\.eu/resource/authority/country/(?P<code>[A-Z]{3})/?$", re.I
)
# "département du Rhône", "dpt 69", "région Auvergne-Rhône-Alpes" (as name keys).
_AREA_WORDS = re.compile(
    r"^(?P<kind>departement|dept|dpt|region)\s+(?:(?:de la|de l|du|des|de|d)\s+)?(?P<name>.+)$"
)
_LEADING_POSTAL = re.compile(r"^(?P<code>\d{5})\s+(?P<name>\D.*)$")
_TRAILING_POSTAL = re.compile(r"^(?P<name>.*\D)\s+(?P<code>\d{5})$")
_PARENTHESIS = re.compile(r"^(?P<name>.+?)\s*\(\s*(?P<qualifier>[^()]+?)\s*\)$")
_COMMA = re.compile(r"^(?P<name>.+?)\s*,\s*(?P<qualifier>[^,]+?)$")
_DEPARTEMENT = re.compile(r"^(?:\d{2,3}|2[AB])$", re.I)
# "Sainte-Colombe 69": a bare département code after the name.
_TRAILING_DEPARTEMENT = re.compile(r"^(?P<name>.*[^\d\s])\s+(?P<code>\d{2,3}|2[AB])$", re.I)

# Level names of URIs and prefixes -> what the code is looked up as.
_LEVELS = {
    "commune": "commune",
    "insee": "commune",
    "communedeleguee": "commune",
    "communeassociee": "commune",
    "arrondissementmunicipal": "commune",
    "epci": "epci",
    "intercommunalite": "epci",
    "siren": "siren",
    "departement": "departement",
    "collectiviteoutremer": "departement",
    "region": "region",
    "cp": "postal",
    "postal": "postal",
    "codepostal": "postal",
    "postalcode": "postal",
}


def resolve(
    text: str,
    scope: Scope | str | list[str] | None = None,
    *,
    referential: Referential | None = None,
    codes_as_insee: bool = False,
) -> list[Match]:
    """The current communes designated by ``text`` (see the module doc).

    ``codes_as_insee``: the value was written by a machine that writes
    INSEE codes (a stored coverage, the form's choices): a bare 5-character
    code is read as an INSEE code even when it is also a postal code.

    Raises :class:`UnknownPlace`, :class:`AmbiguousPlace` or
    :class:`OutsideScope` (all :class:`PlaceError`, a ValueError), and
    :class:`~.errors.ScopeError` if ``scope`` is an invalid raw option.
    Results are sorted by INSEE code and distinct.
    """
    ref = referential or get_referential()
    territory = _as_scope(scope, ref, cacheable=referential is None)
    value = text if isinstance(text, str) else ("" if text is None else str(text))
    compact = " ".join(value.split())
    if not compact:
        raise UnknownPlace(value, Text(N_("Empty place value.")))
    tiers, postal_hint = _targets(compact, ref, territory, codes_as_insee)
    return _choose(value, tiers, territory, ref, postal_hint)


def resolve_many(
    values: Iterable[str],
    scope: Scope | str | list[str] | None = None,
    *,
    referential: Referential | None = None,
    codes_as_insee: bool = False,
) -> tuple[list[str], list[PlaceError]]:
    """Resolve several values, for validators.

    Returns the distinct INSEE codes in first-seen order and the errors of
    the values that failed (each with ``.value`` and a message). Blank
    values are skipped.
    """
    ref = referential or get_referential()
    territory = _as_scope(scope, ref, cacheable=referential is None)
    codes: dict[str, None] = {}
    errors: list[PlaceError] = []
    for value in values:
        if value is None or not str(value).strip():
            continue
        try:
            for match in resolve(
                value, territory or ALL, referential=ref, codes_as_insee=codes_as_insee
            ):
                codes.setdefault(match.insee, None)
        except PlaceError as error:
            errors.append(error)
    return list(codes), errors


# -- scope ----------------------------------------------------------------


def _as_scope(scope, ref: Referential, cacheable: bool) -> Scope | None:
    if scope is None or scope == ALL:
        return None
    if isinstance(scope, Scope):
        return scope
    if isinstance(scope, str) and cacheable:  # parsed against the shipped referential
        return _parsed_default_scope(scope)
    return parse_scope(scope, ref)


def forget_parsed_scopes() -> None:
    """Forget the scopes parsed so far (the referential was refreshed)."""
    _parsed_default_scope.cache_clear()


@lru_cache(maxsize=32)
def _parsed_default_scope(value: str) -> Scope:
    # Validators may pass the raw option on every call: parse it once.
    return parse_scope(value)


def _choose(
    value: str,
    tiers: list[list[_Target]],
    territory: Scope | None,
    ref: Referential,
    postal_hint: Text | None,
) -> list[Match]:
    tiers = [tier for tier in tiers if tier]
    if territory is None:
        chosen = tiers[0]
    else:
        for tier in tiers:
            chosen = [t for t in tier if any(code in territory.communes for code in t.communes)]
            if chosen:
                break
        else:
            raise OutsideScope(value, [t.candidate for t in tiers[0]], territory, postal_hint)
    if len(chosen) > 1:
        raise AmbiguousPlace(value, _sorted_candidates(chosen), _code_hint(chosen))
    target = chosen[0]
    codes = (
        target.communes
        if territory is None
        else [c for c in target.communes if c in territory.communes]
    )
    return [
        Match(code, ref.communes[code].name, "commune", target.matched_as, target.via)
        for code in sorted(set(codes))
    ]


def _code_hint(targets: list[_Target]) -> Text | None:
    """How to write each reading of a code both INSEE and postal."""
    if not any(t.matched_as == "postal_code" for t in targets):
        return None
    code = next(t.via for t in targets if t.matched_as == "postal_code")
    return Text(
        N_('write "insee:%(code)s" for the INSEE code or "cp:%(code)s" for the postal code'),
        {"code": code},
    )


def _sorted_candidates(targets: list[_Target]) -> list[Candidate]:
    return sorted(
        (t.candidate for t in targets), key=lambda c: (c.departement or "", c.code, c.name)
    )


# -- what a value may designate -------------------------------------------


def _targets(
    text: str, ref: Referential, territory: Scope | None, codes_as_insee: bool = False
) -> tuple[list[list[_Target]], Text | None]:
    """Tiers of targets for ``text``, best first, and an optional hint."""
    if text == "*" or normalize.name_key(text) in WHOLE_TERRITORY_PHRASES:
        communes = tuple(sorted(territory.communes)) if territory else tuple(ref.communes)
        label = territory.label if territory else "France"
        return [[_Target(Candidate("*", label, "territory"), communes, "whole_territory")]], None

    country_target = _country_target(text, ref)
    if country_target is not None:
        return [[country_target]], None

    uri = _INSEE_URI.match(text)
    if uri:
        level = uri.group("level").lower()
        if level not in _LEVELS or _LEVELS[level] in ("postal", "siren"):
            raise UnknownPlace(
                text,
                Text(
                    N_(
                        '"%(text)s": INSEE URIs of level "%(level)s" are not supported (supported: '
                        "commune, communeDeleguee, communeAssociee, arrondissementMunicipal, "
                        "intercommunalite, departement, region)."
                    ),
                    {"text": text, "level": uri.group("level")},
                ),
            )
        return _by_code(text, _LEVELS[level], uri.group("code"), ref, territory, "insee_uri")

    prefixed = _PREFIXED.match(text)
    if prefixed:
        level = re.sub(r"[\s_-]", "", normalize.strip_accents(prefixed.group("level")))
        country = (prefixed.group("country") or "").lower()
        if country and country != "fr":
            raise UnknownPlace(
                text, Text(N_('"%(text)s": only French zones (fr:...) are known.'), {"text": text})
            )
        if level not in _LEVELS:
            raise UnknownPlace(
                text,
                Text(
                    N_(
                        '"%(text)s": unknown kind of zone "%(level)s" (known: commune, epci, '
                        "departement, region, collectivite-outre-mer, insee, siren, cp)."
                    ),
                    {"text": text, "level": prefixed.group("level")},
                ),
            )
        return _by_code(
            text,
            _LEVELS[level],
            prefixed.group("code"),
            ref,
            territory,
            "zone_id" if country else None,
        )

    kind, code = _bare_code(text, ref)
    if kind:
        return _by_code(text, kind, code, ref, territory, None, codes_as_insee)
    return _by_name(text, ref), None


def _bare_code(text: str, ref: Referential) -> tuple[str | None, str]:
    """The kind of a bare code (SIREN, INSEE or postal, département), if it is one."""
    digits = text.replace(" ", "")
    if _SIREN.match(digits):  # SIRENs are often written "200 046 977"
        return "siren", digits
    if _INSEE_LIKE.match(text) or _FOUR_DIGITS.match(text):
        return "code_or_postal", text
    if _DEPARTEMENT.match(text) and _normalised_code("departement", text) in ref.departements:
        return "departement", text  # "2A", "69", "974"
    return None, text


def _country_target(text: str, ref: Referential) -> _Target | None:
    """A country, or a French overseas territory by its ISO code, or None."""
    iri = _COUNTRY_IRI.match(text)
    code = iri.group("code").upper() if iri else text.upper()
    if code not in _COUNTRIES:
        code = _COUNTRY_NAMES.get(normalize.name_key(text), "")
    if code not in _COUNTRIES:
        return None
    name, departements = _COUNTRIES[code]
    if departements is None:
        communes = tuple(ref.communes)
    elif departements == ("metropole",):
        communes = tuple(
            insee for insee, commune in ref.communes.items() if len(commune.departement) == 2
        )
    else:
        communes = tuple(c for d in departements for c in ref.communes_by_departement.get(d, ()))
    return _Target(Candidate(code, name, "country"), communes, "country", code, name)


def _by_code(
    text: str,
    kind: str,
    code: str,
    ref: Referential,
    territory: Scope | None,
    matched_as: str | None,
    codes_as_insee: bool = False,
) -> tuple[list[list[_Target]], Text | None]:
    """Targets of a code of a known kind; ``matched_as`` overrides the default.

    ``codes_as_insee``: an INSEE code is not also read as a postal code."""
    code = _normalised_code(kind, code)
    targets: list[list[_Target]] = []
    hint = None
    if kind in ("commune", "code_or_postal"):
        targets = _commune_code_tiers(code, ref)
        if targets and kind == "code_or_postal" and not codes_as_insee:
            targets = _both_readings(code, targets, ref, territory)
            hint = _postal_code_hint(code, ref, territory)
    if kind in ("postal", "code_or_postal") and not targets:
        targets = _postal_code_tiers(code, ref)
    if kind in ("epci", "siren"):
        targets = _epci_tiers(code, ref)
    if kind == "siren" and not targets:
        targets = _commune_siren_tiers(code, ref)
    if kind in ("departement", "region"):
        targets = _area_tiers(kind, code, ref)

    if not targets:
        raise UnknownPlace(text, _unknown_code_message(text, kind, code))
    if matched_as:
        targets = [[_replace_matched_as(t, matched_as) for t in tier] for tier in targets]
    return targets, hint


def _normalised_code(kind: str, code: str) -> str:
    code = code.upper()
    if kind in ("commune", "code_or_postal", "postal") and _FOUR_DIGITS.match(code):
        return "0" + code  # "1001" from a spreadsheet that dropped the zero
    if kind in ("departement", "region") and code.isdigit() and len(code) == 1:
        return "0" + code
    return code


def _commune_code_tiers(code: str, ref: Referential) -> list[list[_Target]]:
    target = _commune_code_target(code, ref)
    return [[target]] if target else []


def _both_readings(
    code: str, insee_tiers: list[list[_Target]], ref: Referential, territory: Scope | None
) -> list[list[_Target]]:
    """The INSEE reading of a bare code, and its postal reading beside it
    when that designates other communes of the territory: never guess."""
    insee_target = insee_tiers[0][0]
    postal = ref.communes_by_postal_code.get(code, ())
    insee_in = {c for c in insee_target.communes if territory is None or c in territory.communes}
    postal_in = [c for c in postal if territory is None or c in territory.communes]
    if not insee_in or not postal_in or set(postal_in) == insee_in:
        return insee_tiers
    main = ref.main_departement(postal_in)
    candidate = Candidate(
        code,
        ", ".join(ref.communes[c].name for c in postal_in),
        "postal_code",
        main,
        ref.departements[main].name if main else None,
    )
    return [[insee_target, _Target(candidate, postal, "postal_code", code)]]


def _postal_code_hint(code: str, ref: Referential, territory: Scope | None) -> Text | None:
    """An INSEE code that is also a postal code of the territory: say how to
    write the postal code."""
    postal_communes = ref.communes_by_postal_code.get(code, ())
    if not (territory and any(c in territory.communes for c in postal_communes)):
        return None
    return Text(
        N_(
            "%(code)s is also the postal code of %(names)s: "
            'write "cp:%(code)s" for the postal code.'
        ),
        {"code": code, "names": _names(postal_communes, ref)},
    )


def _postal_code_tiers(code: str, ref: Referential) -> list[list[_Target]]:
    communes = ref.communes_by_postal_code.get(code)
    if not communes:
        return []
    return [[_Target(Candidate(code, code, "postal_code"), communes, "postal_code", code)]]


def _epci_tiers(siren: str, ref: Referential) -> list[list[_Target]]:
    epci = ref.epcis.get(siren)
    return [[_epci_target(epci.siren, ref, "epci_siren")]] if epci else []


def _commune_siren_tiers(siren: str, ref: Referential) -> list[list[_Target]]:
    insee = ref.commune_by_siren.get(siren)
    return [[_commune_target(insee, ref, "siren", via=siren)]] if insee else []


def _area_tiers(kind: str, code: str, ref: Referential) -> list[list[_Target]]:
    """A département or a région, standing for its communes."""
    names = ref.departement_names if kind == "departement" else ref.region_names
    if code not in names:
        return []
    candidate = Candidate(code, names[code], kind)
    return [[_Target(candidate, ref.members(kind, code), kind, code)]]


def _unknown_code_message(text: str, kind: str, code: str) -> Text:
    templates = {
        "code_or_postal": N_(
            '"%(text)s" is neither an INSEE code (current or former) nor a postal '
            "code of a French commune."
        ),
        "commune": N_('"%(text)s": no commune, current or former, has the INSEE code %(code)s.'),
        "postal": N_('"%(text)s": no commune has the postal code %(code)s.'),
        "epci": N_('"%(text)s": no EPCI has the SIREN %(code)s.'),
        "siren": N_('"%(text)s" is not the SIREN of an EPCI or of a commune.'),
        "departement": N_('"%(text)s": no département has the code %(code)s.'),
        "region": N_('"%(text)s": no région has the code %(code)s.'),
    }
    if kind in templates:
        return Text(templates[kind], {"text": text, "code": code})
    return Text(
        N_('"%(text)s": no %(kind)s has the code %(code)s.'),
        {"text": text, "kind": kind, "code": code},
    )


def _replace_matched_as(target: _Target, matched_as: str) -> _Target:
    return _Target(target.candidate, target.communes, matched_as, target.via, target.spelled)


def _names(codes: Iterable[str], ref: Referential) -> str:
    return ", ".join(f"{ref.communes[code].name} ({code})" for code in codes)


def _commune_code_target(code: str, ref: Referential) -> _Target | None:
    """Target of an INSEE code of any kind, or None."""
    if code in ref.communes:
        return _commune_target(code, ref, "insee")
    if code in ref.arrondissements:
        return _arrondissement_target(code, ref)
    if code in ref.deleguees:
        return _deleguee_target(code, ref)
    if code in ref.current_by_old_code:
        return _commune_target(ref.current_by_old_code[code], ref, "old_insee", via=code)
    return None


def _commune_target(
    insee: str, ref: Referential, matched_as: str, via: str | None = None
) -> _Target:
    commune = ref.communes[insee]
    departement = ref.departements[commune.departement]
    candidate = Candidate(
        insee, commune.name, "commune", departement.code, departement.name, via=via
    )
    return _Target(candidate, (insee,), matched_as, via, commune.name)


def _deleguee_target(code: str, ref: Referential) -> _Target:
    deleguee = ref.deleguees[code]
    commune = ref.communes[deleguee.commune]
    departement = ref.departements[commune.departement]
    candidate = Candidate(
        commune.insee,
        deleguee.name,
        deleguee.type,
        departement.code,
        departement.name,
        commune_name=commune.name,
        via=code,
    )
    return _Target(candidate, (commune.insee,), "commune_deleguee", code, deleguee.name)


def _arrondissement_target(code: str, ref: Referential) -> _Target:
    arrondissement = ref.arrondissements[code]
    commune = ref.communes[arrondissement.commune]
    departement = ref.departements[commune.departement]
    candidate = Candidate(
        commune.insee,
        arrondissement.name,
        "arrondissement-municipal",
        departement.code,
        departement.name,
        commune_name=commune.name,
        via=code,
    )
    return _Target(candidate, (commune.insee,), "arrondissement", code, arrondissement.name)


def _epci_target(siren: str, ref: Referential, matched_as: str) -> _Target:
    epci = ref.epcis[siren]
    main = ref.main_departement(epci.members)
    candidate = Candidate(
        siren, epci.name, "epci", main, ref.departements[main].name if main else None
    )
    return _Target(candidate, epci.members, matched_as, siren, epci.name)


# -- names ----------------------------------------------------------------


def _by_name(text: str, ref: Referential) -> list[list[_Target]]:
    if not normalize.name_key(text):
        raise UnknownPlace(
            text, Text(N_('"%(text)s" is not a place name or code.'), {"text": text})
        )

    # "Lyon 3e", "Lyon 03", "3e arrondissement de Lyon".
    missing_arrondissement = None
    arrondissement = normalize.parse_arrondissement(normalize.name_key(text))
    if arrondissement and arrondissement[0] in ref.arrondissement_cities:
        code = ref.arrondissement_by_number.get(arrondissement)
        if code:
            return [[_arrondissement_target(code, ref)]]
        city = next(
            ref.arrondissements[c].commune
            for (k, _), c in ref.arrondissement_by_number.items()
            if k == arrondissement[0]
        )
        missing_arrondissement = Text(
            N_('"%(text)s": %(city)s has no arrondissement number %(number)s.'),
            {"text": text, "city": ref.communes[city].name, "number": arrondissement[1]},
        )

    name, qualifier = _split_qualifier(text, ref)
    tiers, found_anywhere = _name_tiers(name, qualifier, ref)
    if not any(tiers) and qualifier and qualifier[0] == "bare_departement":
        # "CC Val 81" is a name, not "CC Val" in the Tarn: try the whole text.
        whole_tiers, _ = _name_tiers(text, None, ref)
        if any(whole_tiers):
            return whole_tiers
    if not any(tiers):
        if missing_arrondissement:
            raise UnknownPlace(text, missing_arrondissement)
        if found_anywhere and qualifier:
            raise UnknownPlace(
                text,
                Text(
                    N_('"%(text)s": no place named "%(name)s" matches "%(qualifier)s".'),
                    {"text": text, "name": name, "qualifier": qualifier[1]},
                ),
            )
        raise UnknownPlace(
            text,
            Text(
                N_('"%(text)s": no commune, commune déléguée or EPCI has this name.'),
                {"text": text},
            ),
        )
    return tiers


def _name_tiers(
    name: str, qualifier: tuple[str, str] | None, ref: Referential
) -> tuple[list[list[_Target]], bool]:
    """Tiers of places named ``name`` (see the module doc), filtered by ``qualifier``.

    Also tells whether anything had that name before the qualifier applied.
    """
    tiers = [_distinct(tier) for tier in _raw_name_tiers(name, ref)]
    found_anywhere = any(tiers)
    if qualifier:
        tiers = [[t for t in tier if _qualifies(t, qualifier, ref)] for tier in tiers]
    if normalize.has_accents(name):
        tiers = [_prefer_exact_spelling(tier, name) for tier in tiers]
    return tiers, found_anywhere


def _raw_name_tiers(name: str, ref: Referential) -> list[list[_Target]]:
    key = normalize.name_key(name)
    epci_key = normalize.epci_key(name)
    short_keys = {key, epci_key} | {k for k in (normalize.epci_short_key(epci_key),) if k}
    return [
        # Communes and communes déléguées alike: "Béon" is a commune of the
        # Yonne and a commune déléguée of the Ain.
        [_commune_target(c, ref, "name") for c in ref.communes_by_name.get(key, ())]
        + [_deleguee_target(c, ref) for c in ref.deleguees_by_name.get(key, ())],
        [_epci_target(s, ref, "epci_name") for s in ref.epcis_by_name.get(epci_key, ())],
        _area_name_targets(name, ref),
        [_former_name_target(c, ref) for c in ref.former_codes_by_name.get(key, ())],
        [
            _epci_target(s, ref, "epci_name")
            for k in sorted(short_keys)
            for s in ref.epcis_by_short_name.get(k, ())
        ],
        _loose_name_targets(name, ref),
    ]


def _loose_name_targets(name: str, ref: Referential) -> list[_Target]:
    loose_keys = _loose_input_keys(name)
    return (
        [
            _commune_target(c, ref, "name")
            for k in loose_keys
            for c in ref.communes_by_loose_name.get(k, ())
        ]
        + [
            _deleguee_target(c, ref)
            for k in loose_keys
            for c in ref.deleguees_by_loose_name.get(k, ())
        ]
        + [
            _epci_target(s, ref, "epci_name")
            for k in loose_keys
            for s in ref.epcis_by_loose_name.get(k, ())
        ]
    )


def _former_name_target(code: str, ref: Referential) -> _Target:
    """A commune by a name its code had (:mod:`.history`): "Courcouronnes"."""
    commune = ref.current_commune(code)
    assert commune is not None  # the store keeps only codes it knows
    target = _commune_target(commune.insee, ref, "former_name", via=code)
    candidate = Candidate(
        commune.insee,
        ref.former_names[code],
        "former-commune",
        target.candidate.departement,
        target.candidate.departement_name,
        commune_name=commune.name,
        via=code,
    )
    return _Target(candidate, target.communes, "former_name", code, ref.former_names[code])


def _area_name_targets(name: str, ref: Referential) -> list[_Target]:
    """Départements and régions of that name ("Rhône", "région Bretagne")."""
    key = normalize.name_key(name)
    kinds: tuple[str, ...] = ("departement", "region")
    words = _AREA_WORDS.match(key)
    if words:
        key = words.group("name")
        kinds = ("region",) if words.group("kind") == "region" else ("departement",)
    targets = []
    for kind in kinds:
        code = (ref.departement_by_name if kind == "departement" else ref.region_by_name).get(key)
        if code:
            target = _area_tiers(kind, code, ref)[0][0]
            names = ref.departement_names if kind == "departement" else ref.region_names
            targets.append(
                _Target(target.candidate, target.communes, f"{kind}_name", code, names[code])
            )
    return targets


def _split_qualifier(text: str, ref: Referential) -> tuple[str, tuple[str, str] | None]:
    """Separate "Sainte-Colombe (69)" into the name and ("departement", "69")."""
    for pattern in (_LEADING_POSTAL, _TRAILING_POSTAL):
        match = pattern.match(text)
        if match:
            return match.group("name"), ("code", match.group("code"))
    for pattern in (_PARENTHESIS, _COMMA):
        match = pattern.match(text)
        if match:
            qualifier = _qualifier(match.group("qualifier"), ref)
            if qualifier:
                return match.group("name"), qualifier
    match = _TRAILING_DEPARTEMENT.match(text)
    if match and match.group("code").upper() in ref.departements:
        return match.group("name"), ("bare_departement", match.group("code").upper())
    return text, None


def _qualifier(text: str, ref: Referential) -> tuple[str, str] | None:
    if re.fullmatch(r"\d{5}", text):
        return ("code", text)
    code = text.upper()
    if code.isdigit() and len(code) == 1:
        code = "0" + code
    if _DEPARTEMENT.match(code) and code in ref.departements:
        return ("departement", code)
    by_name = ref.departement_by_name.get(normalize.name_key(text))
    return ("departement", by_name) if by_name else None


def _qualifies(target: _Target, qualifier: tuple[str, str], ref: Referential) -> bool:
    kind, value = qualifier
    if kind in ("departement", "bare_departement"):
        return any(ref.communes[c].departement == value for c in target.communes)
    using_code = ref.communes_by_postal_code.get(value, ())
    return any(c == value or c in using_code for c in target.communes)


def _prefer_exact_spelling(tier: list[_Target], name: str) -> list[_Target]:
    # The user typed accents: "Saint-Rémy" should not also offer "Saint-Remy".
    if len(tier) < 2:
        return tier
    wanted = normalize.accented_key(name)
    exact = [t for t in tier if t.spelled and normalize.accented_key(t.spelled) == wanted]
    return exact or tier


def _loose_input_keys(name: str) -> set[str]:
    keys = set()
    for key in (normalize.name_key(name), normalize.epci_key(name)):
        keys.add(normalize.joined_key(key))
        stripped = normalize.without_article(key)
        if stripped:
            keys.add(normalize.joined_key(stripped))
    return keys


def _distinct(tier: list[_Target]) -> list[_Target]:
    """Drop targets standing for the same communes as an earlier one.

    "Annecy" in the lenient tier finds the commune and its commune déléguée
    of the same name: one place.
    """
    seen: set[tuple[str, tuple[str, ...]]] = set()
    distinct = []
    for target in tier:
        identity = ("epci" if target.candidate.type == "epci" else "commune", target.communes)
        if identity not in seen:
            seen.add(identity)
            distinct.append(target)
    return distinct
