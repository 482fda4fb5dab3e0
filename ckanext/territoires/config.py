"""Settings of the plugin ``territoires``: one typed reader per option.

The options, their defaults and their validators are declared once, in
``config_declaration.yaml`` (CKAN fills in the defaults at start-up): no
default is written here. The readers convert the value again (``asint``,
``asbool``, ``aslist``) because a value set at run time, e.g. by a test's
``ckan_config`` mark, is not normalised by the declaration.

The declaration also gives some of CKAN's own options the portal's
defaults (its section ``ckan_defaults``: the plugin's logo and favicon in
place of CKAN's, the Europe/Paris time zone): :func:`declare` applies them
to CKAN's declarations, so an option left out of the ini takes them and one
written there keeps its value.

The harvesters and the search backend have their own declarations and
readers (``harvesters/config.py``, ``search/``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ckan.plugins.toolkit as tk
import yaml

DECLARATION = Path(__file__).with_name("config_declaration.yaml")

SCOPE = "ckanext.territoires.scope"
CACHE_PROXY_EXPIRES = "ckanext.territoires.cache.proxy_expires"
CACHE_REFRESH = "ckanext.territoires.cache.refresh"
PAGES_COMMUNES_PER_PAGE = "ckanext.territoires.pages.communes_per_page"
PAGES_LATEST_COUNT = "ckanext.territoires.pages.latest_count"
HOME_COMMUNES_BLOCK = "ckanext.territoires.home.communes_block"
HOME_POSITION = "ckanext.territoires.home.position"
HOME_COMMUNES_COUNT = "ckanext.territoires.home.communes_count"
DCAT_PUBLISHER_NAME = "ckanext.territoires.dcat.publisher_name"
DCAT_PUBLISHER_URI = "ckanext.territoires.dcat.publisher_uri"
QUALITY_DESCRIPTION_MIN_LENGTH = "ckanext.territoires.quality.description_min_length"
QUALITY_LINK_TIMEOUT = "ckanext.territoires.quality.link_timeout"
QUALITY_ALLOWED_HOSTS = "ckanext.territoires.quality.allowed_hosts"
GEOGRAPHY_DIRECTORY = "ckanext.territoires.geography.directory"
REFERENTIAL_DIRECTORY = "ckanext.territoires.referential.directory"


def declare(declaration: Any, key: Any) -> None:
    """The plugin's options (``tk.blanket.config_declarations``), and its
    defaults of CKAN's options."""
    data = yaml.safe_load(DECLARATION.read_text(encoding="utf-8"))
    ckan_defaults = data.pop("ckan_defaults", {})
    declaration.load_dict(data)
    for name, default in ckan_defaults.items():
        declaration[key.from_string(name)].set_default(default)


def scope() -> str:
    """The territory of the portal, as written (parsed by :mod:`.territory`)."""
    return tk.config.get(SCOPE) or ""


def cache_proxy_expires() -> int:
    """Seconds the proxy keeps an anonymous page before revalidating it."""
    return tk.asint(tk.config.get(CACHE_PROXY_EXPIRES))


def cache_refresh() -> int:
    """Seconds after which a cached page is rendered again whatever changed."""
    return tk.asint(tk.config.get(CACHE_REFRESH))


def pages_communes_per_page() -> int:
    """Communes listed per page of ``/communes``."""
    return tk.asint(tk.config.get(PAGES_COMMUNES_PER_PAGE))


def pages_latest_count() -> int:
    """Datasets listed under "Latest updates" on the place pages."""
    return tk.asint(tk.config.get(PAGES_LATEST_COUNT))


def home_communes_block() -> bool:
    """Whether the home page shows the communes block."""
    return tk.asbool(tk.config.get(HOME_COMMUNES_BLOCK))


def home_position() -> str:
    """Where the communes block goes: ``featured``, ``top`` or ``bottom``."""
    return tk.config.get(HOME_POSITION)


def home_communes_count() -> int:
    """Communes the home page block lists as most active and recently updated."""
    return tk.asint(tk.config.get(HOME_COMMUNES_COUNT))


def dcat_publisher_name() -> str | None:
    """Name of the catalogue's publisher; None: the territory's name."""
    return tk.config.get(DCAT_PUBLISHER_NAME) or None


def dcat_publisher_uri() -> str | None:
    """IRI of the catalogue's publisher; None: the intercommunality's page."""
    return tk.config.get(DCAT_PUBLISHER_URI) or None


def quality_description_min_length() -> int:
    """Characters a description needs to meet the description criterion."""
    return tk.asint(tk.config.get(QUALITY_DESCRIPTION_MIN_LENGTH))


def quality_link_timeout() -> int:
    """Connect and read timeout of each link check, in seconds."""
    return tk.asint(tk.config.get(QUALITY_LINK_TIMEOUT))


def quality_allowed_hosts() -> list[str]:
    """Hosts the link checker may request despite a private address."""
    return [str(host) for host in tk.aslist(tk.config.get(QUALITY_ALLOWED_HOSTS))]


def geography_directory() -> str | None:
    """Folder of the outlines ``ckan territoires geometry import`` writes and
    the portal reads first; None: ``territoires/outlines`` under CKAN's
    ``ckan.storage_path`` (None too when that is not set either)."""
    configured = tk.config.get(GEOGRAPHY_DIRECTORY)
    if configured:
        return configured
    storage = tk.config.get("ckan.storage_path")
    return f"{storage.rstrip('/')}/territoires/outlines" if storage else None


def referential_directory() -> str | None:
    """Folder of the refreshed referential (``ckan territoires referential
    update --apply``), which the portal reads instead of the shipped one when
    it holds one; None: ``territoires/referential`` under CKAN's
    ``ckan.storage_path`` (None too when that is not set either)."""
    configured = tk.config.get(REFERENTIAL_DIRECTORY)
    if configured:
        return configured
    storage = tk.config.get("ckan.storage_path")
    return f"{storage.rstrip('/')}/territoires/referential" if storage else None
