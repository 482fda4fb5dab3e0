"""Template helpers of the pooled data (they call the actions)."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.territoires.translations import N_

from . import config, consolidation

__all__ = [
    "territoires_column_kind",
    "territoires_pooled_datasets",
    "territoires_pooled_points_map",
    "territoires_pooling_schema_choices",
    "territoires_resource_validation",
]


#: What a DataStore column holds, by its PostgreSQL type, in words.
COLUMN_KINDS = {
    "text": N_("Text"),
    "numeric": N_("Number"),
    "int": N_("Whole number"),
    "int4": N_("Whole number"),
    "int8": N_("Whole number"),
    "float8": N_("Decimal number"),
    "timestamp": N_("Date and time"),
    "date": N_("Date"),
    "time": N_("Time"),
    "bool": N_("Yes or no"),
    "json": N_("Structured data"),
}


def territoires_column_kind(column_type: str | None) -> str:
    """A data dictionary column's kind in words ("Nombre"); an unknown type
    (an array, a type added by hand) as it is."""
    kind = COLUMN_KINDS.get((column_type or "").lower())
    return tk._(kind) if kind else column_type or ""


def territoires_pooling_schema_choices() -> list[dict[str, str]]:
    """The offered schemas as choices of a select (value, label)."""
    schemas = tk.get_action("territoires_pooling_schema_list")({}, {})
    return [
        {"value": item["id"], "label": f"{item['title']} ({item['version']})".replace(" ()", "")}
        for item in sorted(schemas, key=lambda item: item["title"])
    ]


def territoires_resource_validation(resource_id: str) -> dict[str, Any] | None:
    """The validation of a resource, or None when it may not be seen."""
    try:
        return tk.get_action("territoires_resource_validation_show")({}, {"id": resource_id})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return None


def territoires_pooled_datasets(commune: str | None = None) -> list[dict[str, Any]]:
    """The pooled datasets of the territory (only a commune's contributions
    when ``commune`` is an INSEE code)."""
    data = {"commune": commune} if commune else {}
    return tk.get_action("territoires_pooled_dataset_list")({}, data)


def territoires_pooled_points_map(dataset_name: str, commune: str | None = None) -> dict | None:
    """The map of the points of a pooled dataset (only ``commune``'s when
    given), as ``territoires_map_show`` draws it; None for another dataset,
    a schema without coordinates, a commune with no pooled row (its file
    does not conform, say: an empty map would only puzzle) or a dataset the
    visitor may not see."""
    if not consolidation.is_pooled(dataset_name):
        return None
    data = {
        "kind": "points",
        "id": dataset_name,
        "limit": config.map_points(),
        **({"commune": commune} if commune else {}),
    }
    try:
        drawn = tk.get_action("territoires_map_show")({}, data)
    except (tk.ObjectNotFound, tk.NotAuthorized, tk.ValidationError):
        return None
    found = drawn["point_data"]
    return drawn if found["coordinates"] and (found["rows"] or not commune) else None
