"""Automatic memberships of datasets in commune and intercommunality groups.

A dataset belongs to the commune groups of the communes in its coverage
field (``territoires_coverage``, INSEE codes) and to the group of its
publishing organisation's commune (organisation extra ``insee``); to an
intercommunality group when its coverage holds all the members of that
intercommunality. These memberships have the capacity
:data:`~.groups.AUTOMATIC_CAPACITY` and are recomputed on every create and
update; memberships of any other capacity were added by hand and are kept.

Changes are made in the caller's session and never committed here: from
the ``IPackageController`` hooks they commit with the dataset itself, and
CKAN re-indexes the dataset (with its groups) at that commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ckan import model

from ckanext.territoires.values import as_list

from . import groups

COVERAGE_FIELD = "territoires_coverage"


@dataclass
class Changes:
    added: list[tuple[str, str]] = field(default_factory=list)  # (dataset name, group name)
    removed: list[tuple[str, str]] = field(default_factory=list)


def coverage_codes(value: Any) -> list[str]:
    """INSEE codes of a stored coverage value (a list or its JSON text; a
    plain text: codes separated by spaces)."""
    return [str(code) for code in as_list(value, str.split) if code]


def wanted_groups(package: model.Package) -> set[str]:
    """Ids of the territorial groups the dataset belongs to automatically."""
    codes = set(coverage_codes(package.extras.get(COVERAGE_FIELD)))
    organisation = model.Group.get(package.owner_org) if package.owner_org else None
    if organisation is not None and organisation.extras.get("insee"):
        codes.add(organisation.extras["insee"].strip().upper())
    if not codes:
        return set()
    wanted = {
        group_id
        for (group_id,) in (
            model.Session.query(model.GroupExtra.group_id)
            .join(model.Group, model.Group.id == model.GroupExtra.group_id)
            .filter(
                model.Group.type == groups.COMMUNE,
                model.Group.state == "active",
                model.GroupExtra.key == "insee",
                model.GroupExtra.state == "active",
                model.GroupExtra.value.in_(sorted(codes)),
            )
        )
    }
    for group_id, members in _epci_members():
        if members and members <= codes:
            wanted.add(group_id)
    return wanted


def _epci_members() -> Iterable[tuple[str, set[str]]]:
    rows = (
        model.Session.query(model.GroupExtra.group_id, model.GroupExtra.value)
        .join(model.Group, model.Group.id == model.GroupExtra.group_id)
        .filter(
            model.Group.type == groups.INTERCOMMUNALITE,
            model.Group.state == "active",
            model.GroupExtra.key == "members",
            model.GroupExtra.state == "active",
        )
    )
    return [(group_id, set((value or "").split())) for group_id, value in rows]


def sync_package(package: model.Package, changes: Changes | None = None) -> Changes:
    """Bring the dataset's automatic memberships in line (no commit)."""
    changes = changes if changes is not None else Changes()
    wanted = wanted_groups(package) if package.state == "active" else set()
    members = (
        model.Session.query(model.Member, model.Group.name)
        .join(model.Group, model.Group.id == model.Member.group_id)
        .filter(
            model.Member.table_name == "package",
            model.Member.table_id == package.id,
            model.Group.type.in_(groups.GROUP_TYPES),
        )
        .all()
    )
    by_group: dict[str, model.Member] = {}
    names = {}
    for member, group_name in members:
        names[member.group_id] = group_name
        # an active membership wins over an old deleted one
        if member.group_id not in by_group or member.state == "active":
            by_group[member.group_id] = member

    for group_id, member in by_group.items():
        if (
            member.state == "active"
            and member.capacity == groups.AUTOMATIC_CAPACITY
            and group_id not in wanted
        ):
            member.state = "deleted"
            changes.removed.append((package.name, names[group_id]))

    for group_id in sorted(wanted):
        member = by_group.get(group_id)
        if member is not None and member.state == "active":
            continue  # automatic already, or added by hand: kept as is
        if member is None:
            group = model.Session.query(model.Group).get(group_id)
            member = model.Member(table_name="package", table_id=package.id, group=group)
            model.Session.add(member)
            names[group_id] = group.name
        member.capacity = groups.AUTOMATIC_CAPACITY
        member.state = "active"
        changes.added.append((package.name, names[group_id]))
    if changes.added or changes.removed:
        model.Session.flush()
    return changes


def sync_package_by_id(package_id: str) -> Changes:
    package = model.Package.get(package_id)
    return sync_package(package) if package is not None else Changes()


def all_package_ids() -> list[str]:
    return [
        package_id
        for (package_id,) in model.Session.query(model.Package.id)
        .filter(model.Package.state != "deleted")
        .order_by(model.Package.name)
    ]
