"""The officers' journey in Chromium, in French, through the real pages: the
data team creates the commune's organisation (whose form shows the
commune's code) and adds an agent from the commune page; the agent logs in, lands on the commune, publishes a dataset
with a file through the short form, and finds it on the commune page under
"Publiés par la commune". axe-core on every page of the journey, forms
included (the "Plus de détails" section opened too); screenshots in
test-artifacts/screenshots/officers-*.png."""

from __future__ import annotations

import re

import ckan.tests.factories as factories
import pytest

from tests.browser.conftest import run_axe, save_screenshot
from tests.browser.test_pages import BLOCKING, describe
from tests.conftest import TERRITORY_PLUGINS

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", TERRITORY_PLUGINS),
    pytest.mark.ckan_config("ckan.locale_default", "fr"),
    pytest.mark.ckan_config("ckan.auth.route_after_login", "territoires.after_login"),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]

PASSWORD = "Mot-de-passe-2026"
ECULLY = "/commune/ecully-69081"


class Journey:
    """One person's browser, with the axe findings of every page seen."""

    def __init__(self, browser, base_url: str, who: str):
        self.context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
        self.page = self.context.new_page()
        self.base_url = base_url
        self.who = who
        self.findings: dict[str, str] = {}
        self.step = 0

    def check(self, name: str) -> None:
        """Screenshot and axe-core of the page as it is now."""
        self.step += 1
        label = f"officers-{self.who}-{self.step}-{name}"
        save_screenshot(self.page, label)
        blocking = [v for v in run_axe(self.page, label) if v["impact"] in BLOCKING]
        if blocking:
            self.findings[label] = describe(blocking)

    def login(self, name: str) -> None:
        self.page.goto(self.base_url + "/user/login")
        self.page.fill("#field-login", name)
        self.page.fill("#field-password", PASSWORD)
        self.page.press("#field-password", "Enter")
        self.page.wait_for_load_state()

    def close(self) -> None:
        self.context.close()


def figure(page, label: str) -> str:
    return page.locator(f".territoires-figure:has(dt:text-is('{label}')) dd").inner_text().strip()


def test_the_data_team_links_an_agent_who_publishes_for_the_commune(
    live_server, lyon, browser, tmp_path
):
    factories.Sysadmin(name="equipe-donnees", password=PASSWORD)
    factories.User(name="agent-ecully", fullname="Camille Martin", password=PASSWORD)
    data_file = tmp_path / "bancs-ecully.csv"
    data_file.write_text("id;rue\n1;Grande rue\n2;Place de la mairie\n", encoding="utf-8")
    findings: dict[str, str] = {}

    # the data team, from the commune page
    team = Journey(browser, live_server, "equipe")
    try:
        team.login("equipe-donnees")
        team.page.goto(live_server + ECULLY)
        section = team.page.locator("#territoires-officers")
        assert "pas encore d'organisation" in section.inner_text()
        team.check("commune-sans-organisation")
        section.get_by_role("button", name="Créer l'organisation de la commune").click()
        team.page.wait_for_load_state()
        assert "L'organisation Commune d'Écully publie maintenant pour la commune." in (
            team.page.locator(".flash-messages").inner_text()
        )
        team.check("organisation-creee")
        # its form carries the commune's code (the other way to link one)
        team.page.goto(live_server + "/organization/edit/commune-ecully-69081")
        assert team.page.input_value("#field-insee") == "69081"
        team.check("formulaire-organisation")
        team.page.goto(live_server + ECULLY)
        section = team.page.locator("#territoires-officers")
        team.page.fill("#territoires-agent-username", "agent-ecully")
        section.get_by_role("button", name="Ajouter l'agent").click()
        team.page.wait_for_load_state()
        assert "Écully : Camille Martin est maintenant agent de la commune." in (
            team.page.locator(".flash-messages").inner_text()
        )
        assert "Camille Martin" in team.page.locator(".territoires-agents").inner_text()
        team.check("agent-ajoute")
        findings.update(team.findings)
    finally:
        team.close()

    # the agent: login, their commune, the short form, their dataset
    agent = Journey(browser, live_server, "agent")
    try:
        page = agent.page
        agent.login("agent-ecully")
        assert page.url == live_server + ECULLY
        assert figure(page, "Jeux de données publiés par la commune") == "0"
        agent.check("arrivee-sur-la-commune")

        page.get_by_role("link", name="Publier un jeu de données pour la commune").click()
        page.wait_for_load_state()
        assert re.search(r"/dataset/new\?owner_org=", page.url)
        agent.check("formulaire")
        page.locator("details.territoires-more-details > summary").click()
        agent.check("formulaire-plus-de-details")

        # sent empty: each error names its field, in French
        page.get_by_role("button", name="Publier").click()
        page.wait_for_load_state()
        errors = page.locator(".error-explanation li").all_inner_texts()
        assert "Titre : Valeur manquante" in errors
        assert any(error.startswith("Fichier ou lien : ") for error in errors)
        assert any(error.startswith("Visibilité : ") for error in errors)
        assert not any(error.startswith("URL") for error in errors)
        agent.check("formulaire-erreurs")

        page.fill("#field-title", "Bancs publics d'Écully")
        page.fill("#field-notes", "Emplacement des bancs publics de la commune.")
        page.set_input_files("#field-resource-upload", str(data_file))
        page.select_option("#field-theme", label="Régions et villes", force=True)
        coverage = page.locator("#field-territoires_coverage option:checked").all_inner_texts()
        assert [text.strip() for text in coverage] == ["Écully (69081)"]
        page.check("#field-private-false")
        agent.check("formulaire-rempli")
        page.get_by_role("button", name="Publier").click()
        page.wait_for_load_state()
        assert page.url.endswith("/dataset/bancs-publics-d-ecully")
        assert "bancs-ecully.csv" in page.locator("#dataset-resources").inner_text()
        agent.check("jeu-de-donnees-publie")

        page.goto(live_server + ECULLY)
        assert figure(page, "Jeux de données publiés par la commune") == "1"
        page.locator(".territoires-relations a", has_text="Publiés par la commune").click()
        page.wait_for_url(re.compile(r"relation=published"))
        listed = page.locator("#territoires-datasets-heading ~ ul.dataset-list > li")
        assert listed.count() == 1 and "Bancs publics d'Écully" in listed.first.inner_text()
        agent.check("publie-par-la-commune")
        findings.update(agent.findings)
    finally:
        agent.close()
    assert not findings, "\n\n".join(f"{name}:\n{text}" for name, text in findings.items())
