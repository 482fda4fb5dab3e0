"""The maps in headless Chromium: visible, a commune reached with the
keyboard leads to its page, no serious axe-core violation on the dataset
page and the search page (the place pages are in test_pages.py)."""

from __future__ import annotations

import ckan.tests.factories as factories
import pytest

from tests.browser.conftest import run_axe, save_screenshot
from tests.browser.test_pages import BLOCKING, describe
from tests.conftest import TERRITORY_PLUGINS
from tests.views.conftest import places

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", TERRITORY_PLUGINS),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]

__all__ = ["places"]

MAP = "svg.territoires-map-svg"


def test_a_commune_of_the_map_is_reached_with_the_keyboard(live_server, places, page):
    page.goto(f"{live_server}/fr/commune/ecully-69081")
    svg = page.locator(MAP)
    assert svg.is_visible()
    box = svg.bounding_box()
    assert box and box["width"] > 200 and box["height"] > 200
    bron = page.locator(f'{MAP} a[aria-label="Bron"]')
    assert bron.count() == 1
    # in the tab order: Tab from the link before it lands on it
    previous = page.locator(f'{MAP} a[aria-label="Bron"]').evaluate(
        """link => {
            const links = [...document.querySelectorAll('a[href], button, input, select')]
                .filter(el => el.tabIndex >= 0);
            const index = links.indexOf(link);
            links[index - 1].focus();
            return links[index - 1].outerHTML;
        }"""
    )
    assert previous
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Bron"
    save_screenshot(page, "map-commune-focus")
    page.keyboard.press("Enter")
    page.wait_for_url("**/commune/bron-69029")
    assert page.locator("h1").inner_text() == "Bron"


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_no_serious_violation_on_the_dataset_and_search_maps(live_server, places, page, lang):
    factories.Dataset(
        name="pistes-est",
        title="Pistes cyclables de l'est",
        territoires_coverage=["Bron", "Vénissieux"],
        spatial_coverage=[{"bbox": "4.85,45.68,4.95,45.75"}],
    )
    found = {}
    for name, path in {"dataset": "/dataset/pistes-est", "search": "/dataset/"}.items():
        response = page.goto(f"{live_server}/{lang}{path}")
        assert response.status == 200
        assert page.locator(MAP).is_visible()
        save_screenshot(page, f"map-{name}-{lang}")
        blocking = [v for v in run_axe(page, f"map-{name}-{lang}") if v["impact"] in BLOCKING]
        if blocking:
            found[name] = describe(blocking)
    assert not found, "\n\n".join(f"{name}:\n{text}" for name, text in found.items())


def test_the_search_map_sets_the_area(live_server, places, page):
    page.goto(f"{live_server}/fr/dataset/?q=eau")
    page.locator(f'{MAP} a[aria-label^="Bron"]').click()
    page.wait_for_url("**ext_bbox=**")
    assert "q=eau" in page.url
    assert "Jeux de données de la zone de Bron." in page.content()
    assert page.locator("a", has_text="Chercher partout").count() == 1
