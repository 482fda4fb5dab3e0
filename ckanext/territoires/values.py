"""Decoding the values of list fields.

A list field of the dataset schema (coverage, themes, contact points,
temporal coverage) reaches this plugin as a list (``package_show``) or as
the JSON text CKAN stores in the dataset's extras (the index's
``validated_data_dict`` aside, ``before_dataset_index`` and the ORM see the
text): :func:`as_list` reads both, in one place.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

__all__ = ["as_list"]


def as_list(value: Any, split: Callable[[str], list[Any]] | None = None) -> list[Any]:
    """A list field's value, given as a list or as its JSON text, as a list.

    An empty value gives ``[]``; a single value (a JSON scalar or object)
    a list of it; a text that is not JSON one item, or ``split(text)``
    when the field has a plain-text form (coverage: codes separated by
    spaces).
    """
    if not value:
        return []
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return split(value) if split is not None else [value]
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]
