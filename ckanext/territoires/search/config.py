"""Typed readers of the ``territoires_search`` options.

The options, their defaults and their validators are declared once, in
``config_declaration.yaml``: CKAN fills the defaults in and validates the
values at start-up, so these readers never fall back on a default of their
own. Read the options only through them.
"""

from __future__ import annotations

import ckan.plugins.toolkit as tk

BACKEND = "ckanext.territoires.search.backend"
TEXT_SEARCH_CONFIG = "ckanext.territoires.search.text_search_config"

# The values the declaration allows for ``backend``.
POSTGRESQL = "postgresql"
SOLR = "solr"


def backend() -> str:
    """Where CKAN's search index lives: ``postgresql`` or ``solr``."""
    return tk.config[BACKEND]


def text_search_config() -> str:
    """The PostgreSQL text search configuration of the index (``regconfig``)."""
    return tk.config[TEXT_SEARCH_CONFIG]
