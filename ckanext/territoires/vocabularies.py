"""The EU vocabularies of the portal and how the values people write map to them.

DCAT-AP expects IRIs from the EU Publications Office authority tables for
data themes, frequencies, file types and languages, and IANA IRIs for media
types. Datasets and catalogues in the wild carry codes, words ("mensuel",
"Environnement"), Dublin Core frequencies
(``http://purl.org/cld/freq/monthly``) or udata's names (``semiannual``).
The functions here turn all of those into the authority's terms, or
``None`` when a value cannot be mapped honestly.

It lives at the package root, not under ``dcat/``, because every layer reads
it: the dataset form and its validators (frequencies), the commune pages and
the theme facet (theme labels), the quality criteria (frequency, open
formats), the DCAT-AP profile and the harvesters (IRIs).

Labels are English msgids (marked with ``N_``) translated through the
plugin's catalogue (``i18n/``): ``tk._`` in the page's language,
:func:`~ckanext.territoires.translations.in_every_locale` for the RDF
labels. The parsers also accept a label in any catalogued language, so the
French words come from the catalogue too.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import NamedTuple

import ckan.plugins.toolkit as tk

from ckanext.territoires.translations import N_, in_every_locale

EU_AUTHORITY = "http://publications.europa.eu/resource/authority/"
FREQUENCY_BASE = EU_AUTHORITY + "frequency/"
THEME_BASE = EU_AUTHORITY + "data-theme/"
THEME_SCHEME = EU_AUTHORITY + "data-theme"
FILE_TYPE_BASE = EU_AUTHORITY + "file-type/"
LANGUAGE_BASE = EU_AUTHORITY + "language/"
IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"
DUBLIN_CORE_FREQUENCY = "http://purl.org/cld/freq/"
PUBLISHER_TYPE_BASE = "http://purl.org/adms/publishertype/"
LICENCE_TYPE_BASE = "http://purl.org/adms/licencetype/"


class Term(NamedTuple):
    """A term of an EU authority table."""

    code: str
    #: English label, msgid of its translations.
    label: str


def _key(text: str) -> str:
    """Case-, accent- and punctuation-insensitive key of a word."""
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "", text.lower())


def _label_keys(terms: tuple[Term, ...]) -> dict[str, str]:
    """Key of each term's label in every catalogued language -> its code."""
    return {
        _key(text): term.code for term in terms for text in in_every_locale(term.label).values()
    }


# --- frequencies -------------------------------------------------------------

