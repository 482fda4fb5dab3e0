"""Auth functions of the harvest actions of ckanext-territoires."""

from __future__ import annotations

import ckan.plugins.toolkit as tk

__all__ = ["territoires_harvest_close_stale", "territoires_harvest_preview"]


def territoires_harvest_preview(context, data_dict):
    """Those who may edit a harvest source may preview it."""
    try:
        tk.check_access("harvest_source_update", dict(context), {"id": (data_dict or {}).get("id")})
    except tk.NotAuthorized:
        return {
            "success": False,
            "msg": tk._("Only the editors of a harvest source may preview it."),
        }
    except tk.ObjectNotFound:
        return {"success": False, "msg": tk._("Harvest source not found")}
    return {"success": True}


def territoires_harvest_close_stale(context, data_dict):
    """Sysadmins only (it closes jobs of every source)."""
    return {"success": False, "msg": tk._("Only sysadmins may close stale harvest jobs.")}
