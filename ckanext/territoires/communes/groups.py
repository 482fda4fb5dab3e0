"""Commune and intercommunality groups: names, identity extras, look-ups.

A commune group has ``type='commune'``, a name unique in France and stable
over renamings of punctuation, ``<slug of the official name>-<INSEE code>``
(``ecully-69081``), and its identity in group extras, written by
``ckan territoires load`` only. The intercommunality group has
``type='intercommunalite'`` and the name ``<slug>-<SIREN>``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from ckan import model
from sqlalchemy import orm

from ckanext.territoires.referential import Referential, normalize

COMMUNE = "commune"
INTERCOMMUNALITE = "intercommunalite"
GROUP_TYPES = (COMMUNE, INTERCOMMUNALITE)

#: Member capacity of the memberships computed by this plugin; any other
#: capacity is a membership added by hand, which is kept.
AUTOMATIC_CAPACITY = "territoires"

#: Extras owned by ``ckan territoires load`` (read-only for officers).
COMMUNE_IDENTITY = (
    "insee",
    "siren",
    "population",
    "postal_codes",
    "departement",
    "departement_name",
    "region",
    "region_name",
    "epci",
    "epci_name",
    "old_codes",
    "communes_deleguees",
    "status",
    "successor",
    "successor_name",
)
EPCI_IDENTITY = ("siren", "epci_type", "population", "members", "status")
#: Extras the officers of a commune edit (with the core ``notes`` and ``image_url``).
PRESENTATION = ("website", "contact_name", "contact_email", "contact_phone")

CURRENT = "current"
ARCHIVED = "archived"

_CODE_SUFFIX = re.compile(r"-((?:\d{2}|2[ab])\d{3})$")


def slug(name: str) -> str:
    """ "Saint-Cyr-au-Mont-d'Or" -> "saint-cyr-au-mont-d-or"."""
    return re.sub(r"[^a-z0-9]+", "-", normalize.strip_accents(name).lower()).strip("-")


def commune_group_name(insee: str, name: str) -> str:
    return f"{slug(name)}-{insee.lower()}"


def epci_group_name(siren: str, name: str) -> str:
    return f"{slug(name)}-{siren}"


def insee_from_group_name(name: str) -> str | None:
    """The INSEE code at the end of a commune group's name, upper-cased."""
    match = _CODE_SUFFIX.search(name or "")
    return match.group(1).upper() if match else None


def commune_identity(ref: Referential, insee: str) -> dict[str, str]:
    """The identity extras of a current commune, as strings."""
    commune = ref.describe_commune(insee)
    epci = commune["epci"] or {}
    return {
        "insee": commune["insee"],
        "siren": commune["siren"] or "",
        "population": "" if commune["population"] is None else str(commune["population"]),
        "postal_codes": " ".join(commune["postal_codes"]),
        "departement": commune["departement"]["code"],
        "departement_name": commune["departement"]["name"],
        "region": commune["region"]["code"],
        "region_name": commune["region"]["name"],
        "epci": epci.get("siren", ""),
        "epci_name": epci.get("name", ""),
        "old_codes": " ".join(commune["old_codes"]),
        "communes_deleguees": json.dumps(commune["communes_deleguees"], ensure_ascii=False),
        "status": CURRENT,
        "successor": "",
        "successor_name": "",
    }


def epci_identity(ref: Referential, siren: str, members: Iterable[str]) -> dict[str, str]:
    epci = ref.epcis[siren]
    return {
        "siren": siren,
        "epci_type": epci.type,
        "population": "" if epci.population is None else str(epci.population),
        "members": " ".join(sorted(members)),
        "status": CURRENT,
    }


def identity_as_dict(extras: dict[str, str]) -> dict[str, Any]:
    """Group extras -> the JSON shape of ``territoires_commune_show``."""

    def words(key):
        return (extras.get(key) or "").split()

    population = extras.get("population")
    return {
        "insee": extras.get("insee"),
        "siren": extras.get("siren") or None,
        "population": int(population) if population and population.isdigit() else None,
        "postal_codes": words("postal_codes"),
        "departement": {"code": extras.get("departement"), "name": extras.get("departement_name")},
        "region": {"code": extras.get("region"), "name": extras.get("region_name")},
        "epci": (
            {"siren": extras["epci"], "name": extras.get("epci_name")}
            if extras.get("epci")
            else None
        ),
        "old_codes": words("old_codes"),
        "communes_deleguees": json.loads(extras.get("communes_deleguees") or "[]"),
        "status": extras.get("status") or CURRENT,
        "successor": (
            {"insee": extras["successor"], "name": extras.get("successor_name")}
            if extras.get("successor")
            else None
        ),
    }