#: The frequencies offered in the dataset form, most frequent first.
FREQUENCIES = (
    Term("UPDATE_CONT", N_("Continuously updated")),
    Term("HOURLY", N_("Hourly")),
    Term("DAILY", N_("Daily")),
    Term("WEEKLY", N_("Weekly")),
    Term("BIWEEKLY", N_("Every two weeks")),
    Term("MONTHLY", N_("Monthly")),
    Term("QUARTERLY", N_("Quarterly")),
    Term("ANNUAL_2", N_("Twice a year")),
    Term("ANNUAL", N_("Annual")),
    Term("BIENNIAL", N_("Every two years")),
    Term("TRIENNIAL", N_("Every three years")),
    Term("IRREG", N_("Irregular")),
    Term("NEVER", N_("Never updated")),
    Term("UNKNOWN", N_("Unknown")),
)
_FREQUENCY_CODES = {term.code for term in FREQUENCIES} | {
    "CONT",
    "DAILY_2",
    "WEEKLY_2",
    "WEEKLY_3",
    "MONTHLY_2",
    "MONTHLY_3",
    "ANNUAL_3",
    "BIMONTHLY",
    "QUADRENNIAL",
    "QUINQUENNIAL",
    "DECENNIAL",
    "BIHOURLY",
    "TRIHOURLY",
    "OP_DATPRO",
    "OTHER",
    "10MIN",
    "15MIN",
    "30MIN",
    "1MIN",
    "5MIN",
    "12HRS",
}
#: ISO 8601 repeating durations (DCAT-US / Project Open Data) -> EU code.
ISO_8601_FREQUENCIES = {
    "R/P10Y": "DECENNIAL",
    "R/P4Y": "QUADRENNIAL",
    "R/P3Y": "TRIENNIAL",
    "R/P2Y": "BIENNIAL",
    "R/P1Y": "ANNUAL",
    "R/P6M": "ANNUAL_2",
    "R/P4M": "ANNUAL_3",
    "R/P3M": "QUARTERLY",
    "R/P2M": "BIMONTHLY",
    "R/P1M": "MONTHLY",
    "R/P0.5M": "MONTHLY_2",
    "R/P0.33M": "MONTHLY_3",
    "R/P2W": "BIWEEKLY",
    "R/P1W": "WEEKLY",
    "R/P3.5D": "WEEKLY_2",
    "R/P0.33W": "WEEKLY_3",
    "R/P1D": "DAILY",
    "R/PT1H": "HOURLY",
    "R/PT1S": "UPDATE_CONT",
}
#: ISO 19115 MD_MaintenanceFrequencyCode (ISO records, their GeoDCAT-AP
#: IRIs ``...codelists.xml#annually``) -> EU code.
MAINTENANCE_FREQUENCIES = {
    "continual": "UPDATE_CONT",
    "daily": "DAILY",
    "weekly": "WEEKLY",
    "fortnightly": "BIWEEKLY",
    "monthly": "MONTHLY",
    "quarterly": "QUARTERLY",
    "biannually": "ANNUAL_2",
    "annually": "ANNUAL",
    "asNeeded": "IRREG",
    "irregular": "IRREG",
    "notPlanned": "NEVER",
    "unknown": "UNKNOWN",
}
# Dublin Core (and udata) names, and words beyond the labels, -> EU code.
_FREQUENCY_SYNONYMS = {
    "continuous": "UPDATE_CONT",
    "continu": "UPDATE_CONT",
    "continue": "UPDATE_CONT",
    "tempsreel": "UPDATE_CONT",
    "realtime": "UPDATE_CONT",
    "hourly": "HOURLY",
    "horaire": "HOURLY",
    "daily": "DAILY",
    "quotidien": "DAILY",
    "journalier": "DAILY",
    "journaliere": "DAILY",
    "semidaily": "DAILY_2",
    "twiceaday": "DAILY_2",
    "weekly": "WEEKLY",
    "hebdomadaire": "WEEKLY",
    "semiweekly": "WEEKLY_2",
    "threetimesaweek": "WEEKLY_3",
    "biweekly": "BIWEEKLY",
    "bimensuel": "MONTHLY_2",
    "bimensuelle": "MONTHLY_2",
    "semimonthly": "MONTHLY_2",
    "threetimesamonth": "MONTHLY_3",
    "monthly": "MONTHLY",
    "mensuel": "MONTHLY",
    "mensuelle": "MONTHLY",
    "bimonthly": "BIMONTHLY",
    "bimestriel": "BIMONTHLY",
    "bimestrielle": "BIMONTHLY",
    "quarterly": "QUARTERLY",
    "trimestriel": "QUARTERLY",
    "trimestrielle": "QUARTERLY",
    "threetimesayear": "ANNUAL_3",
    "semiannual": "ANNUAL_2",
    "semestriel": "ANNUAL_2",
    "semestrielle": "ANNUAL_2",
    "annual": "ANNUAL",
    "annually": "ANNUAL",
    "yearly": "ANNUAL",
    "annuel": "ANNUAL",
    "annuelle": "ANNUAL",
    "biennial": "BIENNIAL",
    "triennial": "TRIENNIAL",
    "quadrennial": "QUADRENNIAL",
    "quinquennial": "QUINQUENNIAL",
    "decennial": "DECENNIAL",
    "irregular": "IRREG",
    "irregulier": "IRREG",
    "irreguliere": "IRREG",
    "punctual": "NEVER",
    "ponctuel": "NEVER",
    "ponctuelle": "NEVER",
    "never": "NEVER",
    "jamais": "NEVER",
    "unknown": "UNKNOWN",
    "inconnu": "UNKNOWN",
    "inconnue": "UNKNOWN",
}


@cache
def _frequency_keys() -> dict[str, str]:
    # on first use: the labels' words are read from the compiled catalogues
    return {
        **{_key(code): code for code in _FREQUENCY_CODES},
        **_label_keys(FREQUENCIES),
        **_FREQUENCY_SYNONYMS,
    }


def frequency_uri(value: str | None) -> str | None:
    """EU frequency IRI of a frequency value, or None when unknown.

    Accepts EU IRIs and codes, Dublin Core frequency IRIs, udata's names,
    ISO 8601 repeating durations (``R/P1Y``), ISO 19115 maintenance codes
    (and their code list IRIs) and words or labels in English or French
    ("monthly", "Mensuelle").
    """
    if not value:
        return None
    text = str(value).strip()
    for base in (
        FREQUENCY_BASE,
        FREQUENCY_BASE.replace("http://", "https://"),
        DUBLIN_CORE_FREQUENCY,
        "http://purl.org/cld/terms/",  # a frequent misspelling of the one above
    ):
        if text.startswith(base):
            text = text[len(base) :]
            break
    if text.startswith(("http://", "https://")) and "#" in text:
        text = text.rsplit("#", 1)[-1]  # an ISO 19115 code list's IRI
    if text.startswith(("http://", "https://")):
        return None
    code = ISO_8601_FREQUENCIES.get(text.upper()) or MAINTENANCE_FREQUENCIES.get(text)
    code = code or _frequency_keys().get(_key(text))
    if code is None and text.upper() in _FREQUENCY_CODES:
        code = text.upper()
    return FREQUENCY_BASE + code if code else None


