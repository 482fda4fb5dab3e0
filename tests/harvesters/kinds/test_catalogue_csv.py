"""Simplified catalogue (one CSV) source kind, served by a local server."""

from __future__ import annotations

from tests.harvesters.conftest import HARVEST_PLUGINS, harvest_marks
from tests.harvesters.helpers import create_source, gather_errors, harvested, run, show
from tests.harvesters.server import Answer

pytestmark = harvest_marks(
    **{"ckan.plugins": HARVEST_PLUGINS + " territoires_catalogue_csv_harvester"}
)

KIND = "territoires_catalogue_csv"

SCDL = (
    "COLL_NOM;COLL_SIRET;ID;TITRE;DESCRIPTION;THEME;PRODUCTEUR_NOM;PRODUCTEUR_SIRET;"
    "COUV_SPAT_MAILLE;COUV_SPAT_NOM;COUV_TEMP_DEBUT;COUV_TEMP_FIN;DATE_PUBL;FREQ_MAJ;DATE_MAJ;"
    "MOTS_CLES;LICENCE;NOMBRE_RESSOURCES;FORMAT_RESSOURCES;URL\n"
    "Ville de Bron;21690029300010;stationnement-bron;Parkings de Bron;Les parkings publics.;"
    "Transports;Ville de Bron;21690029300010;Communale;Bron;2026-01-01;2026-12-31;2026-02-01;"
    'Annuelle;2026-03-01;"stationnement;voirie";Licence Ouverte;1;csv;'
    "https://www.example.org/bron/parkings.csv\n"
    "Ville de Bron;21690029300010;deliberations-bron;Délibérations de Bron;Le conseil municipal.;"
    "Administration;Ville de Bron;21690029300010;Communale;Bron;;;2026-02-01;Mensuelle;;"
    '"scdl;deliberations";Licence Ouverte;1;csv;https://www.example.org/bron/deliberations.csv\n'
    "Ville de Bron;21690029300010;sans-titre;;Pas de titre;;;;;;;;;;;;;;;\n"
)

ETALAB = (
    "titre,description,mots_cles,nom_orga,siret_orga,id_alt_orga,service,si,contact_service,"
    "contact_personne,date_pub,date_maj,freq_maj,couv_geo,url,format,licence\n"
    "Arbres d'Écully,Les arbres de la commune.,\"arbres,nature\",Ville d'Écully,,,Espaces verts,,"
    ",agent@example.org,2025-01-14,2026-05-28,Annuelle,Écully,"
    "https://www.example.org/ecully/arbres,CSV,Licence ouverte\n"
)


def test_a_scdl_catalogue_is_harvested(server, lyon):
    url = server.add("/catalogue.csv", Answer(200, SCDL.encode(), {"Content-Type": "text/csv"}))
    source = create_source(url, KIND)
    job = run(source)
    assert gather_errors(job) == []
    datasets = harvested(source["id"])
    assert set(datasets) == {"stationnement-bron", "deliberations-bron"}
    parks = show(datasets["stationnement-bron"].id)
    assert parks["title"] == "Parkings de Bron"
    assert parks["territoires_coverage"] == ["69029"]
    assert sorted(tag["name"] for tag in parks["tags"]) == ["stationnement", "voirie"]
    assert parks["resources"][0]["url"] == "https://www.example.org/bron/parkings.csv"
    assert parks["resources"][0]["format"] == "CSV"
    assert run(source)["stats"]["not modified"] == 2


def test_an_etalab_catalogue_is_harvested(server, lyon):
    url = server.add("/catalogue.csv", Answer(200, ETALAB.encode(), {"Content-Type": "text/csv"}))
    source = create_source(url, KIND)
    run(source)
    (package,) = harvested(source["id"]).values()
    dataset = show(package.id)
    assert dataset["title"] == "Arbres d'Écully"
    assert dataset["territoires_coverage"] == ["69081"]


def test_a_file_that_is_no_catalogue_is_a_gather_error(server, lyon):
    url = server.add("/catalogue.csv", Answer(200, b"a,b\n1,2\n", {"Content-Type": "text/csv"}))
    job = run(create_source(url, KIND))
    assert any("catalogue" in error for error in gather_errors(job))
