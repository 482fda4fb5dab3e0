"""The administrative referential in memory: records and lookup indexes.

:func:`get_referential` loads the compact file shipped in ``data/`` once per
process (the first call takes a few hundred milliseconds) and returns the
same :class:`Referential` afterwards; lookups are then dictionary accesses.
:func:`load_referential` builds a fresh one from another file (tests,
previews of a refreshed build).

Records are immutable. Only current communes ("communes actuelles") carry
postal codes, SIREN, population and membership; communes déléguées/associées
and arrondissements municipaux point to their current commune.
"""

from __future__ import annotations

import gzip
import json
import threading
from collections import Counter
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

from . import history, normalize
from .fileformat import DATA_FILENAME, FORMAT_VERSION

COMMUNE_DELEGUEE = "commune-deleguee"
COMMUNE_ASSOCIEE = "commune-associee"


class Region(NamedTuple):
    code: str
    name: str


class Departement(NamedTuple):
    code: str
    name: str
    region: str


class Commune(NamedTuple):
    """A current commune (INSEE type "commune actuelle")."""

    insee: str
    name: str
    departement: str
    region: str
    siren: str | None
    population: int | None
    postal_codes: tuple[str, ...]
    #: Former INSEE codes now covered by this commune (merged communes...).
    old_codes: tuple[str, ...]
    #: SIREN of the EPCI à fiscalité propre it belongs to, if any.
    epci: str | None
    #: Codes of its communes déléguées/associées (may include its own code).
    deleguees: tuple[str, ...]
    #: Codes of its arrondissements municipaux (Paris, Lyon, Marseille).
    arrondissements: tuple[str, ...]
    #: INSEE "type de nom en clair" (0-8): which article/preposition the name
    #: takes ("de Lyon", "d'Écully", "du Mans"...).
    type_liaison: int = 0


class CommuneDeleguee(NamedTuple):
    """A commune déléguée or associée: a former commune inside a current one."""

    insee: str
    name: str
    type: str  # COMMUNE_DELEGUEE or COMMUNE_ASSOCIEE
    commune: str  # INSEE code of the current commune (upstream "chefLieu")


class ArrondissementMunicipal(NamedTuple):
    insee: str
    name: str
    commune: str
    postal_codes: tuple[str, ...]
    population: int | None


class Epci(NamedTuple):
    """An EPCI à fiscalité propre (CC, CA, CU, métropole, Métropole de Lyon)."""

    siren: str
    name: str
    type: str  # CC, CA, CU, METRO, MET69
    population: int | None
    members: tuple[str, ...]  # INSEE codes of current communes, sorted


class ReferentialError(RuntimeError):
    """The shipped data file is missing or has an unexpected layout."""


