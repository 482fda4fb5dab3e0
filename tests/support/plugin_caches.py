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
  (immutable) entry points: nothing installs a package during the tests;
- the toolkit's ``add_template_directory`` and the like find their caller's
  file with ``inspect.stack()``, which reads the source of every frame of
  pytest's deep stack (about 15 ms a call, ten calls a load): the toolkit
  gets the same file names from the frames' code objects.
"""

from __future__ import annotations

import copy
import functools
import inspect
import sys
from types import SimpleNamespace

import ckan.plugins.core as plugins_core
import ckan.plugins.toolkit as toolkit
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


_original_stack = inspect.stack
_TOOLKIT = toolkit.__file__


def _stack(context: int = 1):
    """``inspect.stack()``; for the toolkit (its only reader of the file
    names), the frames without reading any source."""
    caller = sys._getframe(1)
    if caller.f_code.co_filename != _TOOLKIT:
        return _original_stack(context)
    frames = []
    frame = caller
    while frame is not None:
        frames.append(SimpleNamespace(frame=frame, filename=frame.f_code.co_filename))
        frame = frame.f_back
    return frames


def install() -> None:
    inspect.stack = _stack
    yaml.safe_load = _cached_safe_load
    plugins_core.entry_points = _cached_entry_points
