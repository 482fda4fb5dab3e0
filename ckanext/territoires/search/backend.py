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

from . import config as search_config
from .connection import PostgresSearchConnection

log = logging.getLogger(__name__)

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


def make_postgres_connection(decode_dates: bool = True) -> PostgresSearchConnection:
    """Drop-in replacement for ``ckan.lib.search.common.make_connection``."""
    return PostgresSearchConnection(decode_dates=decode_dates)


def check_index_table(schema_file: Any = None) -> bool:
    """Replacement for ``check_solr_schema_version``: is our table there?

    CKAN runs it before its own engine exists, so it uses a short-lived
    engine of its own; a missing table (before ``ckan db upgrade``) is a
    warning, as an unreachable Solr is for CKAN. Given a Solr schema file
    (CKAN's tests do), CKAN's own validation of that file still applies.
    """
    if schema_file:
        return _originals["check_solr_schema_version"](schema_file)
    engine = sa.create_engine(config.get("sqlalchemy.url"), poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            present = conn.execute(
                sa.text("SELECT to_regclass('territoires_search_index')")
            ).scalar()
    except sa.exc.SQLAlchemyError as error:  # the database may not be up yet
        log.warning("Search index not checked: %s", error)
        return False
    finally:
        engine.dispose()
    if not present:
        log.warning("The search index table is missing: run `ckan db upgrade`")
        return False
    return True


def vacuum_index() -> None:
    """VACUUM and ANALYZE the index table, after a bulk rebuild.

    A rebuild rewrites every row: VACUUM makes the old versions' space
    reusable (the next rebuild fills it instead of growing the table) and
    ANALYZE refreshes the statistics the planner's row estimates for text
    queries come from. Autovacuum would do both, later, where it is on.
    VACUUM cannot run in a transaction: a connection of its own, in
    autocommit.
    """
    from ckan import model

    with model.meta.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(sa.text("VACUUM (ANALYZE) territoires_search_index"))
        connection.execute(sa.text("VACUUM (ANALYZE) territoires_search_facet"))


def is_installed() -> bool:
    return bool(_originals)


def _rebind(old: Any, new: Any) -> None:
    for module in list(sys.modules.values()):
        if module is None or module.__name__ == __name__:
            continue
        try:
            namespace = vars(module)
            if namespace.get("make_connection") is old:
                namespace["make_connection"] = new
        except TypeError:  # objects in sys.modules without a __dict__
            continue


def install() -> None:
    """Route CKAN's search through PostgreSQL (idempotent)."""
    import ckan.lib.search as search
    from ckan.lib.search import common

    original = _originals.get("make_connection", common.make_connection)
    _originals["make_connection"] = original
    _originals["check_solr_schema_version"] = _originals.get(
        "check_solr_schema_version", search.check_solr_schema_version
    )

    for name in CALLER_MODULES:
        try:
            importlib.import_module(name)
        except ImportError:
            continue
    PostgresSearchConnection.text_config = search_config.text_search_config()
    _rebind(original, make_postgres_connection)
    search.check_solr_schema_version = check_index_table
    log.info("Search backend: PostgreSQL (territoires_search_index)")


def uninstall() -> None:
    """Give CKAN its Solr connection back (used by tests and `solr` mode)."""
    if not _originals:
        return
    import ckan.lib.search as search

    original = _originals.pop("make_connection")
    _rebind(make_postgres_connection, original)
    search.check_solr_schema_version = _originals.pop("check_solr_schema_version")