@dataclass(frozen=True)
class CommuneGroup:
    """A commune (or intercommunality) group as pages and lists read it (not
    an ORM object: the index of 158 communes built 2,500 of those per
    request)."""

    id: str
    name: str
    title: str
    type: str
    description: str
    image_url: str
    extras: dict


_COMMUNE_GROUPS = sa.text(
    "SELECT g.id, g.name, g.title, g.type, g.description, g.image_url, i.value AS insee,"
    " COALESCE(jsonb_object_agg(e.key, e.value) FILTER (WHERE e.key IS NOT NULL), '{}')"
    ' FROM "group" g'
    " JOIN group_extra i ON i.group_id = g.id AND i.key = 'insee' AND i.state = 'active'"
    " LEFT JOIN group_extra e ON e.group_id = g.id AND e.state = 'active'"
    " WHERE g.type = :commune AND g.state = 'active'"
    " AND (CAST(:codes AS text[]) IS NULL OR i.value = ANY(CAST(:codes AS text[])))"
    " GROUP BY g.id, i.value ORDER BY g.name"
)


def commune_groups_by_insee(
    session=None, codes: Iterable[str] | None = None
) -> dict[str, CommuneGroup]:
    """Every commune group (active state), by the INSEE code in its extras;
    only those of ``codes`` when given. One statement, read-only records."""
    session = session or model.Session
    rows = session.execute(
        _COMMUNE_GROUPS, {"commune": COMMUNE, "codes": None if codes is None else list(codes)}
    )
    return {
        insee: CommuneGroup(
            id=id_,
            name=name,
            title=title or "",
            type=type_,
            description=description or "",
            image_url=image_url or "",
            extras=dict(extras or {}),
        )
        for id_, name, title, type_, description, image_url, insee, extras in rows
    }


def find_commune_group(ref: Referential, code: str) -> model.Group | None:
    """The commune group of an INSEE code (current, old, arrondissement,
    déléguée): the current commune's group first, else a group holding
    that code (an archived commune)."""
    code = (code or "").strip().upper()
    by_insee = _groups_with_extra("insee", [code])
    current = ref.current_commune(code)
    if current is not None and current.insee != code:
        successor = _groups_with_extra("insee", [current.insee])
        if successor:
            return successor[0]
    return by_insee[0] if by_insee else None


def _groups_with_extra(key: str, values: list[str]) -> list[model.Group]:
    return (
        model.Session.query(model.Group)
        .join(model.GroupExtra, model.GroupExtra.group_id == model.Group.id)
        .filter(
            model.Group.type == COMMUNE,
            model.Group.state == "active",
            model.GroupExtra.key == key,
            model.GroupExtra.state == "active",
            model.GroupExtra.value.in_(values),
        )
        .all()
    )


def intercommunality_group(siren: str) -> model.Group | None:
    """The active intercommunality group of a SIREN."""
    return (
        model.Session.query(model.Group)
        .join(model.GroupExtra, model.GroupExtra.group_id == model.Group.id)
        .filter(
            model.Group.type == INTERCOMMUNALITE,
            model.Group.state == "active",
            model.GroupExtra.key == "siren",
            model.GroupExtra.state == "active",
            model.GroupExtra.value == (siren or "").strip(),
        )
        .first()
    )


def intercommunality_groups() -> list[model.Group]:
    """The current intercommunality groups, by title."""
    rows = (
        model.Session.query(model.Group)
        .filter(model.Group.type == INTERCOMMUNALITE, model.Group.state == "active")
        .order_by(model.Group.title)
        .options(orm.selectinload(model.Group._extras))
    )
    return [group for group in rows if group.extras.get("status") != ARCHIVED]
