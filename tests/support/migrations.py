"""Apply the alembic migrations of the plugins named in ``ckan.plugins``.

CKAN's own helper (``ckan db upgrade -p``) only finds *loaded* plugins, and
CKAN's pytest plugin unloads them all before the tests run, so the migration
folders are located here from the ``ckan.plugins`` entry points, with CKAN's
rule: ``ckanext/<package>/migration/<plugin name>/alembic.ini``.
"""

from __future__ import annotations

import importlib
import os
from importlib.metadata import entry_points

from ckan import model
from ckan.cli import load_config


def migration_config(plugin_name: str) -> str | None:
    for entry in entry_points(group="ckan.plugins"):
        if entry.name != plugin_name:
            continue
        module = importlib.import_module(entry.value.split(":")[0])
        source_dir = os.path.dirname(module.__file__)
        marker = "/ckanext/"
        start = source_dir.rfind(marker) + len(marker)
        end = source_dir.find("/", start)
        if end != -1:
            source_dir = source_dir[:end]
        path = os.path.join(source_dir, "migration", plugin_name, "alembic.ini")
        return path if os.path.exists(path) else None
    return None


def configured_plugins(ini_path: str) -> list[str]:
    """Plugins of the ini file itself: a test may have narrowed the live
    ``ckan.plugins`` with ``ckan_config``, but the tables must all exist."""
    plugins = load_config(ini_path).get("ckan.plugins") or []
    return plugins.split() if isinstance(plugins, str) else list(plugins)


def upgrade_configured_plugins(ini_path: str) -> None:
    original = model.repo._alembic_ini
    try:
        for plugin_name in configured_plugins(ini_path):
            path = migration_config(plugin_name)
            if path:
                model.repo._alembic_ini = path
                model.repo.upgrade_db("head")
    finally:
        model.repo._alembic_ini = original
