"""Auth functions of the pooled data."""

from __future__ import annotations

import ckan.plugins.toolkit as tk

__all__ = [
    "territoires_pooled_dataset_consolidate",
    "territoires_pooled_dataset_list",
    "territoires_pooled_points_show",
    "territoires_pooling_schema_list",
    "territoires_resource_validation_run",
    "territoires_resource_validation_show",
]


def _resource_access(action: str, context, data_dict, message: str):
    try:
        tk.check_access(action, dict(context), {"id": (data_dict or {}).get("id")})
    except tk.NotAuthorized:
        return {"success": False, "msg": message}
    except tk.ObjectNotFound:
        return {"success": False, "msg": tk._("Resource not found")}
    return {"success": True}


@tk.auth_allow_anonymous_access
def territoires_resource_validation_show(context, data_dict):
    """Whoever may see the resource may see its validation report."""
    return _resource_access(
        "resource_show", context, data_dict, tk._("You may not see this resource.")
    )


def territoires_resource_validation_run(context, data_dict):
    """Those who may edit the resource may validate it again."""
    return _resource_access(
        "resource_update",
        context,
        data_dict,
        tk._("Only the editors of a resource may validate it again."),
    )


@tk.auth_allow_anonymous_access
def territoires_pooling_schema_list(context, data_dict):
    """Public: the schemas the portal offers."""
    return {"success": True}


@tk.auth_allow_anonymous_access
def territoires_pooled_dataset_list(context, data_dict):
    """Public: the pooled datasets and the communes' contributions."""
    return {"success": True}


def territoires_pooled_dataset_consolidate(context, data_dict):
    """Sysadmins only (it rebuilds a dataset of the whole territory)."""
    return {"success": False, "msg": tk._("Only sysadmins may do this.")}


@tk.auth_allow_anonymous_access
def territoires_pooled_points_show(context, data_dict):
    """Whoever may see the pooled dataset may see its points."""
    try:
        tk.check_access("package_show", dict(context), {"id": (data_dict or {}).get("id")})
    except tk.NotAuthorized:
        return {"success": False, "msg": tk._("You may not see this dataset.")}
    except tk.ObjectNotFound:
        return {"success": False, "msg": tk._("Dataset not found")}
    return {"success": True}
