"""``organization_create`` and ``organization_update``, chained: a place's
code given the older way, as an organisation extra
(``extras=[{"key": "insee", "value": ...}]``), goes through the code fields
of the organisation schema (``schemas/organization.yaml``) and their checks,
like one typed in the form.

ckanext-scheming shows the codes as top-level fields and refuses an extra
of the same name; ``organization_patch`` updates through
``organization_update``, with the stored code at the top level: an extra
given by the caller wins over it.
"""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.territoires.communes import organizations

__all__ = ["organization_create", "organization_update"]


def _codes_from_extras(data_dict: dict[str, Any]) -> dict[str, Any]:
    extras = data_dict.get("extras")
    if not isinstance(extras, list) or not any(
        isinstance(extra, dict) and extra.get("key") in organizations.CODE_KEYS for extra in extras
    ):
        return data_dict
    data = dict(data_dict)
    data["extras"] = []
    for extra in extras:
        if isinstance(extra, dict) and extra.get("key") in organizations.CODE_KEYS:
            data[extra["key"]] = "" if extra.get("deleted") else extra.get("value")
        else:
            data["extras"].append(extra)
    return data


@tk.chained_action
def organization_create(next_action, context, data_dict):
    """CKAN's ``organization_create``; a place's code may be an extra."""
    return next_action(context, _codes_from_extras(data_dict))


@tk.chained_action
def organization_update(next_action, context, data_dict):
    """CKAN's ``organization_update``; a place's code may be an extra."""
    return next_action(context, _codes_from_extras(data_dict))
