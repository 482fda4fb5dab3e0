"""What people see: provenance on the dataset page and in the DCAT export,
the harvest screens and job reports in French, provenance kept on edits."""

from __future__ import annotations

import glob
import os
from pathlib import Path

import ckan.plugins as p
import ckan.tests.factories as factories
import ckan.tests.helpers as helpers
import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

from ckanext.territoires import translations
from ckanext.territoires.harvesters import messages
from ckanext.territoires.harvesters.plugin import TerritoiresHarvestPlugin
from tests.harvesters.conftest import harvest_marks
from tests.harvesters.helpers import create_source, harvested, run, show
from tests.harvesters.server import Answer, fixture_bytes

pytestmark = harvest_marks()
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def harvested_dataset(server):
    url = server.add(
        "/catalog",
        Answer(200, fixture_bytes("dcat", "catalog.xml"), {"Content-Type": "application/rdf+xml"}),
    )
    source = create_source(url, "territoires_dcat", {"pin": "Bron"}, name="catalogue-de-test")
    job = run(source)
    package = next(iter(harvested(source["id"]).values()))
    return source, job, show(package.id)


def test_dataset_page_shows_provenance_in_both_languages(app, harvested_dataset):
    source, _job, dataset = harvested_dataset
    english = app.get(f"/dataset/{dataset['name']}").body
    assert "Harvested from" in english and f"/harvest/{source['id']}" in english
    assert dataset["territoires_source_url"] in english
    french = app.get(f"/fr/dataset/{dataset['name']}").body
    assert "Moissonné depuis" in french and "Page à la source" in french


def test_local_dataset_has_no_harvest_provenance(app):
    dataset = factories.Dataset()
    assert "Harvested from" not in app.get(f"/dataset/{dataset['name']}").body


def test_dcat_export_keeps_provenance(app, harvested_dataset):
    _source, _job, dataset = harvested_dataset
    turtle = app.get(f"/dataset/{dataset['name']}.ttl").body
    assert "dct:provenance" in turtle and "Harvested from" in turtle
    assert dataset["territoires_source_identifier"] in turtle
    assert "dct:source" in turtle


def test_editing_a_harvested_dataset_keeps_its_provenance(harvested_dataset):
    source, _job, dataset = harvested_dataset
    user = factories.Sysadmin()
    form_like = {
        key: value
        for key, value in dataset.items()
        if not key.startswith("territoires_harvest")
        and not key.startswith("territoires_source")
        and key != "territoires_harvested"
    }
    form_like["notes"] = "Edited by an officer"
    helpers.call_action("package_update", context={"user": user["name"]}, **form_like)
    edited = show(dataset["id"])
    assert edited["notes"] == "Edited by an officer"
    assert edited["territoires_harvest_source_id"] == source["id"]
    assert edited["territoires_source_identifier"] == dataset["territoires_source_identifier"]


def test_harvest_screens_in_french(app, harvested_dataset):
    source, job, _dataset = harvested_dataset
    sysadmin = factories.Sysadmin()
    headers = {
        "Authorization": helpers.call_action(
            "api_token_create", context={"user": sysadmin["name"]}, user=sysadmin["name"], name="t"
        )["token"]
    }
    sources = app.get("/fr/harvest/", headers=headers).body
    assert "Sources de moissonnage" in sources
    report = app.get(f"/fr/harvest/{source['name']}/job/{job['id']}", headers=headers).body
    assert "Rapport de moissonnage" in report and "Résumé des erreurs" in report
    new = app.get("/fr/harvest/new", headers=headers).body
    assert "Catalogue DCAT" in new and "Portail OpenDataSoft" in new
    assert "Fréquence de mise à jour" in new


@pytest.mark.ckan_config("ckan.locale_default", "fr")
def test_job_reports_are_written_in_the_portal_language(server):
    url = server.add(
        "/catalog",
        Answer(200, fixture_bytes("dcat", "catalog.xml"), {"Content-Type": "application/rdf+xml"}),
    )
    source = create_source(url, "territoires_dcat")
    job = run(source)
    report = helpers.call_action("harvest_job_report", id=job["id"])
    # coverage problems are warnings, not errors: the datasets were harvested
    assert report["object_errors"] == {}
    texts = [text for item in report["warnings"].values() for text in item["warnings"]]
    assert any("n'est pas un lieu français connu" in text for text in texts)
    assert any("Aucune couverture trouvée" in text for text in texts)


def test_the_french_catalogue_translates_every_message():
    """Every msgid of the harvesters' code, ckanext-harvest's screens included
    (``harvest_screens.py``), has a French msgstr in the one catalogue."""
    root = os.path.dirname(messages.__file__)
    with open(ROOT / "i18n" / "fr" / "LC_MESSAGES" / f"{translations.DOMAIN}.po", "rb") as stream:
        catalogue = read_po(stream)
    translated = {
        message.id
        for message in catalogue
        if message.id
        and all(message.string if isinstance(message.string, tuple) else [message.string])
    }
    found = set()
    for path in glob.glob(os.path.join(root, "**", "*.py"), recursive=True):
        for _line, message, _comments, _context in extract_from_file(
            "python", path, keywords={"_": None, "N_": None, "ungettext": (1, 2)}
        ):
            found.add(message)
    assert found and found - translated == set()
    for msgid in ("Harvest Sources", "Job Report", "added", "not modified", "Daily"):
        assert msgid in translated  # ckanext-harvest screens
    assert ("{number} harvest source found", "{number} harvest sources found") in translated


def test_harvest_messages_render_in_french_from_the_one_catalogue():
    """Job reports are rendered from the compiled catalogue CKAN serves to the
    pages (no catalogue of the harvesters' own, no ITranslation of theirs)."""
    french = messages.translations("fr")
    assert french.files == [
        os.path.join(translations.directory(), "fr", "LC_MESSAGES", f"{translations.DOMAIN}.mo")
    ]
    problem = messages.HarvestProblem(
        messages.N_("%(url)s did not answer in time."), url="http://example.org"
    )
    assert problem.render("fr") == "http://example.org n'a pas répondu à temps."
    assert str(problem) == "http://example.org did not answer in time."
    assert messages.translate("not modified", "fr") == "inchangés"  # ckanext-harvest's
    assert not p.ITranslation.implemented_by(TerritoiresHarvestPlugin)


def test_the_source_dashboard_counts_the_warnings_of_its_last_job(app, server):
    """The dashboard shows the last job from harvest_source_show (not
    harvest_job_show): its warnings are counted there too."""
    url = server.add(
        "/catalog",
        Answer(200, fixture_bytes("dcat", "catalog.xml"), {"Content-Type": "application/rdf+xml"}),
    )
    source = create_source(url, "territoires_dcat", name="catalogue-avec-avertissements")
    job = run(source)
    warned = helpers.call_action("harvest_job_show", id=job["id"])["stats"]["warnings"]
    assert warned > 0
    sysadmin = factories.Sysadmin()
    token = helpers.call_action(
        "api_token_create", context={"user": sysadmin["name"]}, user=sysadmin["name"], name="t"
    )["token"]
    dashboard = app.get(f"/harvest/admin/{source['name']}", headers={"Authorization": token}).body
    assert f"{warned} with warnings" in dashboard
