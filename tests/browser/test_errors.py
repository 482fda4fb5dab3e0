"""The error pages and the licence of a dataset in headless Chromium: the
portal's own page, in the page's language, with a way on; axe-core finds
no serious or critical violation."""

from __future__ import annotations

import ckan.tests.factories as factories
import pytest

from tests.browser.conftest import run_axe, save_screenshot
from tests.browser.test_pages import BLOCKING, describe
from tests.conftest import TERRITORY_PLUGINS

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", TERRITORY_PLUGINS),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]

ERRORS = {
    "not-found": (
        "/page-qui-n-existe-pas",
        404,
        {"fr": "Page introuvable", "en": "Page not found"},
    ),
    "forbidden": ("/ckan-admin", 403, {"fr": "Accès refusé", "en": "Access denied"}),
}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_error_pages_lead_on_without_accessibility_violation(live_server, page, lang):
    found = {}
    for name, (path, status, titles) in ERRORS.items():
        response = page.goto(f"{live_server}/{lang}{path}")
        assert response.status == status, path
        assert page.locator("h1").inner_text() == titles[lang]
        assert page.locator("html").get_attribute("lang") == lang
        save_screenshot(page, f"error-{name}-{lang}")
        blocking = [v for v in run_axe(page, f"error-{name}-{lang}") if v["impact"] in BLOCKING]
        if blocking:
            found[name] = describe(blocking)
    assert not found, "\n\n".join(f"{name}:\n{text}" for name, text in found.items())
    # the search of the error page finds the datasets
    page.goto(f"{live_server}/{lang}/page-qui-n-existe-pas")
    page.locator("#territoires-error-q").fill("arbres")
    page.locator("form.territoires-error-search button").click()
    page.wait_for_url(f"{live_server}/{lang}/dataset/?q=arbres")


def test_the_dataset_page_shows_the_licence_in_french(live_server, page):
    factories.Dataset(name="arbres", title="Arbres", license_id="lov2")
    page.goto(f"{live_server}/fr/dataset/arbres")
    licence = page.locator("section.license a[rel='dc:rights']")
    assert licence.inner_text() == "Licence Ouverte 2.0"
    assert licence.get_attribute("href") == (
        "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
    )
    save_screenshot(page, "dataset-licence-fr")
