"""Publishing organisations of the places, and the agents of the communes.

An organisation publishes for a commune when its extra ``insee`` is the
commune's INSEE code, for an intercommunality when its extra ``siren`` is
the intercommunality's SIREN (the organisation form's code fields, checked
by the validators of :mod:`ckanext.territoires.logic.validators`). One
organisation at most per place: the validators refuse a second one.

The agents of a commune are its officers: the editors (and admins) of the
commune group, who may edit its presentation. Adding an agent also makes
them an editor of the commune's organisation, so that they publish under
the commune's name.

The datasets of an organisation are indexed with its code
(``territoires_publisher``) and joined to its commune's group: when the
code of an organisation changes, :func:`resync_organization` brings its
datasets in line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib import search

from . import groups, index, membership

#: Organisation extras linking an organisation to its place.
COMMUNE_KEY = "insee"
INTERCOMMUNALITY_KEY = "siren"
CODE_KEYS = (COMMUNE_KEY, INTERCOMMUNALITY_KEY)
#: Capacities of the agents in the commune group and the organisation.
AGENT_CAPACITY = "editor"
OFFICER_CAPACITIES = ("editor", "admin")


def _linked(key: str, codes: list[str] | None = None):
    query = (
        model.Session.query(model.Group, model.GroupExtra.value)
        .join(model.GroupExtra, model.GroupExtra.group_id == model.Group.id)
        .filter(
            model.Group.is_organization.is_(True),
            model.Group.state == "active",
            model.GroupExtra.key == key,
            model.GroupExtra.state == "active",
        )
        .order_by(model.Group.name)
    )
    if codes is not None:
        query = query.filter(model.GroupExtra.value.in_(codes))
    return query


def organization_of(key: str, code: str | None) -> model.Group | None:
    """The active organisation linked to a place (``key``: ``insee`` for a
    commune, ``siren`` for an intercommunality), or None."""
    if not code:
        return None
    row = _linked(key, [code.strip().upper()]).first()
    return row[0] if row else None


def other_organization(key: str, code: str, organization_id: str | None) -> model.Group | None:
    """Another active organisation (than the one of this id or name)
    already linked to the same place."""
    for organization, _value in _linked(key, [code]):
        if organization_id not in (organization.id, organization.name):
            return organization
    return None


def organization_link(organization: model.Group | None) -> dict[str, str] | None:
    """What the pages show of a place's organisation."""
    if organization is None:
        return None
    return {
        "id": organization.id,
        "name": organization.name,
        "title": organization.title or organization.name,
        "url": tk.url_for("organization.read", id=organization.name),
    }


def organization_title(commune_name: str) -> str:
    """ "Commune de Bron", "Commune d'Écully" (elision before a vowel or h)."""
    first = commune_name[:1].lower()
    if first in "aeiouyhàâäéèêëîïôöùûü":
        return f"Commune d'{commune_name}"
    return f"Commune de {commune_name}"


# --- agents --------------------------------------------------------------------


@dataclass(frozen=True)
class Agent:
    user: model.User
    group_capacity: str
    organization_capacity: str | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.user.id,
            "name": self.user.name,
            "display_name": self.user.display_name,
        }


def _memberships(group_id: str, capacities=None) -> dict[str, str]:
    """user id -> capacity of the active user memberships of a group."""
    query = model.Session.query(model.Member.table_id, model.Member.capacity).filter(
        model.Member.group_id == group_id,
        model.Member.table_name == "user",
        model.Member.state == "active",
    )
    if capacities is not None:
        query = query.filter(model.Member.capacity.in_(capacities))
    return dict(query.all())


def agents(commune: model.Group, organization: model.Group | None) -> list[Agent]:
    """The agents of a commune (editors and admins of its group), by name."""
    officers = _memberships(commune.id, OFFICER_CAPACITIES)
    in_organization = _memberships(organization.id) if organization is not None else {}
    users = (
        model.Session.query(model.User)
        .filter(model.User.id.in_(list(officers)), model.User.state == "active")
        .all()
    )
    found = [Agent(user, officers[user.id], in_organization.get(user.id)) for user in users]
    return sorted(found, key=lambda agent: agent.user.name)


def user_commune_groups(user: model.User) -> list[model.Group]:
    """The commune groups of which the user is an agent, by title."""
    return (
        model.Session.query(model.Group)
        .join(model.Member, model.Member.group_id == model.Group.id)
        .filter(
            model.Group.type == groups.COMMUNE,
            model.Group.state == "active",
            model.Member.table_name == "user",
            model.Member.table_id == user.id,
            model.Member.state == "active",
            model.Member.capacity.in_(OFFICER_CAPACITIES),
        )
        .order_by(model.Group.title)
        .all()
    )


def capacity_in(group: model.Group, user: model.User) -> str | None:
    return _memberships(group.id).get(user.id)


# --- datasets of a linked organisation ----------------------------------------------


def _stale_filter(organization: model.Group) -> str:
    """Datasets of the organisation whose index does not carry its codes."""
    codes = sorted(
        {
            (organization.extras.get(key) or "").strip().upper()
            for key in CODE_KEYS
            if (organization.extras.get(key) or "").strip()
        }
    )
    owner = f'+owner_org:"{organization.id}"'
    if not codes:
        return f"{owner} +{index.PUBLISHER_FIELD}:[* TO *]"
    return owner + "".join(f' -{index.PUBLISHER_FIELD}:"{code}"' for code in codes)


def organization_edited(entity: Any) -> None:
    """``edit`` hook of CKAN's organisation (and dataset) controllers."""
    if isinstance(entity, model.Group) and entity.is_organization:
        resync_organization(entity)


def resync_organization(organization: model.Group) -> int:
    """Re-join to their commune groups and re-index the datasets of an
    organisation whose code changed; the number of datasets brought in line.

    The search index says which datasets still carry another code, so an
    edit that leaves the code alone costs one search. Runs in the caller's
    transaction (CKAN's organisation update commits it); the index rows are
    written in it too, so each round finds fewer stale datasets.
    """
    done = 0
    remaining = None
    while True:
        result = tk.get_action("package_search")(
            {"ignore_auth": True},
            {
                "fq": _stale_filter(organization),
                "fl": "id",
                "rows": 1000,
                "include_private": True,
            },
        )
        ids = [row["id"] for row in result["results"]]
        if not ids or (remaining is not None and result["count"] >= remaining):
            return done  # nothing left, or nothing the index would change
        remaining = result["count"]
        for package_id in ids:
            membership.sync_package_by_id(package_id)
        search.rebuild(package_ids=ids, defer_commit=True)
        done += len(ids)