# --- data themes ---------------------------------------------------------------

THEMES = (
    Term("AGRI", N_("Agriculture, fisheries, forestry and food")),
    Term("ECON", N_("Economy and finance")),
    Term("EDUC", N_("Education, culture and sport")),
    Term("ENER", N_("Energy")),
    Term("ENVI", N_("Environment")),
    Term("GOVE", N_("Government and public sector")),
    Term("HEAL", N_("Health")),
    Term("INTR", N_("International issues")),
    Term("JUST", N_("Justice, legal system and public safety")),
    Term("OP_DATPRO", N_("Provisional data")),
    Term("REGI", N_("Regions and cities")),
    Term("SOCI", N_("Population and society")),
    Term("TECH", N_("Science and technology")),
    Term("TRAN", N_("Transport")),
)
_THEMES_BY_CODE = {term.code: term for term in THEMES}
_THEME_CODE_KEYS = {_key(term.code): term.code for term in THEMES}
# The table's IRI prefix, http or https, in any case.
_THEME_IRI = re.compile(r"^https?://" + re.escape(THEME_BASE[len("http://") :]), re.I)


@cache
def _theme_label_keys() -> dict[str, str]:
    # on first use: the labels' words are read from the compiled catalogues
    return _label_keys(THEMES)


def theme(value: str | None, *, labels: bool = True) -> Term | None:
    """The EU data theme a value names, or None.

    The one parser of theme values: an IRI of the ``data-theme`` table (http
    or https, any case, trailing slash or not), a code (any case) or, unless
    ``labels`` is false, a label in any catalogued language ("Regions and
    cities", "Régions et villes").
    """
    text = str(value or "").strip()
    iri = _THEME_IRI.match(text)
    if iri:
        text = text[iri.end() :]
    key = _key(text)
    code = _THEME_CODE_KEYS.get(key) or (_theme_label_keys().get(key) if labels else None)
    return _THEMES_BY_CODE[code] if code else None


def theme_uri(term: Term) -> str:
    return THEME_BASE + term.code


def theme_label(value: str) -> str:
    """A theme value as shown on the pages: the label of an EU theme's IRI or
    code, translated; any other value as it is. A free word stays the
    publisher's word even when it reads like an EU label: the theme facet
    filters on the values, and two items would otherwise look the same."""
    term = theme(value, labels=False)
    return tk._(term.label) if term else (value or "")


# --- file types and media types ------------------------------------------------------


class FileType(NamedTuple):
    code: str  # EU file-type authority code
    media_type: str | None  # IANA media type
    open: bool  # open, machine-readable format


