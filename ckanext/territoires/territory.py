"""The portal's territory, read from ``ckanext.territoires.scope``.

The option is parsed once per distinct value (the referential's parser is
pure); an invalid value stops start-up through :func:`check_configured_scope`.
"""

from __future__ import annotations

from functools import lru_cache

import ckan.plugins.toolkit as tk
from ckan.exceptions import CkanConfigurationException

from ckanext.territoires.referential import SCOPE_OPTION, Scope, ScopeError, parse_scope


def configured_scope_value() -> str:
    return tk.config.get(SCOPE_OPTION)


def configured_scope() -> Scope:
    """The territory of the portal (communes, EPCI, label)."""
    return _parse(configured_scope_value())


def check_configured_scope() -> Scope:
    """Parse the option at start-up; a bad value stops CKAN with its message."""
    try:
        return configured_scope()
    except ScopeError as error:
        raise CkanConfigurationException(error.message) from error


@lru_cache(maxsize=8)
def _parse(value: str) -> Scope:
    return parse_scope(value)
