"""The agents of a commune: ``territoires_commune_agent_add``,
``territoires_commune_agent_remove`` and ``territoires_commune_agent_list``.

An agent is an officer of the commune who publishes for it: an editor of
the commune group (they edit its presentation) and of the commune's
organisation (they publish under its name). See
:mod:`ckanext.territoires.communes.organizations`.
"""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.logic import validate

from ckanext.territoires.communes import organizations
from ckanext.territoires.logic import schema

from . import _places

__all__ = [
    "territoires_commune_agent_add",
    "territoires_commune_agent_list",
    "territoires_commune_agent_remove",
]


def _commune_and_organization(identifier: str) -> tuple[model.Group, model.Group | None]:
    commune = _places.find_commune(identifier.strip())
    insee = commune.extras.get("insee")
    return commune, organizations.organization_of(organizations.COMMUNE_KEY, insee)


def _user(value: str) -> model.User:
    """A user by name, id or email address; a validation error on ``username``."""
    text = value.strip()
    user = model.User.get(text)
    if user is None and "@" in text:
        found = (
            model.Session.query(model.User)
            .filter(model.User.email == text, model.User.state == "active")
            .limit(2)
            .all()
        )
        user = found[0] if len(found) == 1 else None  # an address two accounts share: neither
    if user is None or user.state != "active":
        raise tk.ValidationError({"username": [tk._("No user is known as %s.") % text]})
    return user


def _set_member(group: model.Group, user: model.User, capacity: str | None) -> None:
    """The user's membership of a group (``None``: none), whoever calls:
    the action's own auth function decided."""
    context = {"user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]}
    member = {"id": group.id, "object": user.id, "object_type": "user"}
    if capacity is None:
        tk.get_action("member_delete")({**context, "ignore_auth": True}, member)
    else:
        tk.get_action("member_create")(
            {**context, "ignore_auth": True}, {**member, "capacity": capacity}
        )


def _agent_dict(
    commune: model.Group, organization: model.Group | None, agent: organizations.Agent
) -> dict[str, Any]:
    return {
        "user": agent.as_dict(),
        "commune": {
            "id": commune.id,
            "name": commune.name,
            "title": commune.title,
            "insee": commune.extras.get("insee"),
            "url": tk.url_for("commune.read", id=commune.name),
        },
        "organization": organizations.organization_link(organization),
        "capacity": agent.group_capacity,
        "organization_capacity": agent.organization_capacity,
    }


@validate(schema.territoires_commune_agent_add)
def territoires_commune_agent_add(context, data_dict) -> dict[str, Any]:
    """Make a user an agent of a commune: editor of the commune's
    organisation (they publish for the commune) and of the commune group
    (they edit its presentation). Roles above editor are kept.

    :param id: the commune: group name or id, or an INSEE code
    :type id: string
    :param username: the user's name, id or email address
    :type username: string

    :returns: the agent, as an item of ``territoires_commune_agent_list``
    :rtype: dictionary

    The commune must have its organisation (validation error on ``id``
    otherwise: ``territoires_commune_organization_create``); an unknown
    user is a validation error on ``username``.
    """
    tk.check_access("territoires_commune_agent_add", context, data_dict)
    commune, organization = _commune_and_organization(data_dict["id"])
    if organization is None:
        raise tk.ValidationError(
            {
                "id": [
                    tk._("%s has no organisation yet: create it first.") % commune.title,
                ]
            }
        )
    user = _user(data_dict["username"])
    for group in (organization, commune):
        if organizations.capacity_in(group, user) not in organizations.OFFICER_CAPACITIES:
            _set_member(group, user, organizations.AGENT_CAPACITY)
    agent = organizations.Agent(
        user,
        organizations.capacity_in(commune, user) or organizations.AGENT_CAPACITY,
        organizations.capacity_in(organization, user),
    )
    return _agent_dict(commune, organization, agent)


@validate(schema.territoires_commune_agent_remove)
def territoires_commune_agent_remove(context, data_dict) -> None:
    """Remove an agent of a commune: they are no longer a member of the
    commune group nor of the commune's organisation.

    :param id: the commune: group name or id, or an INSEE code
    :type id: string
    :param username: the user's name, id or email address
    :type username: string

    A user who is not an agent of the commune is a validation error on
    ``username``.
    """
    tk.check_access("territoires_commune_agent_remove", context, data_dict)
    commune, organization = _commune_and_organization(data_dict["id"])
    user = _user(data_dict["username"])
    if organizations.capacity_in(commune, user) not in organizations.OFFICER_CAPACITIES:
        raise tk.ValidationError(
            {
                "username": [
                    tk._("%(commune)s: %(user)s is not an agent of the commune.")
                    % {"user": user.display_name, "commune": commune.title}
                ]
            }
        )
    _set_member(commune, user, None)
    if organization is not None and organizations.capacity_in(organization, user):
        _set_member(organization, user, None)


@tk.side_effect_free
@validate(schema.territoires_commune_agent_list)
def territoires_commune_agent_list(context, data_dict) -> list[dict[str, Any]]:
    """The agents of a commune, or the communes of which a user is an agent.

    :param id: the commune (group name or id, or an INSEE code): its agents
    :type id: string
    :param user: a user (name or id): the communes of which they are an
        agent (give ``id`` or ``user``)
    :type user: string

    :returns: ``{"user": {"id", "name", "display_name"}, "commune": {"id", "name",
        "title", "insee", "url"}, "organization": {"id", "name", "title",
        "url"} or null, "capacity" (in the commune group),
        "organization_capacity" (in the organisation, or null)}``, by user
        name (``id``) or by commune name (``user``)
    :rtype: list of dictionaries
    """
    tk.check_access("territoires_commune_agent_list", context, data_dict)
    if not data_dict.get("id") and not data_dict.get("user"):
        raise tk.ValidationError({"id": [tk._("Give a commune (id) or a user (user).")]})
    if data_dict.get("id"):
        commune, organization = _commune_and_organization(data_dict["id"])
        return [
            _agent_dict(commune, organization, agent)
            for agent in organizations.agents(commune, organization)
        ]
    user = model.User.get(data_dict["user"])
    if user is None:
        raise tk.ObjectNotFound(tk._("No user is known as %s.") % data_dict["user"])
    result = []
    for commune in organizations.user_commune_groups(user):
        organization = organizations.organization_of(
            organizations.COMMUNE_KEY, commune.extras.get("insee")
        )
        agent = organizations.Agent(
            user,
            organizations.capacity_in(commune, user) or organizations.AGENT_CAPACITY,
            organizations.capacity_in(organization, user) if organization else None,
        )
        result.append(_agent_dict(commune, organization, agent))
    return result
