"""Licences: the register French public portals use, and recognising a licence.

The register (``licences.json``, next to this module) is a CKAN licence file
with data.gouv.fr's ids: ``lov2`` (Licence Ouverte 2.0), ``fr-lo`` (1.0),
``odc-odbl``, ``odc-by``, ``odc-pddl``, ``cc-by``, ``cc-by-sa``,
``cc-zero``, ``notspecified`` and the generic ``other-*``. Its titles are
English msgids, translated by the plugin's catalogue (extracted by
``translations.extract_licences``). :func:`configure` makes it CKAN's
``licenses_group_url`` unless the option is set, and has CKAN's register
translate the titles of its licences when they are shown, as CKAN's
built-in licences do (a register read from a file keeps them as written).

:func:`recognise` gives the register id of a licence named by a URI
(Etalab, data.gouv.fr, opendefinition.org, opendatacommons.org,
creativecommons.org in any version, SPDX, the EU's licence table), an id
(data.gouv.fr's, CKAN's, SPDX's) or a usual label ("Licence Ouverte v2.0",
"ODbL", "CC-BY 4.0", "CC0"...). Versions of a Creative Commons or Open Data
Commons licence are one entry each (as on data.gouv.fr); the Licence
Ouverte's two versions are two.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from functools import cache
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.model.license import License, LicenseRegister

from ckanext.territoires.translations import in_every_locale

REGISTER_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "licences.json")
#: CKAN's option naming the register.
OPTION = "licenses_group_url"


def register_url() -> str:
    """The shipped register, as CKAN's ``licenses_group_url`` takes it."""
    return "file://" + REGISTER_PATH


def configure(config: Any) -> None:
    """Make the shipped register CKAN's, unless ``licenses_group_url`` is
    set, and have it (or the one configured) show translated titles.

    CKAN keeps the register it reads for the life of the process
    (``Package._license_register``): it is replaced here, on every (re)load
    of the plugin, by a :class:`Register` reading the option when first used.
    """
    if not config.get(OPTION):
        config[OPTION] = register_url()
    model.Package._license_register = Register()


class TranslatedLicence(License):
    """A licence of the register whose title is shown in the page's language."""

    @property
    def title(self) -> str:
        return tk._(self._data["title"]) if self._data.get("title") else ""


class Register(LicenseRegister):
    """CKAN's licence register, read when first used (as CKAN's own is:
    a remote ``licenses_group_url`` is not fetched by every ``ckan``
    command), its licences translating their titles."""

    licenses: list[License]

    def __init__(self) -> None:  # read on first use: see __getattr__
        pass

    def __getattr__(self, name: str) -> Any:
        if name != "licenses":
            raise AttributeError(name)
        LicenseRegister.__init__(self)
        return self.licenses

    def _create_license_list(self, license_data: Any, license_url: str = "") -> None:
        super()._create_license_list(license_data, license_url)
        self.licenses = [
            TranslatedLicence(dict(licence.license_dictize())) for licence in self.licenses
        ]


def shown_title(pkg_dict: dict[str, Any]) -> str:
    """The title of a dataset's licence in the page's language: the
    register's, translated (the dataset dict may carry it in the language
    it was indexed in), else as the dict carries it."""
    licence = model.Package.get_license_register().get(pkg_dict.get("license_id") or "")
    if licence is not None:
        return licence.title
    return pkg_dict.get("license_title") or pkg_dict.get("license_id") or ""


# --- recognising a licence -------------------------------------------------

