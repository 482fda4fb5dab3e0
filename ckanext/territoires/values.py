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

__all__ = ["UNREADABLE", "as_list", "validated_dict"]

#: :func:`validated_dict` of a document without a readable validated dict.
UNREADABLE: Any = type("Unreadable", (), {"__repr__": lambda self: "UNREADABLE"})()


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


def validated_dict(pkg_dict: dict[str, Any]) -> Any:
    """The dataset as ``before_dataset_index`` receives it validated: its
    ``validated_data_dict`` read from its JSON text (a dict, as CKAN writes
    it), or :data:`UNREADABLE` when there is none or it is not JSON.

    Read once per dataset by the plugin's hook and handed to each part of
    it: the text is the whole dataset (every commune group it belongs to),
    its parsing counted in the rebuild's cost per dataset.
    """
    try:
        return json.loads(pkg_dict.get("validated_data_dict") or "")
    except ValueError:
        return UNREADABLE