class Referential:
    """Records of one build of the referential and the indexes over them.

    Attributes holding records are plain dicts keyed by code; the ``*_by_*``
    indexes map a code or a name key to a tuple of codes. Treat all of them
    as read-only: the instance is shared by the whole process.
    """

    def __init__(self, payload: dict[str, Any], former_names: dict[str, str] | None = None):
        if payload.get("format") != FORMAT_VERSION:
            raise ReferentialError(
                f"referential data format {payload.get('format')!r} is not {FORMAT_VERSION}: "
                "rebuild it with python -m ckanext.territoires.referential.build"
            )
        #: Upstream package, version, licence and copyright of the data.
        self.source: dict[str, str] = dict(payload["source"])
        tables = payload["tables"]

        self.regions: dict[str, Region] = {
            code: Region(code, name) for code, name in _columns(tables["regions"], "code", "nom")
        }
        self.departements: dict[str, Departement] = {
            code: Departement(code, name, region)
            for code, name, region in _columns(tables["departements"], "code", "nom", "region")
        }
        self.epcis: dict[str, Epci] = {
            siren: Epci(siren, name, kind, population, tuple(members))
            for siren, name, kind, population, members in _columns(
                tables["epci"], "code", "nom", "type", "populationTotale", "membres"
            )
        }
        self.deleguees: dict[str, CommuneDeleguee] = {
            code: CommuneDeleguee(code, name, kind, chef_lieu)
            for code, name, kind, chef_lieu in _columns(
                tables["communes_deleguees"], "code", "nom", "type", "chefLieu"
            )
        }
        self.arrondissements: dict[str, ArrondissementMunicipal] = {
            code: ArrondissementMunicipal(code, name, commune, tuple(postal_codes), population)
            for code, name, commune, postal_codes, population in _columns(
                tables["arrondissements_municipaux"],
                "code",
                "nom",
                "commune",
                "codesPostaux",
                "population",
            )
        }

        epci_of = {member: epci.siren for epci in self.epcis.values() for member in epci.members}
        deleguees_of = _group((deleguee.commune, code) for code, deleguee in self.deleguees.items())
        arrondissements_of = _group(
            (arr.commune, code) for code, arr in self.arrondissements.items()
        )
        self.communes: dict[str, Commune] = {
            code: Commune(
                code,
                name,
                departement,
                region,
                siren,
                population,
                tuple(postal_codes),
                tuple(old_codes),
                epci_of.get(code),
                deleguees_of.get(code, ()),
                arrondissements_of.get(code, ()),
                type_liaison,
            )
            for code, name, departement, region, siren, population, postal_codes, old_codes, type_liaison in _columns(
                tables["communes"],
                "code",
                "nom",
                "departement",
                "region",
                "siren",
                "population",
                "codesPostaux",
                "anciensCodes",
                "typeLiaison",
            )
        }
        self._build_indexes()
        self._index_former_names(former_names or {})

    # -- indexes -----------------------------------------------------------

    def _build_indexes(self) -> None:
        self._index_codes()
        self._index_postal_codes()
        # Name indexes (see normalize.py for the keys). Keys are computed once
        # per record: normalisation is most of the loading time.
        commune_keys = {c.insee: normalize.name_key(c.name) for c in self.communes.values()}
        deleguee_keys = {code: normalize.name_key(d.name) for code, d in self.deleguees.items()}
        epci_keys = {siren: normalize.epci_key(e.name) for siren, e in self.epcis.items()}
        self._index_names(commune_keys, deleguee_keys, epci_keys)
        self._index_loose_names(commune_keys, deleguee_keys, epci_keys)
        self._index_arrondissements()
        self._index_departements_and_regions()

    def _index_former_names(self, former_names: dict[str, str]) -> None:
        #: INSEE code -> a name the code had that the tables no longer give
        #: (see :mod:`.history`); codes unknown to this build are dropped.
        self.former_names: dict[str, str] = {
            code: name
            for code, name in former_names.items()
            if self.current_commune(code) is not None
        }
        #: former name key -> INSEE codes that had it ("courcouronnes" -> 91182).
        self.former_codes_by_name = _group(
            (normalize.name_key(name), code) for code, name in self.former_names.items()
        )

    def _index_codes(self) -> None:
        communes = self.communes.values()
        #: former INSEE code -> current commune. A code that is still the code
        #: of a commune déléguée maps to that déléguée's commune: upstream
        #: ``anciensCodes`` disagree for two codes reused over history
        #: (55273, 60455) and the déléguée reflects today's attachment.
        self.current_by_old_code: dict[str, str] = {}
        for commune in communes:
            for old_code in commune.old_codes:
                self.current_by_old_code[old_code] = commune.insee
        for code, deleguee in self.deleguees.items():
            if code not in self.communes:
                self.current_by_old_code[code] = deleguee.commune
        #: commune SIREN -> INSEE code.
        self.commune_by_siren: dict[str, str] = {
            commune.siren: commune.insee for commune in communes if commune.siren
        }

    def _index_postal_codes(self) -> None:
        postal = _group(
            (postal_code, commune.insee)
            for commune in self.communes.values()
            for postal_code in commune.postal_codes
        )
        # Arrondissement postal codes (75116...) point to their commune too.
        for arr in self.arrondissements.values():
            for postal_code in arr.postal_codes:
                if arr.commune not in postal.get(postal_code, ()):
                    postal[postal_code] = tuple(sorted((*postal.get(postal_code, ()), arr.commune)))
        #: postal code -> current communes using it (sorted INSEE codes).
        self.communes_by_postal_code: dict[str, tuple[str, ...]] = postal

    def _index_names(
        self,
        commune_keys: dict[str, str],
        deleguee_keys: dict[str, str],
        epci_keys: dict[str, str],
    ) -> None:
        #: name key -> current communes with that name.
        self.communes_by_name = _group((key, insee) for insee, key in commune_keys.items())
        #: name key -> communes déléguées/associées codes with that name.
        self.deleguees_by_name = _group((key, code) for code, key in deleguee_keys.items())
        #: EPCI name key -> SIRENs.
        self.epcis_by_name = _group((key, siren) for siren, key in epci_keys.items())
        #: EPCI usual name key, without its type -> SIRENs ("pays basque").
        self.epcis_by_short_name = _group(
            (short, siren)
            for siren, key in epci_keys.items()
            if (short := normalize.epci_short_key(key))
        )

    def _index_loose_names(
        self,
        commune_keys: dict[str, str],
        deleguee_keys: dict[str, str],
        epci_keys: dict[str, str],
    ) -> None:
        # Lenient keys, consulted only when the exact key finds nothing:
        # without separators ("Labalme"/"La Balme"), without the leading article
        # ("Tour-de-Salvagny"), without INSEE's parenthesised precision ("Bors").
        self.communes_by_loose_name = _group(
            (loose, insee)
            for insee, key in commune_keys.items()
            for loose in _loose_keys(self.communes[insee].name, key)
        )
        self.deleguees_by_loose_name = _group(
            (loose, code)
            for code, key in deleguee_keys.items()
            for loose in _loose_keys(self.deleguees[code].name, key)
        )
        self.epcis_by_loose_name = _group(
            (loose, siren)
            for siren, key in epci_keys.items()
            for loose in _loose_keys(self.epcis[siren].name, key, normalize.epci_key)
        )

    def _index_arrondissements(self) -> None:
        #: (city key, number) -> arrondissement code: ("lyon", 3) -> "69383".
        self.arrondissement_by_number: dict[tuple[str, int], str] = {}
        for code, arr in self.arrondissements.items():
            parsed = normalize.parse_arrondissement(normalize.name_key(arr.name))
            if parsed:
                self.arrondissement_by_number[parsed] = code
        #: city keys that have arrondissements ("lyon", "paris", "marseille").
        self.arrondissement_cities = frozenset(city for city, _ in self.arrondissement_by_number)

    def _index_departements_and_regions(self) -> None:
        communes = self.communes.values()
        #: département / région code -> current communes (sorted INSEE codes).
        self.communes_by_departement = _group((c.departement, c.insee) for c in communes)
        self.communes_by_region = _group((c.region, c.insee) for c in communes)
        #: département / région code -> name.
        self.departement_names = {code: d.name for code, d in self.departements.items()}
        self.region_names = {code: r.name for code, r in self.regions.items()}
        #: folded département name -> code, for qualifiers like "Sainte-Colombe (Rhône)".
        self.departement_by_name = {
            normalize.name_key(d.name): code for code, d in self.departements.items()
        }
        #: folded région name -> code ("auvergne rhone alpes" -> "84").
        self.region_by_name = {normalize.name_key(r.name): code for code, r in self.regions.items()}

    # -- convenience -------------------------------------------------------

    def current_commune(self, code: str) -> Commune | None:
        """The current commune designated by any INSEE code.

        Current code, code of an arrondissement municipal, of a commune
        déléguée/associée or a former code; None if unknown.
        """
        insee = code if code in self.communes else None
        if insee is None and code in self.arrondissements:
            insee = self.arrondissements[code].commune
        if insee is None:
            insee = self.current_by_old_code.get(code)
        return self.communes.get(insee) if insee else None

    def members(self, kind: str, code: str) -> tuple[str, ...]:
        """Current communes of an ``epci``, ``departement``, ``region`` or ``commune``."""
        if kind == "epci":
            epci = self.epcis.get(code)
            return epci.members if epci else ()
        if kind == "departement":
            return self.communes_by_departement.get(code, ())
        if kind == "region":
            return self.communes_by_region.get(code, ())
        if kind == "commune":
            return (code,) if code in self.communes else ()
        raise ValueError(f"unknown kind {kind!r}")

    def main_departement(self, codes: Iterable[str]) -> str | None:
        """The département holding most of ``codes`` (to situate an EPCI)."""
        counts = Counter(self.communes[code].departement for code in codes if code in self.communes)
        return counts.most_common(1)[0][0] if counts else None

    def describe_commune(self, insee: str) -> dict[str, Any]:
        """Everything the referential knows of a current commune, JSON-ready.

        Raises KeyError if ``insee`` is not the code of a current commune.
        """
        commune = self.communes[insee]
        departement = self.departements[commune.departement]
        region = self.regions[commune.region]
        epci = self.epcis.get(commune.epci) if commune.epci else None
        return {
            "insee": commune.insee,
            "name": commune.name,
            "type": "commune",
            "siren": commune.siren,
            "population": commune.population,
            "postal_codes": list(commune.postal_codes),
            "departement": {"code": departement.code, "name": departement.name},
            "region": {"code": region.code, "name": region.name},
            "epci": ({"siren": epci.siren, "name": epci.name, "type": epci.type} if epci else None),
            "old_codes": list(commune.old_codes),
            "communes_deleguees": [
                {
                    "insee": code,
                    "name": self.deleguees[code].name,
                    "type": self.deleguees[code].type,
                }
                for code in commune.deleguees
            ],
            "arrondissements": [
                {
                    "insee": code,
                    "name": self.arrondissements[code].name,
                    "postal_codes": list(self.arrondissements[code].postal_codes),
                }
                for code in commune.arrondissements
            ],
        }


