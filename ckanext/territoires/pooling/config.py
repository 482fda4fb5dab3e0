"""Options of the pooled data, typed (declared in ``config_declaration.yaml``)."""

from __future__ import annotations

import ckan.plugins.toolkit as tk

PREFIX = "ckanext.territoires.pooling."


def extra_schemas() -> tuple[str, ...]:
    """URLs or file paths of the Table Schemas offered besides the shipped ones."""
    return tuple(tk.aslist(tk.config.get(PREFIX + "schemas")))


def max_errors() -> int:
    """Most errors kept in the report of one file."""
    return int(tk.config.get(PREFIX + "max_errors") or 200)


def synchronous() -> bool:
    """Validate and consolidate inside the request (tests, scripts)."""
    return tk.asbool(tk.config.get(PREFIX + "synchronous"))


def map_points() -> int:
    """Most points drawn on a map of point data on the pages (1 to 5000)."""
    return min(max(int(tk.config.get(PREFIX + "map_points") or 2000), 1), 5000)
