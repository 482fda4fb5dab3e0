"""Put the PostgreSQL index behind CKAN's search layer, or leave Solr.

CKAN (``ckan.lib.search``) and ckanext-harvest import ``make_connection`` by
name, so every module that holds CKAN's original function gets ours. The
Solr schema check at start-up is replaced by a check of our own table.
Nothing is patched when ``ckanext.territoires.search.backend = solr``.
"""
from __future__ import annotations

import importlib
import logging
import sys
from typing import Any

import sqlalchemy as sa

from ckan.common import config

from .connection import PostgresSearchConnection

log = logging.getLogger(__name__)

POSTGRESQL = "postgresql"
# Modules known to bind make_connection at import time; others that already
# imported it are found by scanning sys.modules.
CALLER_MODULES = (
    "ckan.lib.search.common",
    "ckan.lib.search",
    "ckan.lib.search.index",
    "ckan.lib.search.query",
    "ckanext.harvest.logic.action.update",
)

_originals: dict[str, Any] = {}


def make_connection(decode_dates: bool = True) -> PostgresSearchConnection:
    return PostgresSearchConnection(decode_dates=decode_dates)


def check_index_table(schema_file: Any = None) -> bool:
    """Replacement for ``check_solr_schema_version``: is our table there?

    Uses a connection of its own so that a missing table (before ``ckan db
    upgrade``) never leaves CKAN's session in a failed transaction.
    """
    from ckan.model import meta
    try:
        with meta.engine.connect() as conn:
            present = conn.execute(sa.text(
                "SELECT to_regclass('territoires_search_index')")).scalar()
    except Exception as error:  # the database itself may not be ready yet
        log.warning("Search index not checked: %s", error)
        return False
    if not present:
        log.warning("The search index table is missing: run `ckan db upgrade`")
        return False
    return True


def selected_backend() -> str:
    return config.get("ckanext.territoires.search.backend") or POSTGRESQL


def is_installed() -> bool:
    return bool(_originals)


def _rebind(old: Any, new: Any) -> None:
    for module in list(sys.modules.values()):
        try:
            if module is not None and vars(module).get("make_connection") is old:
                setattr(module, "make_connection", new)
        except TypeError:  # objects in sys.modules without a __dict__
            continue


def install() -> None:
    """Route CKAN's search through PostgreSQL (idempotent)."""
    import ckan.lib.search as search
    from ckan.lib.search import common

    original = _originals.get("make_connection", common.make_connection)
    if original is make_connection:  # pragma: no cover - defensive
        return
    _originals["make_connection"] = original
    _originals["check_solr_schema_version"] = _originals.get(
        "check_solr_schema_version", search.check_solr_schema_version)

    for name in CALLER_MODULES:
        try:
            importlib.import_module(name)
        except ImportError:
            continue
    _rebind(original, make_connection)
    search.check_solr_schema_version = check_index_table
    log.info("Search backend: PostgreSQL (territoires_search_index)")


def uninstall() -> None:
    """Give CKAN its Solr connection back (used by tests and `solr` mode)."""
    if not _originals:
        return
    import ckan.lib.search as search
    original = _originals.pop("make_connection")
    _rebind(make_connection, original)
    search.check_solr_schema_version = _originals.pop(
        "check_solr_schema_version")
