"""A few demo organisations and datasets for `make run`, so that the commune
pages, the communes index and the home page have something to show.

    python config/demo_datasets.py ckan.ini

Idempotent: existing organisations and datasets (by name) are left as they
are. Everything goes through CKAN's actions (validation, automatic commune
memberships, search index). The datasets are invented examples, marked as
such in their description; the harvester loads real catalogues.
"""
from __future__ import annotations

import logging
import sys

ORGANISATIONS = [
    # name, title, extras (insee: a commune's organisation; siren: the intercommunality's)
    ("metropole-de-lyon", "Métropole de Lyon", {"siren": "200046977"}),
    ("ville-de-lyon", "Ville de Lyon", {"insee": "69123"}),
    ("ville-de-villeurbanne", "Ville de Villeurbanne", {"insee": "69266"}),
    ("ville-d-ecully", "Ville d'Écully", {"insee": "69081"}),
    ("ville-de-venissieux", "Ville de Vénissieux", {"insee": "69259"}),
    ("sytral", "SYTRAL Mobilités", {}),
]

THEME = "http://publications.europa.eu/resource/authority/data-theme/"

DATASETS = [
    # name, title, organisation, coverage, themes, formats
    ("demo-arbres-alignement", "Arbres d'alignement", "metropole-de-lyon", ["*"], ["ENVI"], ["CSV", "GeoJSON"]),
    ("demo-pistes-cyclables", "Aménagements cyclables", "metropole-de-lyon", ["*"], ["TRAN"], ["GeoJSON", "SHP"]),
    ("demo-stations-velov", "Stations Vélo'v", "metropole-de-lyon", ["*"], ["TRAN"], ["JSON"]),
    ("demo-qualite-air", "Indice de qualité de l'air", "metropole-de-lyon", ["*"], ["ENVI", "HEAL"], ["CSV"]),
    ("demo-lignes-tcl", "Lignes du réseau TCL", "sytral", ["*"], ["TRAN"], ["GTFS", "GeoJSON"]),
    ("demo-budget-metropole", "Budget primitif de la Métropole", "metropole-de-lyon", ["*"], ["ECON", "GOVE"], ["CSV", "PDF"]),
    ("demo-lyon-equipements-sportifs", "Équipements sportifs de Lyon", "ville-de-lyon", ["Lyon"], ["EDUC"], ["CSV"]),
    ("demo-lyon-bibliotheques", "Bibliothèques municipales de Lyon", "ville-de-lyon", ["Lyon"], ["EDUC"], ["CSV", "JSON"]),
    ("demo-lyon-marches", "Marchés alimentaires de Lyon", "ville-de-lyon", ["Lyon"], ["AGRI", "ECON"], ["CSV"]),
    ("demo-lyon-subventions", "Subventions aux associations (Lyon)", "ville-de-lyon", ["Lyon"], ["GOVE", "ECON"], ["XLSX"]),
    ("demo-lyon-toilettes", "Toilettes publiques de Lyon", "ville-de-lyon", ["Lyon"], ["SOCI"], ["GeoJSON"]),
    ("demo-lyon-parcs", "Parcs et jardins de Lyon", "ville-de-lyon", ["Lyon"], ["ENVI"], ["GeoJSON", "CSV"]),
    ("demo-villeurbanne-ecoles", "Écoles de Villeurbanne", "ville-de-villeurbanne", ["Villeurbanne"], ["EDUC"], ["CSV"]),
    ("demo-villeurbanne-deliberations", "Délibérations du conseil municipal", "ville-de-villeurbanne", ["Villeurbanne"], ["GOVE"], ["PDF"]),
    ("demo-villeurbanne-stationnement", "Stationnement à Villeurbanne", "ville-de-villeurbanne", ["Villeurbanne"], ["TRAN"], ["GeoJSON"]),
    ("demo-ecully-patrimoine", "Patrimoine arboré d'Écully", "ville-d-ecully", ["Écully"], ["ENVI"], ["CSV"]),
    ("demo-ecully-equipements", "Équipements publics d'Écully", "ville-d-ecully", ["Écully"], ["GOVE", "EDUC"], ["CSV"]),
    ("demo-venissieux-quartiers", "Quartiers de Vénissieux", "ville-de-venissieux", ["Vénissieux"], ["REGI"], ["GeoJSON"]),
    ("demo-venissieux-energie", "Consommation énergétique des bâtiments", "ville-de-venissieux", ["Vénissieux"], ["ENER"], ["CSV"]),
    ("demo-ouest-lyonnais-randonnees", "Sentiers de randonnée de l'Ouest lyonnais", "metropole-de-lyon",
     ["Écully", "Tassin-la-Demi-Lune", "Charbonnières-les-Bains", "Dardilly", "Limonest"], ["SOCI", "ENVI"], ["GPX", "GeoJSON"]),
    ("demo-vallee-chimie", "Sites industriels de la Vallée de la chimie", "metropole-de-lyon",
     ["Saint-Fons", "Feyzin", "Pierre-Bénite", "Solaize"], ["ENVI", "ECON"], ["CSV"]),
    ("demo-rhone-crues", "Zones inondables du Rhône", "metropole-de-lyon",
     ["Lyon", "Villeurbanne", "Vaulx-en-Velin", "Décines-Charpieu", "Oullins-Pierre-Bénite", "Irigny"], ["ENVI", "JUST"], ["SHP"]),
    ("demo-bron-aeroport", "Trafic de l'aéroport de Bron", "metropole-de-lyon", ["Bron"], ["TRAN"], ["CSV"]),
    ("demo-caluire-ecoles", "Restauration scolaire de Caluire-et-Cuire", "metropole-de-lyon", ["Caluire-et-Cuire"], ["EDUC", "AGRI"], ["CSV"]),
]

DESCRIPTION = (
    "Jeu de données de démonstration installé par `make run` (exemple inventé, "
    "pas une donnée réelle) : {title}."
)


def main(ini: str) -> int:
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    app = make_app(load_config(ini))
    flask_app = getattr(app, "_wsgi_app", app)
    logging.getLogger("ckan").setLevel(logging.WARNING)
    # package_create names default views whose plugins are not loaded
    logging.getLogger("ckan.lib.datapreview").setLevel(logging.ERROR)
    with flask_app.test_request_context():
        return load()


def load() -> int:
    import ckan.plugins.toolkit as tk
    from ckan import model

    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    context = lambda: {"user": site_user["name"], "ignore_auth": True}  # noqa: E731
    created = {"organisations": 0, "datasets": 0}
    for name, title, extras in ORGANISATIONS:
        if model.Group.get(name) is None:
            tk.get_action("organization_create")(context(), {
                "name": name, "title": title,
                "extras": [{"key": key, "value": value} for key, value in extras.items()],
            })
            created["organisations"] += 1
    for name, title, organisation, coverage, themes, formats in DATASETS:
        if model.Package.get(name) is not None:
            continue
        tk.get_action("package_create")(context(), {
            "name": name,
            "title": title,
            "notes": DESCRIPTION.format(title=title),
            "owner_org": organisation,
            "territoires_coverage": coverage,
            "theme": [THEME + code for code in themes],
            "license_id": "odc-odbl",
            "resources": [{"url": f"https://example.org/demo/{name}.{fmt.lower()}", "format": fmt,
                           "name": f"{title} ({fmt})"} for fmt in formats],
        })
        created["datasets"] += 1
    print("demo: organisations created: {organisations}, datasets created: {datasets}"
          .format(**created))
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1]))
