"""Suite-wide pytest hooks (they also apply to CKAN's own tests run here).

CKAN's ``reset_db`` drops every table the first time it runs in a process
and re-creates them with CORE migrations only; plugin tables (our search
index, ckanext-harvest's tables, the activity plugin's columns) would be
gone. Wrap it so that plugin migrations are applied again after such a drop.
"""

from __future__ import annotations

import ckan.tests.helpers as test_helpers
import pytest
from ckan import model

from tests.support import conformance, migrations, plugin_caches, referential_cache

_ckan_reset_db = test_helpers.reset_db
_ckan_ini: list[str] = []


def _reset_db_with_plugin_migrations():
    tables_were_kept = model.repo.tables_created_and_initialised
    _ckan_reset_db()
    if not tables_were_kept:
        migrations.upgrade_configured_plugins(_ckan_ini[0])


test_helpers.reset_db = _reset_db_with_plugin_migrations


def pytest_configure(config):
    _ckan_ini.append(config.getoption("ckan_ini") or "test.ini")
    referential_cache.install()
    plugin_caches.install()


def pytest_collection_modifyitems(config, items):
    conformance.skip_excluded(items)
