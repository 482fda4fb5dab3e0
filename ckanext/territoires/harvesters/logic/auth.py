"""Auth functions of the harvest actions of ckanext-territoires."""

from __future__ import annotations

import ckan.plugins.toolkit as tk

__all__ = [
    "harvest_job_abort",
    "harvest_job_create",
    "harvest_job_create_all",
    "harvest_job_list",
    "harvest_jobs_run",
    "harvest_objects_import",
    "harvest_sources_clear",
    "harvest_sources_reindex",
    "territoires_harvest_close_stale",
    "territoires_harvest_preview",
]


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


# ckanext-harvest's sysadmin-only auth functions fail with an AttributeError
# (a 500) for an anonymous caller (``pt.Objectpt.ObjectNotFound`` in
# ``user_is_sysadmin``). Sysadmins never reach an auth function: everyone
# else is refused, with a 403.


def _sysadmins_only():
    return {"success": False, "msg": tk._("Only sysadmins may do this.")}


@tk.chained_auth_function
def harvest_jobs_run(next_auth, context, data_dict):
    """Sysadmins only (ckanext-harvest's, without its error for anonymous)."""
    return _sysadmins_only()


@tk.chained_auth_function
def harvest_job_create_all(next_auth, context, data_dict):
    """Sysadmins only (ckanext-harvest's, without its error for anonymous)."""
    return _sysadmins_only()


@tk.chained_auth_function
def harvest_objects_import(next_auth, context, data_dict):
    """Sysadmins only (ckanext-harvest's, without its error for anonymous)."""
    return _sysadmins_only()


@tk.chained_auth_function
def harvest_sources_clear(next_auth, context, data_dict):
    """Sysadmins only (ckanext-harvest's, without its error for anonymous)."""
    return _sysadmins_only()


@tk.chained_auth_function
def harvest_sources_reindex(next_auth, context, data_dict):
    """Sysadmins only (ckanext-harvest's, without its error for anonymous)."""
    return _sysadmins_only()


@tk.chained_auth_function
def harvest_job_abort(next_auth, context, data_dict):
    """Sysadmins only (ckanext-harvest's, without its error for anonymous)."""
    return _sysadmins_only()


def _source_given(data_dict) -> bool:
    return bool((data_dict or {}).get("source_id"))


@tk.chained_auth_function
def harvest_job_create(next_auth, context, data_dict):
    """ckanext-harvest's, without its error (a 500) when no source is given."""
    if not _source_given(data_dict):
        return {"success": False, "msg": tk._("Harvest source not found")}
    return next_auth(context, data_dict)


@tk.chained_auth_function
def harvest_job_list(next_auth, context, data_dict):
    """ckanext-harvest's, without its error (a 500) when no source is given."""
    if not _source_given(data_dict):
        return {"success": False, "msg": tk._("Harvest source not found")}
    return next_auth(context, data_dict)