FILE_TYPES = {
    "csv": FileType("CSV", "text/csv", True),
    "tsv": FileType("TSV", "text/tab-separated-values", True),
    "json": FileType("JSON", "application/json", True),
    "geojson": FileType("GEOJSON", "application/geo+json", True),
    "jsonld": FileType("JSON_LD", "application/ld+json", True),
    "xml": FileType("XML", "application/xml", True),
    "rdf": FileType("RDF_XML", "application/rdf+xml", True),
    "rdfxml": FileType("RDF_XML", "application/rdf+xml", True),
    "ttl": FileType("RDF_TURTLE", "text/turtle", True),
    "turtle": FileType("RDF_TURTLE", "text/turtle", True),
    "n3": FileType("RDF_N3", "text/n3", True),
    "ods": FileType("ODS", "application/vnd.oasis.opendocument.spreadsheet", True),
    "odt": FileType("ODT", "application/vnd.oasis.opendocument.text", True),
    "txt": FileType("TXT", "text/plain", True),
    "kml": FileType("KML", "application/vnd.google-earth.kml+xml", True),
    "kmz": FileType("KMZ", "application/vnd.google-earth.kmz", True),
    "gml": FileType("GML", "application/gml+xml", True),
    "gpx": FileType("GPX", "application/gpx+xml", True),
    "gpkg": FileType("GPKG", "application/geopackage+sqlite3", True),
    "shp": FileType("SHP", None, True),
    "shapefile": FileType("SHP", None, True),
    "esrishapefile": FileType("SHP", None, True),
    "wms": FileType("WMS_SRVC", None, True),
    "wfs": FileType("WFS_SRVC", None, True),
    "gtfs": FileType("GTFS", None, True),
    "netcdf": FileType("NETCDF", "application/netcdf", True),
    "parquet": FileType("PARQUET", "application/vnd.apache.parquet", True),
    "png": FileType("PNG", "image/png", True),
    "svg": FileType("SVG", "image/svg+xml", True),
    "html": FileType("HTML", "text/html", False),
    "pdf": FileType("PDF", "application/pdf", False),
    "xls": FileType("XLS", "application/vnd.ms-excel", False),
    "xlsx": FileType(
        "XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", False
    ),
    "doc": FileType("DOC", "application/msword", False),
    "docx": FileType(
        "DOCX", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", False
    ),
    "zip": FileType("ZIP", "application/zip", False),
    "jpeg": FileType("JPEG", "image/jpeg", False),
    "jpg": FileType("JPEG", "image/jpeg", False),
    "tiff": FileType("TIFF", "image/tiff", False),
    "mdb": FileType("MDB", "application/x-msaccess", False),
}
_FILE_TYPES_BY_MEDIA_TYPE = {ft.media_type: ft for ft in FILE_TYPES.values() if ft.media_type}
_FILE_TYPES_BY_CODE = {ft.code: ft for ft in FILE_TYPES.values()}


def file_type(value: str | None) -> FileType | None:
    """The file type of a CKAN format, a media type or an EU file-type IRI."""
    if not value:
        return None
    text = str(value).strip()
    lowered = text.lower()
    for base in (FILE_TYPE_BASE, FILE_TYPE_BASE.replace("http://", "https://")):
        if text.startswith(base):
            return _FILE_TYPES_BY_CODE.get(text[len(base) :].upper())
    if lowered.startswith(IANA_MEDIA_TYPES):
        lowered = lowered[len(IANA_MEDIA_TYPES) :]
    if "/" in lowered:
        return _FILE_TYPES_BY_MEDIA_TYPE.get(lowered.split(";")[0].strip())
    return FILE_TYPES.get(_key(lowered)) or _FILE_TYPES_BY_CODE.get(text.upper())


def file_type_uri(file_type_: FileType) -> str:
    return FILE_TYPE_BASE + file_type_.code


def media_type_uri(media_type: str) -> str | None:
    """IANA IRI of a media type ``type/subtype`` (None if not one)."""
    text = (media_type or "").strip().lower()
    if text.startswith(IANA_MEDIA_TYPES):
        return text
    if re.match(r"^[a-z]+/[a-z0-9.+-]+$", text):
        return IANA_MEDIA_TYPES + text
    return None


# --- languages ---------------------------------------------------------------------

#: ISO 639-1 -> the EU's language codes (ISO 639-2/T): the EU's official
#: languages, France's regional ones and others sources use.
_LANGUAGES = {
    "fr": "FRA", "en": "ENG", "de": "DEU", "es": "SPA", "it": "ITA", "nl": "NLD",
    "bg": "BUL", "hr": "HRV", "cs": "CES", "da": "DAN", "et": "EST", "fi": "FIN",
    "el": "ELL", "hu": "HUN", "ga": "GLE", "lv": "LAV", "lt": "LIT", "mt": "MLT",
    "pl": "POL", "pt": "POR", "ro": "RON", "sk": "SLK", "sl": "SLV", "sv": "SWE",
    "ca": "CAT", "eu": "EUS", "br": "BRE", "oc": "OCI", "co": "COS", "gl": "GLG",
    "lb": "LTZ", "no": "NOR", "is": "ISL", "ar": "ARA", "zh": "ZHO", "ja": "JPN",
    "ru": "RUS", "tr": "TUR", "uk": "UKR",
}  # fmt: skip
#: The other way round: the short code of an EU language code.
SHORT_LANGUAGES = {code: short for short, code in _LANGUAGES.items()}


def language_uri(value: str | None) -> str | None:
    """EU language IRI of a language code (``fr`` -> ``.../language/FRA``)."""
    if not value:
        return None
    text = str(value).strip()
    if text.startswith(LANGUAGE_BASE):
        return text
    code = _LANGUAGES.get(text.lower()[:2]) if len(text) in (2, 5) else None
    if code is None and len(text) == 3 and text.isalpha():
        code = text.upper()
    return LANGUAGE_BASE + code if code else None
