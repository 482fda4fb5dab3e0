"""Caches of what CKAN reads again each time it loads the plugins.

CKAN's ``with_plugins`` and ``app`` fixtures load every plugin of the test
(twice when a test uses both) and unload them afterwards. Each load parses
the same YAML files again (ckanext-scheming's schemas and presets, about
0.2 s with PyYAML's pure Python parser) and scans the installed
distributions' entry points once per plugin. :func:`install` keeps both for
the test process:

- ``yaml.safe_load`` of a text already parsed returns a deep copy of the
  first result (the same value: a caller that changes it changes its own
  copy); streams are read and keyed on their text;
- ``ckan.plugins.core.entry_points`` answers the same call with the same
  (immutable) entry points: nothing installs a package during the tests.
"""

from __future__ import annotations

import copy
import functools

import ckan.plugins.core as plugins_core
import yaml

_parsed: dict[str | bytes, object] = {}


def _cached_safe_load(stream, _load=yaml.safe_load):
    text = stream if isinstance(stream, str | bytes) else stream.read()
    if text not in _parsed:
        _parsed[text] = _load(text)
    return copy.deepcopy(_parsed[text])


@functools.cache
def _entry_points(**selection):
    return _original_entry_points(**selection)


_original_entry_points = plugins_core.entry_points


def _cached_entry_points(**selection):
    if not selection:
        return _original_entry_points()
    return _entry_points(**selection)


def install() -> None:
    yaml.safe_load = _cached_safe_load
    plugins_core.entry_points = _cached_entry_points
