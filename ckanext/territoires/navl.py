"""CKAN's validation of a dict against a schema, the same, faster.

CKAN validates a dataset with its schema on every ``package_show`` that
validates, every create and update, and once more for each dataset it
indexes (``index_package`` stores the dataset validated with the show
schema: ``validated_data_dict``). Its ``augment_data``
(``ckan.lib.navl.dictization_functions``), which sorts the data's keys
into those of the schema, its ``__extras`` and its ``__junk``, builds for
each key that the schema does not name (a group's ``type``, ``created``,
``capacity``..., a resource's ``metadata_modified``) the list of the
prefixes of every key of the flattened schema: keys times schema. Here a
dataset belongs to the commune groups it covers, up to every commune of
the territory, each group bringing eight such keys, against this project's
dataset schema of some 140 flattened keys: it was a third of the
validation's time (issue #18, ``bench/index_profile.py``).

:func:`augment_data` is CKAN 2.11's, line for line, but for that list:
the set of the prefixes is computed once per call, and a key's test is a
set lookup; and the full schema is built from the key combinations it has
already computed (CKAN's ``make_full_schema`` flattens the schema and sorts
the data's keys a second time). Same answers, same errors (``tests/test_navl.py`` compares both
on real datasets and schemas). :func:`install` puts it in CKAN's module,
where ``validate`` looks it up, only when CKAN's function is the one it
was copied from (its source's digest): a CKAN upgrade that changes it
keeps CKAN's, logs a warning, and fails that test, to copy it again.
"""

from __future__ import annotations

import copy
import hashlib
import inspect
import logging
from typing import Any

from ckan.lib.navl import dictization_functions as df

log = logging.getLogger(__name__)

#: CKAN's own function, as imported (before :func:`install`).
CKAN_AUGMENT_DATA = df.augment_data
#: SHA-256 of the sources of CKAN 2.11's functions that :func:`augment_data`
#: copies: ``augment_data`` and ``make_full_schema``.
COPIED_SOURCES_SHA256 = {
    "augment_data": "474e338c95be8855cb4ef16975505fa10ca3f0fd06de4d47c18aab0971b0262b",
    "make_full_schema": "ac7cd3a4d86ce3a1a8685bf11aaac5619b1056a8e4308856544941e856e82b78",
}


def _prefixes(flattened_schema: dict[Any, Any]) -> set[tuple[Any, ...]]:
    """Every prefix of every key of the flattened schema (the empty one too)."""
    return {key[:length] for key in flattened_schema for length in range(len(key) + 1)}


def _full_schema(schema: dict[str, Any], key_combinations: set[Any]) -> dict[Any, Any]:
    """CKAN's ``make_full_schema`` from the key combinations already known."""
    full_schema: dict[Any, Any] = {}
    for combination in key_combinations:
        sub_schema = schema
        for key in combination[::2]:
            sub_schema = sub_schema[key]
        for key, value in sub_schema.items():
            if isinstance(value, list):
                full_schema[(*combination, key)] = value
    return full_schema


def augment_data(data: dict[Any, Any], schema: dict[str, Any]) -> dict[Any, Any]:
    """CKAN's ``augment_data`` (see the module doc): keys of ``data`` not in
    the schema go to their level's ``__extras`` or to ``__junk``; keys of
    the schema missing from the data are added as ``missing``."""
    flattened_schema = df.flatten_schema(schema)
    key_combinations = df.get_all_key_combinations(data, flattened_schema)
    # CKAN: `make_full_schema(data, schema)`, which flattens the schema and
    # combines the keys again; its body here, from the same combinations
    full_schema = _full_schema(schema, key_combinations)
    # CKAN: `initial_tuple in [initial_key[:len(initial_tuple)] for initial_key
    # in flattened_schema]`, a list built for each key; the same test here
    subschema_prefixes = _prefixes(flattened_schema)

    new_data = copy.copy(data)
    keys_to_remove = []
    junk = {}
    extras_keys: dict[Any, Any] = {}
    # fill junk and extras
    for key, value in new_data.items():
        if key in full_schema:
            continue
        # check if any thing naughty is placed against subschemas
        if key[::2] in subschema_prefixes and data[key] != []:
            raise df.DataError(
                "Only lists of dicts can be placed against subschema %s, not %s"
                % (key, type(data[key]))
            )
        if key[:-1] in key_combinations:
            extras_key = (*key[:-1], "__extras")
            extras = extras_keys.get(extras_key, {})
            extras[key[-1]] = value
            extras_keys[extras_key] = extras
        else:
            junk[key] = value
        keys_to_remove.append(key)

    if junk:
        new_data[("__junk",)] = junk
    for extra_key in extras_keys:
        new_data[extra_key] = extras_keys[extra_key]
    for key in keys_to_remove:
        new_data.pop(key)
    # add missing
    for key in full_schema:
        if key not in new_data and not key[-1].startswith("__"):
            new_data[key] = df.missing
    return new_data


def copied_source_matches() -> bool:
    """Whether CKAN's functions are still the ones copied here."""
    functions = {"augment_data": CKAN_AUGMENT_DATA, "make_full_schema": df.make_full_schema}
    return all(
        hashlib.sha256(inspect.getsource(function).encode("utf-8")).hexdigest()
        == COPIED_SOURCES_SHA256[name]
        for name, function in functions.items()
    )


def install() -> None:
    """Make CKAN's validation use :func:`augment_data` (see the module doc)."""
    if not copied_source_matches():
        log.warning(
            "CKAN's augment_data or make_full_schema is not the one "
            "ckanext/territoires/navl.py copies: "
            "CKAN's own is kept (slower validation); copy it again"
        )
        return
    df.augment_data = augment_data