#: Usual names of the register's licences, written as :func:`_words` reads
#: them ("licence" -> "license", version "v2.0" -> "2", no accents); the
#: register's ids, titles (in every language) and URLs are known too.
ALIASES: dict[str, tuple[str, ...]] = {
    "lov2": (
        "license ouverte",
        "license ouverte 2",
        "license ouverte etalab",
        "license ouverte 2 etalab",
        "license ouverte open license 2",
        "open license 2 license ouverte 2",
        "open license",
        "open license 2",
        "license etalab",
        "license etalab 2",
        "etalab",
        "etalab 2",
        "lo 2",
        "lo ol 2",
    ),
    "fr-lo": (
        "license ouverte 1",
        "license ouverte 1 etalab",
        "license ouverte open license",
        "license ouverte open license 1",
        "open license 1",
        "lo ol",
        "lo 1",
        "fr lo",
        "etalab 1",
    ),
    "odc-odbl": (
        "odbl",
        "odbl 1",
        "odc odbl",
        "odc odbl 1",
        "license odbl",
        "open database license",
        "open database license odbl",
        "open data commons open database license",
        "open data commons open database license odbl",
        "license ouverte de base de donnees",
        "license ouverte de base de donnees odbl",
    ),
    "odc-by": (
        "odc by",
        "odc by 1",
        "open data commons attribution",
        "open data commons attribution license",
        "open data commons attribution license odc by",
    ),
    "odc-pddl": (
        "pddl",
        "pddl 1",
        "odc pddl",
        "odc pddl 1",
        "open data commons public domain dedication and license",
        "open data commons public domain dedication and license pddl",
    ),
    "cc-by": (
        "cc by",
        "creative commons by",
        "creative commons attribution",
        "creative commons attribution cc by",
        "creative commons paternite",
    ),
    "cc-by-sa": (
        "cc by sa",
        "creative commons by sa",
        "creative commons attribution share alike",
        "creative commons attribution sharealike",
        "creative commons attribution share alike cc by sa",
        "creative commons attribution sharealike cc by sa",
        "creative commons attribution partage dans les memes conditions",
        "creative commons paternite partage dans les memes conditions",
    ),
    "cc-zero": (
        "cc0",
        "cc 0",
        "cc zero",
        "cczero",
        "creative commons zero",
        "creative commons cc0",
        "creative commons cczero",
        "cc0 domaine public",
    ),
    "notspecified": (
        "not specified",
        "license not specified",
        "license non precisee",
        "non precisee",
        "no license",
        "aucune license",
    ),
    "other-open": ("other open", "autre ouverte"),
    "other-pd": ("other pd", "other public domain", "public domain", "domaine public"),
    "other-at": ("other at", "other attribution", "autre attribution"),
    "other-nc": ("other nc", "other non commercial", "autre non commerciale"),
    "other-closed": ("other closed", "other not open", "autre non ouverte"),
}

#: SPDX ids (lower-case) of the register's licences.
SPDX = {
    "etalab-2.0": "lov2",
    "odbl-1.0": "odc-odbl",
    "odc-by-1.0": "odc-by",
    "pddl-1.0": "odc-pddl",
    "cc-by-4.0": "cc-by",
    "cc-by-3.0": "cc-by",
    "cc-by-2.0": "cc-by",
    "cc-by-sa-4.0": "cc-by-sa",
    "cc-by-sa-3.0": "cc-by-sa",
    "cc0-1.0": "cc-zero",
}

#: Codes of the EU's licence authority table
#: (``http://publications.europa.eu/resource/authority/licence/<code>``).
EU_LICENCES = {
    "cc_by_4_0": "cc-by",
    "cc_bysa_4_0": "cc-by-sa",
    "cc0": "cc-zero",
    "odc_bl": "odc-odbl",
    "odc_by": "odc-by",
    "odc_pddl": "odc-pddl",
}

#: creativecommons.org paths: ``licenses/<kind>`` or ``publicdomain/<kind>``.
CREATIVE_COMMONS = {
    "by": "cc-by",
    "by-sa": "cc-by-sa",
    "by-nc": "other-nc",
    "by-nc-sa": "other-nc",
    "by-nc-nd": "other-nc",
    "zero": "cc-zero",
    "mark": "other-pd",
}

_URL = re.compile(r"(?:https?://|//|www\.)\S+", re.I)
_NOT_WORD = re.compile(r"[^0-9a-z]+")
_JURISDICTIONS = {"fr", "france", "igo"}
_NOISE = {"the", "international", "unported", "generic", "generique", "universal", "universel"}


