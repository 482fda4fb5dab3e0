"""Auth functions: one per action of the plugin, plus CKAN's group auth for
the territorial group types (commune, intercommunalité)."""

from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan import authz, model

from ckanext.territoires.communes import groups, organizations
from ckanext.territoires.referential import get_referential


@tk.auth_allow_anonymous_access
def territoires_resolve(context, data_dict):
    return {"success": True}


@tk.auth_allow_anonymous_access
def territoires_commune_list(context, data_dict):
    return {"success": True}


@tk.auth_allow_anonymous_access
def territoires_commune_show(context, data_dict):
    return {"success": True}


@tk.auth_allow_anonymous_access
def territoires_intercommunality_show(context, data_dict):
    return {"success": True}


@tk.auth_allow_anonymous_access
def territoires_map_show(context, data_dict):
    """Public: counts are the caller's; a dataset's map needs package_show."""
    return {"success": True}


@tk.auth_allow_anonymous_access
def territoires_package_search(context, data_dict):
    """Public: results are package_search's, with the caller's permissions."""
    return {"success": True}


def territoires_package_publish(context, data_dict):
    """Whoever may create the dataset (``package_create``'s auth)."""
    return authz.is_authorized("package_create", context, data_dict)


@tk.auth_allow_anonymous_access
def territoires_territory_show(context, data_dict):
    return {"success": True}


@tk.auth_allow_anonymous_access
def territoires_site_show(context, data_dict):
    return {"success": True}


@tk.auth_allow_anonymous_access
def territoires_catalog_show(context, data_dict):
    """Anyone: the catalogue lists public datasets only."""
    return {"success": True}


@tk.auth_allow_anonymous_access
def territoires_quality_show(context, data_dict):
    """Whoever may see the dataset."""
    return authz.is_authorized("package_show", context, {"id": (data_dict or {}).get("id")})


@tk.auth_allow_anonymous_access
def territoires_quality_commune_list(context, data_dict):
    """Anyone: every figure is counted with the caller's permissions."""
    return {"success": True}


@tk.auth_allow_anonymous_access
def territoires_quality_commune_show(context, data_dict):
    """Anyone: the figures and datasets are searched with the caller's permissions."""
    return {"success": True}


def territoires_quality_dashboard(context, data_dict):
    """The quality dashboard: sysadmins and the data team (editors and
    admins of an organisation)."""
    user = context.get("user")
    if user and authz.is_sysadmin(user):
        return {"success": True}
    user_obj = model.User.get(user) if user else None
    if user_obj is not None and any(
        authz.has_user_permission_for_group_or_org(org.id, user, "create_dataset")
        for org in user_obj.get_groups(group_type="organization")
    ):
        return {"success": True}
    return {"success": False, "msg": tk._("Only the data team may see the quality dashboard.")}


def territoires_commune_organization_create(context, data_dict):
    """The data team: sysadmins only (CKAN lets sysadmins through first)."""
    return {
        "success": False,
        "msg": tk._("Only the data team may create the organisation of a commune."),
    }


def _commune_organization_admin(context, data_dict) -> dict:
    """Admins of the commune's organisation (and sysadmins, let through first)."""
    user = context.get("user")
    commune = _commune((data_dict or {}).get("id") or "")
    organization = (
        organizations.organization_of(organizations.COMMUNE_KEY, commune.extras.get("insee"))
        if commune is not None
        else None
    )
    if (
        user
        and organization is not None
        and authz.has_user_permission_for_group_or_org(organization.id, user, "membership")
    ):
        return {"success": True}
    return {
        "success": False,
        "msg": tk._(
            "Only the data team and the admins of its organisation manage a commune's agents."
        ),
    }


def _commune(identifier: str) -> model.Group | None:
    group = model.Group.get(identifier)
    if group is not None and group.type == groups.COMMUNE:
        return group
    return groups.find_commune_group(get_referential(), identifier) if identifier else None


def territoires_commune_agent_add(context, data_dict):
    return _commune_organization_admin(context, data_dict)


def territoires_commune_agent_remove(context, data_dict):
    return _commune_organization_admin(context, data_dict)


@tk.auth_allow_anonymous_access
def territoires_commune_agent_list(context, data_dict):
    """A commune's agents: as for adding them; a user's communes: that user."""
    data_dict = data_dict or {}
    if data_dict.get("id"):
        return _commune_organization_admin(context, data_dict)
    user = model.User.get(context.get("user") or "") if context.get("user") else None
    asked = model.User.get(data_dict.get("user") or "") if data_dict.get("user") else None
    if user is not None and asked is not None and user.id == asked.id:
        return {"success": True}
    return {"success": False, "msg": tk._("Only the user may list their own communes.")}


def _territorial_group(data_dict) -> model.Group | None:
    group = model.Group.get((data_dict or {}).get("id") or "")
    return group if group is not None and group.type in groups.GROUP_TYPES else None


def _sysadmins_only(next_auth, context, data_dict, territorial: bool, message: str):
    if territorial:
        return {"success": False, "msg": message}
    return next_auth(context, data_dict)


@tk.chained_auth_function
def group_create(next_auth, context, data_dict):
    """Territorial groups come from ``ckan territoires load``: sysadmins only."""
    return _sysadmins_only(
        next_auth,
        context,
        data_dict,
        (data_dict or {}).get("type") in groups.GROUP_TYPES,
        tk._("Commune and intercommunality groups are created by 'ckan territoires load'."),
    )


@tk.chained_auth_function
def group_delete(next_auth, context, data_dict):
    """Territorial groups are archived by ``ckan territoires load``: only
    sysadmins may delete one."""
    return _sysadmins_only(
        next_auth,
        context,
        data_dict,
        _territorial_group(data_dict) is not None,
        tk._(
            "Commune and intercommunality groups are archived by 'ckan territoires load', "
            "not deleted; only sysadmins may delete them."
        ),
    )


@tk.chained_auth_function
def group_update(next_auth, context, data_dict):
    """The editors of a commune group (its officers) may edit its presentation.

    Identity fields stay with ``ckan territoires load`` (see the
    ``territoires_identity`` validator of the group schema).
    """
    group = _territorial_group(data_dict)
    user = context.get("user")
    if (
        group is not None
        and user
        and authz.has_user_permission_for_group_or_org(group.id, user, "update_dataset")
    ):
        return {"success": True}
    return next_auth(context, data_dict)
