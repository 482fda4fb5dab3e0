"""The data team's harvest journey in Chromium, in French, through the real
pages: create a source from the web (a refused URL first), preview it, run
it ("Moissonner à nouveau"), read the job report. axe-core on every page,
forms included; screenshots in test-artifacts/screenshots/harvest-*.png.

The demo DCAT catalogue is served by a local HTTP server on 127.0.0.1
(allowed by ckanext.territoires.harvest.allowed_hosts, as in every harvest
test). The job the button queues is run here by ckanext-harvest's gather and
fetch stages, message by message (what the consumers of ``make run`` do),
then closed by a round of the scheduler.
"""

from __future__ import annotations

import os
import re

import ckan.tests.factories as factories
import pytest
from ckanext.harvest import queue

from ckanext.territoires.harvesters import demo
from ckanext.territoires.harvesters.config import DEMO_DIR
from ckanext.territoires.harvesters.scheduler import run_round
from tests.browser.conftest import run_axe, save_screenshot
from tests.browser.test_pages import BLOCKING, describe
from tests.harvesters.conftest import harvest_marks, server  # server: a fixture
from tests.harvesters.helpers import no_english, run_queued_jobs
from tests.harvesters.server import Answer

pytestmark = harvest_marks(**{"ckan.locale_default": "fr"})

PASSWORD = "Moissonneuse-2026"


@pytest.fixture
def catalogue(server):
    """The demo catalogue on a local web server: its URL."""
    with open(os.path.join(DEMO_DIR, "catalogue.ttl"), "rb") as stream:
        body = stream.read()
    return server.add("/donnees/catalogue.ttl", Answer(200, body, {"Content-Type": "text/turtle"}))


@pytest.fixture
def queues():
    queue.purge_queues()
    yield
    queue.purge_queues()


class Journey:
    """Each step: a screenshot, axe-core, no English of the harvest screens."""

    def __init__(self, page):
        self.page = page
        self.violations: dict[str, str] = {}

    def check(self, name: str) -> None:
        save_screenshot(self.page, f"harvest-{name}")
        blocking = [v for v in run_axe(self.page, f"harvest-{name}") if v["impact"] in BLOCKING]
        if blocking:
            self.violations[name] = describe(blocking)
        assert self.page.locator("html").get_attribute("lang") == "fr"
        no_english(self.page.content())


def test_the_data_team_harvests_a_catalogue_from_the_web(
    live_server, page, lyon, catalogue, queues
):
    demo.ensure_organizations()
    team = factories.Sysadmin(name="equipe-donnees", password=PASSWORD)
    journey = Journey(page)

    page.goto(f"{live_server}/user/login")
    page.fill("#field-login", team["name"])
    page.fill("#field-password", PASSWORD)
    page.locator("button[type=submit].btn-primary").click()
    page.wait_for_load_state()

    # the sources, then the form
    page.goto(f"{live_server}/harvest")
    assert "Aucune source de moissonnage trouvée" in page.inner_text("#content")
    journey.check("1-sources")
    page.get_by_role("link", name="Ajouter une source de moissonnage").click()
    page.wait_for_url(re.compile(r"/harvest/new$"))
    journey.check("2-form")

    # a URL the harvester would refuse: refused at once, the reason on the field
    page.fill("#field-url", "http://169.254.169.254/latest/meta-data/")
    page.fill("#field-title", "Catalogue des communes")
    page.get_by_label("Catalogue DCAT").check()
    page.select_option("#field-owner_org", label="Métropole de Lyon")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state()
    url_field = page.locator(".form-group", has=page.locator("#field-url"))
    assert "adresse non publique" in url_field.inner_text()
    assert "Le formulaire contient des entrées invalides" in page.inner_text("#content")
    journey.check("3-form-refused")

    # the catalogue's URL: saved
    page.fill("#field-url", catalogue)
    if page.locator("#field-name").is_visible() and not page.input_value("#field-name"):
        page.fill("#field-name", "catalogue-des-communes")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url(re.compile(r"/harvest/[a-z0-9-]+$"))
    source_url = page.url
    journey.check("4-source")

    # the dry run, in the page
    page.get_by_role("link", name="Prévisualiser").click()
    page.wait_for_url(re.compile(r"/harvest/preview/"))
    preview = page.inner_text("#content")
    assert "Prévisualisation du moissonnage" in preview
    assert re.search(r"Jeux de données listés par la source\s+21", preview)
    assert re.search(r"À créer\s+21", preview)
    assert "Villeurbanne" in preview and "Ville de Bron" in preview
    assert "Aucune commune trouvée" in preview  # "Sainte-Foy": ambiguous, said
    journey.check("5-preview")

    # "Moissonner à nouveau", confirmed
    page.get_by_role("link", name="Moissonner à nouveau").click()
    page.locator(".modal.show .btn-primary").click()
    page.wait_for_load_state()
    assert "Le moissonnage va commencer" in page.inner_text("body")
    assert "Moissonnage en cours" in page.inner_text("#content")
    journey.check("6-queued")

    # what the consumers and the scheduler of `make run` do
    assert run_queued_jobs() == 21
    [finished] = run_round().finished
    assert finished["stats"]["added"] == 21

    page.goto(source_url.replace("/harvest/", "/harvest/admin/"))
    dashboard = page.inner_text("#content")
    assert "Terminé" in dashboard and "21 ajoutés" in dashboard and "0 erreur" in dashboard
    # coverage problems are warnings: Sainte-Foy outside, Tassin from its title
    assert "2 avec avertissements" in dashboard
    journey.check("7-finished")

    # the job report
    page.get_by_role("link", name="Voir le rapport complet").click()
    page.wait_for_load_state()
    report = page.inner_text("#content")
    assert "Rapport de moissonnage" in report
    assert "La couverture « Sainte-Foy » est hors du territoire" in report
    journey.check("8-report")

    page.goto(source_url)
    assert "Jeux de données\n21" in page.inner_text("aside") or "21" in page.inner_text("aside")
    journey.check("9-source-harvested")

    assert not journey.violations, "\n\n".join(
        f"{name}:\n{text}" for name, text in journey.violations.items()
    )
