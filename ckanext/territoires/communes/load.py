"""``ckan territoires load``: the groups of the territory from the referential.

Creates or updates one commune group per commune of the scope and one
intercommunality group per EPCI of the scope; groups of communes that left
the scope or merged are archived (extra ``status=archived``, pointer to the
successor) and keep their datasets. Nothing is deleted. Idempotent.

Groups are written through the model in one transaction (thousands of
``group_create`` calls would take minutes); groups are not in the search
index, so nothing else needs updating.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import ckan.plugins.toolkit as tk
from ckan import model
from sqlalchemy import orm

from ckanext.territoires.referential import Referential, Scope

from . import groups

FLUSH_EVERY = 500


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    archived: int = 0
    unchanged: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)


def territory_epcis(scope: Scope, ref: Referential) -> list[str]:
    """SIRENs of the intercommunalities that get a group."""
    if scope.epcis:
        return list(scope.epcis)
    return sorted({epci for c in scope.communes if (epci := ref.communes[c].epci)})


def communes_leaving(scope: Scope) -> list[tuple[str, str]]:
    """``(INSEE code, name)`` of the commune groups that loading ``scope``
    would archive (active, not archived, outside the scope), by name."""
    leaving = [
        (insee, group.title)
        for insee, group in _existing_groups(groups.COMMUNE, "insee").items()
        if insee not in scope.communes and group.extras.get("status") != groups.ARCHIVED
    ]
    return sorted(leaving, key=lambda item: (item[1], item[0]))


def load_territory(
    scope: Scope, ref: Referential, progress: Callable[[Iterable], Iterable] = iter
) -> LoadReport:
    """Create, update and archive the territorial groups, then commit.

    ``progress`` wraps the iteration over the communes (a progress bar).
    """
    started = time.monotonic()
    report = LoadReport()
    session = model.Session
    existing = _existing_groups(groups.COMMUNE, "insee")
    taken_names = {name for (name,) in session.query(model.Group.name)}

    communes = sorted(scope.communes)
    for count, insee in enumerate(progress(communes), 1):
        commune = ref.communes[insee]
        _upsert(
            report,
            existing.get(insee),
            groups.COMMUNE,
            groups.commune_group_name(insee, commune.name),
            commune.name,
            groups.commune_identity(ref, insee),
            taken_names,
        )
        if count % FLUSH_EVERY == 0:
            session.flush()

    for insee, group in existing.items():
        if insee in scope.communes or group.extras.get("status") == groups.ARCHIVED:
            continue
        successor = ref.current_commune(insee)
        successor = successor if successor is not None and successor.insee != insee else None
        group.extras["status"] = groups.ARCHIVED
        group.extras["successor"] = successor.insee if successor else ""
        group.extras["successor_name"] = successor.name if successor else ""
        report.archived += 1

    epcis = territory_epcis(scope, ref)
    existing_epcis = _existing_groups(groups.INTERCOMMUNALITE, "siren")
    for siren in epcis:
        epci = ref.epcis[siren]
        members = [c for c in epci.members if c in scope.communes]
        _upsert(
            report,
            existing_epcis.get(siren),
            groups.INTERCOMMUNALITE,
            groups.epci_group_name(siren, epci.name),
            epci.name,
            groups.epci_identity(ref, siren, members),
            taken_names,
        )
    for siren, group in existing_epcis.items():
        if siren not in epcis and group.extras.get("status") != groups.ARCHIVED:
            group.extras["status"] = groups.ARCHIVED
            report.archived += 1

    if report.errors:
        model.Session.rollback()
    else:
        model.repo.commit()
    report.seconds = time.monotonic() - started
    return report


def _existing_groups(group_type: str, key: str) -> dict[str, model.Group]:
    rows = (
        model.Session.query(model.Group, model.GroupExtra.value)
        .join(model.GroupExtra, model.GroupExtra.group_id == model.Group.id)
        .filter(
            model.Group.type == group_type,
            model.Group.state == "active",
            model.GroupExtra.key == key,
            model.GroupExtra.state == "active",
        )
        .options(orm.selectinload(model.Group._extras))
    )
    return {code: group for group, code in rows}


def _upsert(
    report: LoadReport,
    group: model.Group | None,
    group_type: str,
    name: str,
    title: str,
    identity: dict[str, str],
    taken_names: set[str],
) -> None:
    if group is None:
        if name in taken_names:
            report.errors.append(
                tk._(
                    'The group name "%(name)s" is already taken by another group: '
                    "rename that group, then run the load again."
                )
                % {"name": name}
            )
            return
        group = model.Group(
            name=name,
            title=title,
            type=group_type,
            is_organization=False,
            approval_status="approved",
        )
        group.state = "active"
        model.Session.add(group)
        for key, value in identity.items():
            group.extras[key] = value
        taken_names.add(name)
        report.created += 1
        return
    changed = False
    if group.title != title:
        group.title = title  # official name; the slug stays stable
        changed = True
    extras = group.extras
    for key, value in identity.items():
        if extras.get(key) != value:
            extras[key] = value
            changed = True
    if changed:
        report.updated += 1
    else:
        report.unchanged += 1
