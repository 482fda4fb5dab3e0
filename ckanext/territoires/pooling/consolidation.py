"""One dataset for the whole territory per offered schema.

Its CSV is the union of the rows of every conforming resource declaring
the schema, in the schema's column order, followed by the commune (INSEE
code and name, from the source dataset's commune group, else its
organisation's commune) and the source dataset. Non-conforming files are
listed in the dataset's description and in the contributions, never merged.
The dataset is owned by the organisation of the territory's
intercommunality (organisation extra ``siren``).
"""

from __future__ import annotations

import csv
import io
import logging
from dataclasses import dataclass, field
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from werkzeug.datastructures import FileStorage

from ckanext.territoires import territory, vocabularies
from ckanext.territoires.communes import groups, organizations
from ckanext.territoires.communes.load import territory_epcis
from ckanext.territoires.harvesters.messages import HarvestProblem, translate
from ckanext.territoires.referential import get_referential
from ckanext.territoires.translations import N_

from . import registry, source, store, validation

log = logging.getLogger(__name__)

DATASET_PREFIX = "donnees-mutualisees-"
COMMUNE_COLUMNS = ("commune_insee", "commune_nom", "jeu_de_donnees_source")


def dataset_name(schema_id: str) -> str:
    return (DATASET_PREFIX + schema_id)[:100]


def is_pooled(package_name: str | None) -> bool:
    return bool(package_name and package_name.startswith(DATASET_PREFIX))


@dataclass
class Contribution:
    """One resource declaring the schema, and what became of it."""

    resource_id: str
    resource_name: str
    package_name: str
    package_title: str
    commune_insee: str | None
    commune_name: str | None
    status: str
    rows: int = 0
    merged: bool = False


@dataclass
class Consolidated:
    schema_id: str
    dataset: dict[str, Any] | None = None
    contributions: list[Contribution] = field(default_factory=list)
    rows: int = 0
    problem: str | None = None


def territory_organization() -> model.Group | None:
    """The organisation of the territory's intercommunality, or None."""
    for siren in territory_epcis(territory.configured_scope(), get_referential()):
        organization = organizations.organization_of(organizations.INTERCOMMUNALITY_KEY, siren)
        if organization is not None:
            return organization
    return None


def commune_of(package: model.Package) -> tuple[str, str] | None:
    """``(INSEE code, name)`` of the dataset's commune: its only commune
    group, else its organisation's commune; None when it has several or none."""
    rows = (
        model.Session.query(model.GroupExtra.value, model.Group.title)
        .join(model.Group, model.Group.id == model.GroupExtra.group_id)
        .join(model.Member, model.Member.group_id == model.Group.id)
        .filter(
            model.Member.table_id == package.id,
            model.Member.table_name == "package",
            model.Member.state == "active",
            model.Group.type == groups.COMMUNE,
            model.Group.state == "active",
            model.GroupExtra.key == "insee",
            model.GroupExtra.state == "active",
        )
        .all()
    )
    if len(rows) == 1:
        return rows[0][0], rows[0][1]
    organization = model.Group.get(package.owner_org) if package.owner_org else None
    insee = organization.extras.get(organizations.COMMUNE_KEY) if organization else None
    if insee:
        return insee, territory.commune_name(insee) or insee
    return None


def _by_id(entity: Any, ids: set[str]) -> dict[str, Any]:
    """The rows of ``entity`` (Package, Resource) with these ids, in one query."""
    if not ids:
        return {}
    return {row.id: row for row in model.Session.query(entity).filter(entity.id.in_(ids))}


def pooled_datasets(schema_ids: list[str]) -> dict[str, model.Package]:
    """The pooled dataset of each of these schemas that has one (any
    state), by schema id, in one query."""
    names = {dataset_name(schema_id): schema_id for schema_id in schema_ids}
    if not names:
        return {}
    rows = model.Session.query(model.Package).filter(model.Package.name.in_(list(names)))
    return {names[package.name]: package for package in rows}


def contributions(schema_id: str) -> list[Contribution]:
    """Every active resource declaring ``schema_id`` (outside the pooled
    datasets and the private datasets: a pooled dataset is public, it
    neither holds nor names private data), with its commune and status."""
    found = []
    results = store.of_schema(schema_id)
    packages = _by_id(model.Package, {result["package_id"] for result in results})
    resources = _by_id(model.Resource, {result["resource_id"] for result in results})
    for result in results:
        package = packages.get(result["package_id"])
        resource = resources.get(result["resource_id"])
        if package is None or resource is None or is_pooled(package.name) or package.private:
            continue
        commune = commune_of(package)
        found.append(
            Contribution(
                resource_id=resource.id,
                resource_name=resource.name or "",
                package_name=package.name,
                package_title=package.title or package.name,
                commune_insee=commune[0] if commune else None,
                commune_name=commune[1] if commune else None,
                status=result["status"],
                rows=result["row_count"] or 0,
            )
        )
    return found