def recognise(value: Any) -> str | None:
    """The register id of the licence ``value`` names (URI, id, label), or None."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    urls = _URL.findall(text)
    if urls and _URL.fullmatch(text):
        return from_uri(text)
    found = _from_words(_words(text))
    if found or not urls:
        return found
    # a label with its URL ("Licence Ouverte 1.0 http://www.data.gouv.fr/...")
    for url in urls:
        found = from_uri(url.rstrip(".,;)"))
        if found:
            return found
    return _from_words(_words(_URL.sub(" ", text)))


def from_uri(uri: str) -> str | None:
    """The register id of a licence URI (http or https, with or without
    ``www.``, a trailing slash, a version, a language page), or None."""
    address = re.sub(r"^(?:https?:)?//", "", uri.strip().lower())
    address = re.sub(r"^www\.", "", address).split("#")[0].split("?")[0].rstrip("/")
    host, _, path = address.partition("/")
    return _by_host(host, path) or _known_urls().get(address)


def _by_host(host: str, path: str) -> str | None:
    if host == "creativecommons.org":
        match = re.match(r"(?:licenses|publicdomain)/([a-z-]+)", path)
        return CREATIVE_COMMONS.get(match.group(1)) if match else None
    if host == "opendatacommons.org":
        match = re.match(r"licenses/(odbl|by|pddl)\b", path)
        return f"odc-{match.group(1)}" if match else None
    if host in ("opendefinition.org", "licenses.opendefinition.org"):
        return _register_id(path.rsplit("/", 1)[-1])
    if host == "spdx.org":
        return SPDX.get(re.sub(r"\.(html|json|txt)$", "", path.rsplit("/", 1)[-1]))
    if host == "publications.europa.eu" and "/licence/" in f"/{path}":
        return EU_LICENCES.get(path.rsplit("/", 1)[-1])
    if host.endswith("etalab.gouv.fr") or (
        host == "github.com" and "etalab/licence-ouverte" in path
    ):
        return _etalab(path)
    if host.endswith("data.gouv.fr"):
        if "licence-ouverte" in path or "licence_ouverte" in path:
            return "fr-lo"  # data.gouv.fr's page of 2011, version 1.0
        return _register_id(path.rsplit("/", 1)[-1])
    return None


def _etalab(path: str) -> str | None:
    """Etalab's pages and files: version 2.0 (2017) or 1.0 (2011-2014)."""
    if re.search(r"2017/|v2|2\.0|2018/11/open-licence|licence-ouverte/blob|lo\.md", path):
        return "lov2"
    if re.search(r"2014/|2011/|/?pages/|licence_ouverte|open_licence", path):
        return "fr-lo"
    if "licence-ouverte" in path or "open-licence" in path:
        return "lov2"
    return None


def _words(text: str) -> str:
    """A label as :data:`ALIASES` writes it: lower-case words without
    accents, "licence" as "license", versions "v2.0"/"version 2.0" as "2"."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words = _NOT_WORD.sub(" ", folded).split()
    result: list[str] = []
    for word in words:
        word = "license" if word in ("licence", "licences", "licenses") else word
        if word == "version" or word in _NOISE:
            continue
        if re.fullmatch(r"v\d+", word):
            word = word[1:]
        if word == "0" and result and result[-1].isdigit():
            continue  # "2.0" -> "2"
        result.append(word)
    return " ".join(result)


def _from_words(words: str) -> str | None:
    labels = _labels()
    if not words or words in labels:
        return labels.get(words)
    # another version or jurisdiction of a licence known by its family
    # ("CC BY 3.0 FR"); not for the Licence Ouverte, whose versions differ
    family = " ".join(
        word for word in words.split() if not word.isdigit() and word not in _JURISDICTIONS
    )
    found = labels.get(family)
    return found if found not in ("lov2", "fr-lo") else None


def register_ids() -> set[str]:
    """Ids of the configured register (CKAN's)."""
    return {licence_id for licence_id, _licence in model.Package.get_license_register().items()}


def _register_id(value: str) -> str | None:
    return value if value in _shipped() else None


@cache
def _shipped() -> dict[str, dict[str, Any]]:
    """The shipped register: id -> licence."""
    with open(REGISTER_PATH, encoding="utf-8") as register:
        return {licence["id"]: licence for licence in json.load(register)}


@cache
def _labels() -> dict[str, str]:
    """Known labels (as :func:`_words` writes them) -> register id."""
    labels: dict[str, str] = {}
    for licence_id, licence in _shipped().items():
        labels[_words(licence_id)] = licence_id
        for title in in_every_locale(licence["title"]).values():
            labels.setdefault(_words(title), licence_id)
    for spdx_id, licence_id in SPDX.items():
        labels.setdefault(_words(spdx_id), licence_id)
    for licence_id, aliases in ALIASES.items():
        for alias in aliases:
            labels[alias] = licence_id
    return labels


@cache
def _known_urls() -> dict[str, str]:
    """The shipped register's URLs, written as :func:`from_uri` reads them."""
    return {
        re.sub(r"^(?:https?:)?//(?:www\.)?", "", licence["url"].lower()).rstrip("/"): licence_id
        for licence_id, licence in _shipped().items()
        if licence.get("url")
    }


def licence_id(value: Any) -> Any:
    """What the dataset schema stores for ``value``: an id of the configured
    register as it is (CKAN's behaviour), a licence recognised by its URI or
    label as its id, one of the configured register's own titles or URLs as
    its id, anything else as it is (CKAN accepts any licence id)."""
    if not isinstance(value, str) or not value.strip():
        return value
    register = model.Package.get_license_register()
    text = value.strip()
    if text in register:  # (its ids)
        return text
    found = recognise(text)
    if found:
        return found
    for known_id, licence in register.items():
        written = licence.license_dictize()  # the title as written, and translated
        names = {str(written.get("title", "")), licence.title, str(written.get("url", ""))}
        if text.lower() in {name.lower() for name in names if name}:
            return known_id
    return value
