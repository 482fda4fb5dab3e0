"""The publishing forms in Chromium, in French, as an agent and as the data
team: no English from CKAN's JavaScript (its strings come from
/api/i18n/fr) nor from the browser's file control (the portal draws its
own). Screenshots in test-artifacts/screenshots/french-forms-*.png."""

from __future__ import annotations

import re

import ckan.tests.factories as factories
import ckan.tests.helpers as helpers
import pytest

from tests.browser.conftest import save_screenshot
from tests.conftest import TERRITORY_PLUGINS
from tests.views.conftest import places

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", TERRITORY_PLUGINS),
    pytest.mark.ckan_config("ckan.locale_default", "fr"),
    pytest.mark.usefixtures("french_content", "with_plugins", "clean_db", "clean_index"),
]

PASSWORD = "Mot-de-passe-2026"
#: Strings of CKAN's JavaScript modules (image-upload, resource-upload-field,
#: slug-preview, confirm-action, autocomplete...) that the forms show: French
#: in the page (those that are the same word in French, as "URL" or "Image",
#: aside).
SCRIPT_STRINGS = (
    "Upload",
    "Link",
    "Edit",
    "Close",
    "Remove",
    "Cancel",
    "Please select the file to upload again",
    "Please Confirm Action",
    "Are you sure you want to perform this action?",
    "Input is too short, must be at least one character",
    "Start typing…",
    "No matches found",
)
#: Words that would give an English page away: those strings, and the
#: browser's file control.
ENGLISH = (*SCRIPT_STRINGS, "Choose File", "No file chosen")


def login(browser, base_url: str, name: str):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    page = context.new_page()
    page.goto(base_url + "/user/login")
    page.fill("#field-login", name)
    page.fill("#field-password", PASSWORD)
    page.press("#field-password", "Enter")
    page.wait_for_load_state()
    return context, page


def english_seen(page) -> list[str]:
    text = page.locator("body").inner_text()
    return [word for word in ENGLISH if re.search(rf"\b{re.escape(word)}\b", text)]


def untranslated_script_strings(page) -> list[str]:
    # CKAN fetches the page's translations, then initialises the modules:
    # an initialised module means the translations are in (the first request
    # of /api/i18n/fr builds the file, slow on a busy machine)
    page.wait_for_function(
        "window.ckan && ckan.i18n && ckan.module.instances"
        " && Object.keys(ckan.module.instances).length > 0"
    )
    return page.evaluate(
        "strings => strings.filter(s => ckan.i18n._(s) === s)", list(SCRIPT_STRINGS)
    )


def assert_french_file_control(page, selector: str) -> None:
    box = page.locator(f".territoires-file:has({selector})")
    assert box.locator(".territoires-file-button").inner_text().strip() == "Choisir un fichier"
    assert box.locator(".territoires-file-chosen").inner_text().strip() == "Aucun fichier choisi"
    # the browser's control is out of sight, not out of reach
    size = page.locator(selector).bounding_box()
    assert size is not None and size["width"] <= 1 and size["height"] <= 1
    page.focus(selector)
    assert page.evaluate("document.activeElement.id") == selector.lstrip("#")


def test_the_publishing_forms_show_no_english(live_server, places, browser, tmp_path):
    factories.User(name="agent-ecully", password=PASSWORD)
    factories.Sysadmin(name="equipe-donnees", password=PASSWORD)
    helpers.call_action(
        "organization_member_create",
        id=places.ecully_org["id"],
        username="agent-ecully",
        role="editor",
    )
    data_file = tmp_path / "bancs.csv"
    data_file.write_text("id\n1\n", encoding="utf-8")

    context, page = login(browser, live_server, "agent-ecully")
    try:
        page.goto(live_server + "/dataset/new")
        assert untranslated_script_strings(page) == []
        assert english_seen(page) == []
        assert_french_file_control(page, "#field-resource-upload")
        page.set_input_files("#field-resource-upload", str(data_file))
        assert page.locator(".territoires-file-chosen").inner_text().strip() == "bancs.csv"
        page.locator("details.territoires-more-details > summary").click()
        assert english_seen(page) == []
        save_screenshot(page, "french-forms-dataset-new")

        # a resource of an existing dataset: CKAN's upload/link field
        page.goto(live_server + "/dataset/ecully-bancs/resource/new")
        assert english_seen(page) == []
        page.locator("#resource-upload-button").click(no_wait_after=True)
        page.keyboard.press("Escape")
        assert english_seen(page) == []
        assert_french_file_control(page, "#field-resource-upload")
        save_screenshot(page, "french-forms-resource-new")
    finally:
        context.close()

    context, page = login(browser, live_server, "equipe-donnees")
    try:
        # the organisation form: CKAN's image-upload module
        page.goto(live_server + "/organization/new")
        assert untranslated_script_strings(page) == []
        assert english_seen(page) == []
        save_screenshot(page, "french-forms-organization-new")
    finally:
        context.close()