def _columns(table: dict[str, Any], *names: str) -> Iterable[tuple]:
    """The rows of a compact table as tuples of the named fields, in that order."""
    positions = [table["fields"].index(name) for name in names]
    return (tuple(row[position] for position in positions) for row in table["rows"])


def _group(pairs: Iterable[tuple[Any, str]]) -> dict[Any, tuple[str, ...]]:
    """Multi-valued index: key -> sorted tuple of distinct values."""
    grouped: dict[Any, list[str]] = {}
    for key, value in pairs:
        values = grouped.get(key)
        if values is None:
            grouped[key] = [value]
        else:
            values.append(value)
    # Most keys have one value: skip the dedupe-and-sort for them (load time).
    return {
        key: (values[0],) if len(values) == 1 else tuple(sorted(set(values)))
        for key, values in grouped.items()
    }


def _loose_keys(name: str, exact_key: str, key=normalize.name_key) -> set[str]:
    """Lenient keys of a name whose exact key is ``exact_key``."""
    keys: set[str] = set()
    unparenthesised = normalize.without_parenthesis(name) if "(" in name else None
    for variant_key in filter(None, (exact_key, unparenthesised and key(unparenthesised))):
        keys.add(normalize.joined_key(variant_key))
        stripped = normalize.without_article(variant_key)
        if stripped:
            keys.add(normalize.joined_key(stripped))
    return keys


