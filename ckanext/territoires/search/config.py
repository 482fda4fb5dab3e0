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


STATEMENT_TIMEOUT = "ckanext.territoires.search.statement_timeout"
MAX_Q_LENGTH = "ckanext.territoires.search.max_q_length"
MAX_FQ_LENGTH = "ckanext.territoires.search.max_fq_length"
MAX_TERMS = "ckanext.territoires.search.max_terms"
MAX_DEPTH = "ckanext.territoires.search.max_depth"
MAX_FILTERS = "ckanext.territoires.search.max_filters"


def statement_timeout() -> int:
    """``statement_timeout`` of search statements, in milliseconds."""
    return tk.config[STATEMENT_TIMEOUT]


def max_q_length() -> int:
    """Longest ``q``, in characters."""
    return tk.config[MAX_Q_LENGTH]


def max_fq_length() -> int:
    """Longest filter query (``fq``, each item of ``fq_list``), in characters."""
    return tk.config[MAX_FQ_LENGTH]


def max_terms() -> int:
    """Most terms in ``q`` and in each filter query."""
    return tk.config[MAX_TERMS]


def max_depth() -> int:
    """Deepest nesting of parentheses in ``q`` and in each filter query."""
    return tk.config[MAX_DEPTH]


def max_filters() -> int:
    """Most filter queries in one search (``fq`` and ``fq_list`` together)."""
    return tk.config[MAX_FILTERS]
