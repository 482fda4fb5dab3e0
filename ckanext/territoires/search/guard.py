"""Refuse Solr-only query syntax and oversized or invalid input before it
reaches the index.

CKAN raises a generic ``SearchError`` (HTTP 409) for local parameters
(``{!...}``) and magic fields (``_query_``, ``_val_``); the PostgreSQL backend
cannot run them at all, so they are a bad request: ``SearchQueryError``, which
the API answers with 400 and a clear message.
"""

from __future__ import annotations

import re
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.lib.search.common import SearchQueryError

from ckanext.territoires.search import config as search_config
from ckanext.territoires.translations import N_

LOCAL_PARAMS_RE = re.compile(r"(?:^|[^\\])(?:\\\\)*\{!")
MAGIC_FIELD_RE = re.compile(r"(?<![\w\\])_(?:query|val)_\s*:")
CHECKED_PARAMS = ("q", "fq", "fq_list", "sort", "qf", "df", "fl")


def refuse_unsupported_syntax(search_params: dict[str, Any]) -> None:
    for key in CHECKED_PARAMS:
        values = search_params.get(key)
        if not isinstance(values, (list, tuple)):
            values = [values]
        for value in values:
            if not isinstance(value, str):
                continue
            if LOCAL_PARAMS_RE.search(value):
                raise SearchQueryError(
                    "Solr local parameters ({!...}) are not supported in %r" % key
                )
            if MAGIC_FIELD_RE.search(value):
                raise SearchQueryError(
                    "Solr magic fields (_query_, _val_) are not supported in %r" % key
                )


# -- limits of the inputs (issue #16, 3) --------------------------------------

#: The filter query parameters, counted together.
FILTER_PARAMS = ("fq", "fq_list")
_TERM = re.compile(r"\S+")


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)):
        return [item for item in value if isinstance(item, str)]
    return []


def _refuse(msgid: str, **params: Any) -> SearchQueryError:
    return SearchQueryError(tk._(msgid) % params)


#: Parameters that must be text, and those that must be lists of texts.
TEXT_PARAMS = ("q", "fq", "sort", "qf", "df", "defType", "q.op", "mm", "facet")
TEXT_LIST_PARAMS = ("fq_list", "fl")


#: Whole-number parameters: given empty, CKAN's validators leave ``None``.
NUMBER_PARAMS = ("rows", "start", "facet.limit", "facet.mincount")


def refuse_wrong_types(search_params: dict[str, Any]) -> None:
    """Text parameters are texts, ``fq_list`` a list of texts; a number
    given empty is left out (its default applies)."""
    for key in NUMBER_PARAMS + TEXT_LIST_PARAMS:
        if key in search_params and search_params[key] is None:
            del search_params[key]
    for key in TEXT_PARAMS:
        value = search_params.get(key)
        if value is not None and not isinstance(value, str):
            raise _refuse(N_("The search parameter %(name)s must be text."), name=key)
    for key in TEXT_LIST_PARAMS:
        value = search_params.get(key)
        if key == "fl" and isinstance(value, str):  # CKAN splits it
            continue
        if value is not None and not (
            isinstance(value, (list, tuple)) and all(isinstance(item, str) for item in value)
        ):
            raise _refuse(N_("The search parameter %(name)s must be a list of texts."), name=key)


def refuse_invalid_text(search_params: dict[str, Any]) -> None:
    """NUL bytes and text that is not valid Unicode (lone surrogates) are
    refused in every parameter: PostgreSQL could not store or compare them."""
    for key, value in search_params.items():
        for text in _strings(value):
            if "\x00" in text:
                raise _refuse(
                    N_("The search parameter %(name)s contains a NUL character."), name=key
                )
            try:
                text.encode("utf-8")
            except UnicodeEncodeError:
                raise _refuse(
                    N_("The search parameter %(name)s is not valid Unicode text."), name=key
                ) from None


def nesting_depth(text: str) -> int:
    """Deepest nesting of parentheses, escaped ones and quoted text aside."""
    depth = deepest = 0
    escaped = quoted = False
    for char in text:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif quoted:
            continue
        elif char == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif char == ")":
            depth = max(depth - 1, 0)
    return deepest


def _check_query_text(name: str, text: str, max_length: int) -> None:
    if len(text) > max_length:
        raise _refuse(
            N_(
                "The search parameter %(name)s is too long: %(length)s characters, "
                "at most %(limit)s."
            ),
            name=name,
            length=len(text),
            limit=max_length,
        )
    terms = len(_TERM.findall(text))
    if terms > search_config.max_terms():
        raise _refuse(
            N_("The search parameter %(name)s has too many terms: %(count)s, at most %(limit)s."),
            name=name,
            count=terms,
            limit=search_config.max_terms(),
        )
    depth = nesting_depth(text)
    if depth > search_config.max_depth():
        raise _refuse(
            N_(
                "The search parameter %(name)s nests parentheses too deeply: %(depth)s "
                "levels, at most %(limit)s."
            ),
            name=name,
            depth=depth,
            limit=search_config.max_depth(),
        )


def refuse_oversized(search_params: dict[str, Any]) -> None:
    """Limits of ``q`` and of the filter queries (length, terms, nesting,
    number of filters), from the options ``ckanext.territoires.search.max_*``."""
    for text in _strings(search_params.get("q")):
        _check_query_text("q", text, search_config.max_q_length())
    filters = 0
    for key in FILTER_PARAMS:
        for text in _strings(search_params.get(key)):
            filters += 1
            _check_query_text(key, text, search_config.max_fq_length())
    if filters > search_config.max_filters():
        raise _refuse(
            N_("Too many filter queries (fq, fq_list): %(count)s, at most %(limit)s."),
            count=filters,
            limit=search_config.max_filters(),
        )
