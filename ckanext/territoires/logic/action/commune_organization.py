"""``territoires_commune_organization_create``: the publishing organisation
of a commune, created by the data team from the commune page."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.logic import validate

from ckanext.territoires.communes import groups, organizations
from ckanext.territoires.logic import schema

from . import _places

__all__ = ["territoires_commune_organization_create"]


@validate(schema.territoires_commune_organization_create)
def territoires_commune_organization_create(context, data_dict) -> dict[str, Any]:
    """Create the organisation that publishes for a commune, linked to it by
    its INSEE code (organisation extra ``insee``): its datasets are then
    "published by the commune" on the commune page. The caller becomes its
    admin, as with ``organization_create``.

    :param id: the commune: group name or id, or an INSEE code
    :type id: string
    :param title: the organisation's name (optional, default
        "Commune de <name>")
    :type title: string
    :param name: the organisation's URL name (optional, default
        ``commune-<group name>``)
    :type name: string

    :returns: the organisation, as ``organization_show`` returns it
    :rtype: dictionary

    A commune that already has its organisation, or that no longer exists
    (archived), is a validation error on ``id``.
    """
    tk.check_access("territoires_commune_organization_create", context, data_dict)
    commune = _places.find_commune(data_dict["id"].strip())
    insee = commune.extras.get("insee") or ""
    if commune.extras.get("status") == groups.ARCHIVED:
        raise tk.ValidationError(
            {"id": [tk._("%s no longer exists: it has no organisation.") % commune.title]}
        )
    existing = organizations.organization_of(organizations.COMMUNE_KEY, insee)
    if existing is not None:
        raise tk.ValidationError(
            {
                "id": [
                    tk._("%(place)s already has its organisation: %(organization)s.")
                    % {"place": commune.title, "organization": existing.title or existing.name}
                ]
            }
        )
    return tk.get_action("organization_create")(
        {"user": context["user"], "ignore_auth": True},
        {
            "name": data_dict.get("name") or f"commune-{commune.name}",
            "title": data_dict.get("title") or organizations.organization_title(commune.title),
            organizations.COMMUNE_KEY: insee,
        },
    )