def shipped_data_path() -> Path:
    """Path of the compact file installed with the package."""
    return Path(str(resources.files(__package__).joinpath("data", DATA_FILENAME)))


def load_referential(path: str | Path | None = None) -> Referential:
    """Read a compact referential file (default: the shipped one). Not cached.

    The former names (:mod:`.history`) are read from the same folder, else
    the shipped ones.
    """
    path = Path(path) if path else shipped_data_path()
    try:
        with gzip.open(path, "rb") as stream:
            payload = json.loads(stream.read())
    except FileNotFoundError as error:
        raise ReferentialError(
            f"referential data file {path} is missing: reinstall ckanext-territoires "
            "or run python -m ckanext.territoires.referential.build"
        ) from error
    beside = path.parent / history.FORMER_NAMES_FILENAME
    former = history.former_names(path.parent if beside.is_file() else None)
    return Referential(payload, former)


_shared: Referential | None = None
_directory: Path | None = None
_loading = threading.Lock()


def data_path() -> Path:
    """The referential file the process reads: the configured folder's
    (``ckanext.territoires.referential.directory``, after ``ckan territoires
    referential update --apply``) when it holds one, else the shipped one."""
    if _directory is not None and (_directory / DATA_FILENAME).is_file():
        return _directory / DATA_FILENAME
    return shipped_data_path()


def use_directory(directory: str | Path | None) -> None:
    """Read the referential from ``directory`` (None: the shipped one) from
    now on; the next :func:`get_referential` reloads it."""
    global _shared, _directory
    with _loading:
        _directory = Path(directory) if directory else None
        _shared = None


def get_referential() -> Referential:
    """The referential, loaded on first use and shared by the process.

    Thread-safe: concurrent first calls (threaded web workers) load it once.
    """
    global _shared
    if _shared is None:
        with _loading:
            if _shared is None:
                _shared = load_referential(data_path())
    return _shared
