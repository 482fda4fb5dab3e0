"""French administrative referential (communes, EPCI, départements, régions).

Pure Python, no database and no network: the data ships with the package
(``data/``, from Etalab's ``@etalab/decoupage-administratif``, MIT) and is
loaded once per process on first use. Modules:

- ``store``: records and indexes (:func:`get_referential`);
- ``normalize``: name keys insensitive to case, accents, "St"/"Saint"...;
- ``scope``: ``ckanext.territoires.scope`` parsing (:func:`parse_scope`);
- ``resolver``: values -> current communes (:func:`resolve`, :func:`resolve_many`);
- ``build``: regenerates ``data/`` from a newer upstream release;
- ``history``: former names of merged communes (``data/former-names.json.gz``,
  built from the 2018 outlines);
- ``refresh``: what a newer release changes (``ckan territoires referential
  update``, whose database side is ``communes/referential_cli.py``);
- ``population``: which population, of which year, from whom.
"""

from .errors import (
    AmbiguousPlace,
    Candidate,
    OutsideScope,
    PlaceError,
    ScopeError,
    Text,
    UnknownPlace,
)
from .resolver import ALL, Match, resolve, resolve_many
from .scope import DEFAULT_SCOPE, SCOPE_OPTION, Scope, ScopeEntry, parse_scope
from .store import Referential, ReferentialError, get_referential, load_referential

__all__ = [
    "ALL",
    "DEFAULT_SCOPE",
    "SCOPE_OPTION",
    "AmbiguousPlace",
    "Candidate",
    "Match",
    "OutsideScope",
    "PlaceError",
    "Referential",
    "ReferentialError",
    "Scope",
    "ScopeEntry",
    "ScopeError",
    "Text",
    "UnknownPlace",
    "get_referential",
    "load_referential",
    "parse_scope",
    "resolve",
    "resolve_many",
]