def _site_context() -> dict[str, Any]:
    user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"user": user["name"], "ignore_auth": True}


def _dataset_url(name: str) -> str:
    # no request in a job: the site URL, not url_for
    return "{}/dataset/{}".format((tk.config.get("ckan.site_url") or "").rstrip("/"), name)


def _rows_of(contribution: Contribution, columns: list[str]) -> list[list[str]]:
    resource = tk.get_action("resource_show")(
        {"ignore_auth": True}, {"id": contribution.resource_id}
    )
    extra = [
        contribution.commune_insee or "",
        contribution.commune_name or "",
        _dataset_url(contribution.package_name),
    ]
    with source.local_copy(resource) as path:
        return [
            [record.get(column, "") for column in columns] + extra
            for record in validation.read_records(path)
        ]


def build_csv(schema: registry.OfferedSchema, found: list[Contribution]) -> tuple[bytes, int]:
    """The consolidated CSV of the conforming contributions (marked merged)."""
    columns = schema.field_names
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns + list(COMMUNE_COLUMNS))
    total = 0
    for contribution in found:
        if contribution.status != store.VALID:
            continue
        try:
            rows = _rows_of(contribution, columns)
        except (HarvestProblem, OSError) as error:
            log.warning("Pooling: %s not read again: %s", contribution.resource_id, error)
            continue
        writer.writerows(rows)
        contribution.merged, contribution.rows = True, len(rows)
        total += len(rows)
    return buffer.getvalue().encode("utf-8"), total


def _common_licence(found: list[Contribution]) -> str:
    """The licence of the merged files when they all share one (the pooled
    rows keep it); none otherwise: mixing licences is the team's decision."""
    licences = {
        package.license_id
        for c in found
        if c.merged and (package := model.Package.get(c.package_name)) is not None
    }
    return licences.pop() if len(licences) == 1 and None not in licences else ""


def _notes(schema: registry.OfferedSchema, found: list[Contribution]) -> str:
    lines = [
        translate(
            N_(
                "Pooled dataset: the rows of every file conforming to the schema "
                "\u201c%(schema)s\u201d published for the communes of the territory, with "
                "the commune (INSEE code and name) and the source dataset of each row."
            )
        )
        % {"schema": schema.title}
    ]
    rejected = [c for c in found if c.status != store.VALID]
    if rejected:
        lines.append("")
        lines.append(translate(N_("Files not merged because they do not conform to the schema:")))
        lines.append("")
        lines += [
            f"- {c.package_title} ({c.commune_name or '?'}) : {c.resource_name}" for c in rejected
        ]
    return "\n".join(lines)


def consolidate(schema_id: str) -> Consolidated:
    """Build (or rebuild) the pooled dataset of ``schema_id``."""
    result = Consolidated(schema_id=schema_id)
    schema = registry.get(schema_id)
    organization = territory_organization()
    if schema is None or organization is None:
        result.problem = "no schema" if schema is None else "no organisation of the territory"
        return result
    result.contributions = contributions(schema_id)
    data, result.rows = build_csv(schema, result.contributions)
    context = _site_context()
    name = dataset_name(schema_id)
    fields = {
        "name": name,
        "title": schema.title,
        "notes": _notes(schema, result.contributions),
        "owner_org": organization.id,
        "conforms_to": [schema.url],
        "license_id": _common_licence(result.contributions),
        "frequency": vocabularies.FREQUENCY_BASE + "UPDATE_CONT",
        "territoires_coverage": sorted(
            {c.commune_insee for c in result.contributions if c.merged and c.commune_insee}
        ),
    }
    existing = model.Package.get(name)
    if existing is None or existing.state != "active":
        if existing is not None:
            fields["id"] = existing.id
            fields["state"] = "active"
            dataset = tk.get_action("package_update")(dict(context), fields)
        else:
            dataset = tk.get_action("package_create")(dict(context), fields)
    else:
        dataset = tk.get_action("package_patch")(dict(context), {"id": existing.id, **fields})
    upload = FileStorage(
        stream=io.BytesIO(data), filename=f"{schema_id}.csv", content_type="text/csv"
    )
    resource = {
        "name": f"{schema.title} (CSV)",
        "format": "CSV",
        "upload": upload,
        "url": f"{schema_id}.csv",
    }
    # its data table is loaded by xloader, which the creation or the new
    # upload submits
    if dataset.get("resources"):
        resource["id"] = dataset["resources"][0]["id"]
        tk.get_action("resource_patch")(dict(context), resource)
    else:
        tk.get_action("resource_create")(dict(context), {"package_id": dataset["id"], **resource})
    result.dataset = tk.get_action("package_show")(dict(context), {"id": dataset["id"]})
    return result
