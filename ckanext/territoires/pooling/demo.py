"""The pooled data of the demo: car parks and council deliberations.

Three communes of the territory that have an organisation (those of the
demo) each publish a car-park file (schema "Lieux de stationnement"; the
third one's file does not conform) and their council deliberations (SCDL
"Délibérations"). They are validated and pooled at once, so that the
pooled "Lieux de stationnement" dataset holds the two valid communes' rows
when the portal starts, their car parks on its map and on the communes'
pages (placed inside each commune). Running it again changes nothing.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from werkzeug.datastructures import FileStorage

from ckanext.territoires import territory
from ckanext.territoires.communes import organizations
from ckanext.territoires.geography import get_outlines

from . import consolidation, jobs, samples

SCHEMAS = ("stationnement", "scdl-deliberations")


@dataclass
class DemoReport:
    datasets: list[str] = field(default_factory=list)
    pooled: dict[str, int] = field(default_factory=dict)  # schema -> rows
    problem: str | None = None


def _context() -> dict[str, Any]:
    user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"user": user["name"], "ignore_auth": True}


def _communes(limit: int = 3) -> list[tuple[model.Group, str, str]]:
    """(organisation, INSEE code, name) of the first communes of the
    territory with an organisation, most populous first."""
    scope = territory.configured_scope().communes
    found = []
    for organization, code in organizations._linked(organizations.COMMUNE_KEY):
        if code in scope:
            found.append((organization, code, territory.commune_name(code) or code))
    return found[:limit]


def _inside(insee: str) -> tuple[float, float]:
    """Where the commune's demo car parks are: by a point inside it (its
    map shows them), from a little south-west of it."""
    centre = get_outlines().centroid(insee) or (4.852, 45.752)
    return centre[0] - 0.002, centre[1] - 0.002


def _car_parks(insee: str, invalid: bool) -> bytes:
    lon, lat = _inside(insee)
    return samples.car_parks(insee, invalid=invalid, lon=lon, lat=lat)


#: What each demo file holds, as an officer would describe it (long enough
#: for the quality criterion: the demo is an example to copy).
DESCRIPTIONS = {
    "stationnement": (
        "Les parcs de stationnement ouverts au public de la commune de {commune} : "
        "adresse, nombre de places, places réservées aux personnes à mobilité "
        "réduite et aux véhicules électriques, tarifs et position. Le fichier suit "
        "le schéma national « Lieux de stationnement » : ses lignes rejoignent le "
        "jeu de données mutualisé du territoire."
    ),
    "scdl-deliberations": (
        "Les délibérations adoptées par le conseil municipal de {commune} : date "
        "de la séance, numéro, objet, thème et lien vers l'acte. Le fichier suit "
        "le Socle commun des données locales (SCDL) « Délibérations » : ses "
        "lignes rejoignent le jeu de données mutualisé du territoire."
    ),
}
FREQUENCIES = {"stationnement": "quarterly", "scdl-deliberations": "monthly"}


def _publish(
    organization: model.Group,
    name: str,
    commune: tuple[str, str],
    title: str,
    filename: str,
    data: bytes,
    schema: str,
) -> str:
    if model.Package.get(name) is not None:
        return name
    context = _context()
    insee, commune_name = commune
    dataset = tk.get_action("package_create")(
        dict(context),
        {
            "name": name,
            "title": title,
            "notes": DESCRIPTIONS[schema].format(commune=commune_name),
            "owner_org": organization.id,
            "license_id": "lov2",
            "territoires_coverage": [insee],
            "frequency": FREQUENCIES[schema],
            "temporal_coverage": [{"start": "2024-01-01"}],
            "contact": [
                {
                    "name": organization.title or commune_name,
                    "email": f"opendata@{organization.name}.example",
                }
            ],
        },
    )
    tk.get_action("resource_create")(
        dict(context),
        {
            "package_id": dataset["id"],
            "name": filename,
            "url": filename,
            "format": "CSV",
            "territoires_schema": schema,
            "upload": FileStorage(io.BytesIO(data), filename=filename, content_type="text/csv"),
        },
    )
    return name


def load_pooling_demo() -> DemoReport:
    """Publish the demo's files, validate them and pool them, now."""
    report = DemoReport()
    communes = _communes()
    if len(communes) < 3:
        report.problem = "fewer than three communes with an organisation"
        return report
    synchronous = jobs.config.PREFIX + "synchronous"
    previous = tk.config.get(synchronous)
    tk.config[synchronous] = True  # validate and pool inside this command
    try:
        for index, (organization, insee, name) in enumerate(communes):
            slug = organization.name
            report.datasets.append(
                _publish(
                    organization,
                    f"stationnement-{slug}"[:100],
                    (insee, name),
                    f"Lieux de stationnement — {name}",
                    f"stationnement-{insee}.csv",
                    _car_parks(insee, invalid=index == 2),
                    "stationnement",
                )
            )
            report.datasets.append(
                _publish(
                    organization,
                    f"deliberations-{slug}"[:100],
                    (insee, name),
                    f"Délibérations du conseil municipal — {name}",
                    f"deliberations-{insee}.csv",
                    samples.deliberations(organization.title or name, insee),
                    "scdl-deliberations",
                )
            )
        for schema in SCHEMAS:
            result = consolidation.consolidate(schema)
            model.Session.commit()
            report.pooled[schema] = result.rows
            report.problem = report.problem or result.problem
    finally:
        tk.config[synchronous] = previous
    return report
