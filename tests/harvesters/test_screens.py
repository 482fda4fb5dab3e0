"""ckanext-harvest's screens in French, with labels in place of codes: the
source list and its facets, the admin page while a harvest waits, runs and
once finished, the job list and report, the form, the About page."""

from __future__ import annotations

import os

import ckan.tests.factories as factories
import ckan.tests.helpers as helpers
import pytest

from ckanext.territoires.harvesters import screens
from tests.harvesters.conftest import harvest_marks
from tests.harvesters.helpers import create_source, no_english, run
from tests.harvesters.server import Answer, fixture_bytes

pytestmark = harvest_marks()


def catalogue(server) -> str:
    return server.add(
        "/catalog",
        Answer(200, fixture_bytes("dcat", "catalog.xml"), {"Content-Type": "application/rdf+xml"}),
    )


@pytest.fixture
def sysadmin():
    user = factories.SysadminWithToken()
    return {"Authorization": user["token"]}


def test_the_source_list_and_its_facets(app, server, sysadmin):
    create_source(catalogue(server), "territoires_dcat", name="cat", frequency="DAILY")
    page = app.get("/fr/harvest/", headers=sysadmin).body
    assert "1 source de moissonnage trouvée" in page
    assert "Fréquence de mise à jour" in page and "Quotidienne" in page
    assert "Type de source" in page and "Catalogue DCAT" in page
    no_english(page)
    # the codes stay in the links of the facets
    assert "frequency=DAILY" in page and "source_type=territoires_dcat" in page
    english = app.get("/harvest/", headers=sysadmin).body
    assert "1 harvest found" in english and "Update frequency" in english and "Daily" in english


def test_the_admin_page_while_a_harvest_waits_then_once_finished(app, server, sysadmin):
    source = create_source(catalogue(server), "territoires_dcat", {"pin": "Bron"}, name="cat")
    helpers.call_action("harvest_job_create", source_id=source["id"], run=False)
    waiting = app.get("/fr/harvest/admin/cat", headers=sysadmin).body
    assert "Moissonnage en cours" in waiting and "En attente" in waiting
    assert "Pas encore" in waiting  # started, finished
    assert "Prévisualiser" in waiting
    no_english(waiting)
    helpers.call_action("harvest_job_abort", source_id=source["id"])
    run(source)
    done = app.get("/fr/harvest/admin/cat", headers=sysadmin).body
    assert "Moissonner à nouveau" in done and "Terminé" in done
    assert "ajoutés" in done or "ajouté" in done
    no_english(done)


def test_the_job_list_and_report(app, server, sysadmin):
    source = create_source(catalogue(server), "territoires_dcat", {"pin": "Bron"}, name="cat")
    job = run(source)
    jobs = app.get("/fr/harvest/cat/job", headers=sysadmin).body
    assert "Moissonnage du " in jobs and job["id"] not in jobs.split("Moissonnage du ")[1][:80]
    no_english(jobs)
    report = app.get(f"/fr/harvest/cat/job/{job['id']}", headers=sysadmin).body
    assert "Rapport de moissonnage" in report and "Statut" in report and "Terminé" in report
    no_english(report)


def test_the_form_in_french(app, sysadmin):
    page = app.get("/fr/harvest/new", headers=sysadmin).body
    assert "<legend" in page and "Type de source" in page
    assert ">Enregistrer</button>" in page
    assert "Catalogue DCAT" in page and "Moissonne d'autres portails CKAN" not in page
    assert 'value="territoires_dcat" checked' in page  # the most common kind preselected
    assert '<option value="MANUAL" selected' in page and ">Manuelle<" in page
    no_english(page)


def test_the_about_page_says_what_the_source_is(app, server, sysadmin):
    create_source(
        catalogue(server), "territoires_dcat", {"pin": "Bron"}, name="cat", frequency="WEEKLY"
    )
    page = app.get("/fr/harvest/about/cat").body
    assert "Catalogue DCAT" in page and "Hebdomadaire" in page and "Active" in page
    assert "territoires_dcat" not in page and "WEEKLY" not in page


def test_the_templates_come_before_ckanext_harvest_ones():
    harvest = "/site-packages/ckanext/harvest/templates"
    config = {
        "computed_template_paths": ["/a", "/x" + harvest, screens.TEMPLATES, "/ckan/templates"]
    }
    screens.templates_first(config)
    assert config["computed_template_paths"] == [
        "/a",
        screens.TEMPLATES,
        "/x" + harvest,
        "/ckan/templates",
    ]
    assert os.path.isdir(screens.TEMPLATES)
