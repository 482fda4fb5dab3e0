"""The territory pages in headless Chromium: axe-core, filter-as-you-type
(with and without JavaScript), facets, relations, keyboard; screenshots in
test-artifacts/screenshots."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import run_axe, save_screenshot
from tests.conftest import TERRITORY_PLUGINS
from tests.views.conftest import places

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", TERRITORY_PLUGINS),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]

PAGES = {
    "home": "/",
    "commune": "/commune/ecully-69081",
    "communes": "/communes",
    "intercommunality": "/intercommunalite/metropole-de-lyon-200046977",
}
BLOCKING = ("serious", "critical")


def describe(violations: list[dict]) -> str:
    return "\n".join(
        f"{v['impact']}: {v['id']} ({v['help']}) at "
        + ", ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        for v in violations
    )


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_no_serious_accessibility_violation(live_server, places, page, lang):
    found = {}
    for name, path in PAGES.items():
        response = page.goto(f"{live_server}/{lang}{path}")
        assert response.status == 200, path
        assert page.locator("html").get_attribute("lang") == lang
        save_screenshot(page, f"{name}-{lang}")
        blocking = [v for v in run_axe(page, f"{name}-{lang}") if v["impact"] in BLOCKING]
        if blocking:
            found[name] = describe(blocking)
    assert not found, "\n\n".join(f"{name}:\n{text}" for name, text in found.items())


def test_filter_as_you_type(live_server, places, page):
    page.goto(f"{live_server}/communes")
    rows = page.locator("table.territoires-communes-table tbody tr")
    assert rows.count() == 58
    page.locator("#territoires-communes-q").press_sequentially("ecu", delay=80)
    page.wait_for_function(
        "document.querySelectorAll('table.territoires-communes-table tbody tr').length === 1"
    )
    assert rows.first.locator("th a").inner_text() == "Écully"
    page.wait_for_url(re.compile(r"/communes\?q=ecu&sort=name$"))
    assert "1 commune" in page.locator("#territoires-communes-status").inner_text()
    save_screenshot(page, "communes-filtered")
    # a postal code, then another sort
    page.locator("#territoires-communes-q").fill("69250")
    page.wait_for_function(
        "document.querySelectorAll('table.territoires-communes-table tbody tr').length === 7"
    )
    page.select_option("#territoires-communes-sort", "population")
    page.wait_for_function(
        "document.querySelector('table.territoires-communes-table tbody tr th a').textContent === 'Neuville-sur-Saône'"
    )
    assert page.url.endswith("/communes?q=69250&sort=population")


def test_filter_works_without_javascript(live_server, places, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{live_server}/communes")
        page.locator("#territoires-communes-q").fill("bron")
        page.locator("#territoires-communes-q").press("Enter")
        page.wait_for_url(re.compile(r"/communes\?q=bron"))
        rows = page.locator("table.territoires-communes-table tbody tr")
        assert rows.count() == 1 and rows.first.locator("th a").inner_text() == "Bron"
        page.select_option("#territoires-communes-sort", "datasets")
        page.get_by_role("button", name="Show").click()
        page.wait_for_url(re.compile(r"sort=datasets"))
        save_screenshot(page, "communes-no-javascript")
    finally:
        context.close()


def test_facet_and_relation_on_the_commune_page(live_server, places, page):
    page.goto(f"{live_server}/commune/ecully-69081")
    datasets = page.locator("#territoires-datasets-heading ~ ul.dataset-list > li")
    assert datasets.count() == 3
    page.locator("nav[aria-label='Formats'] a", has_text="JSON").click()
    page.wait_for_url(re.compile(r"res_format=JSON"))
    assert datasets.count() == 1
    assert "Bancs publics" in datasets.first.inner_text()
    page.goto(f"{live_server}/commune/ecully-69081")
    page.locator(".territoires-relations a", has_text="Covering the whole territory").click()
    page.wait_for_url(re.compile(r"relation=territory"))
    assert datasets.count() == 1 and "Arbres de la Métropole" in datasets.first.inner_text()
    # the search box keeps the relation
    page.locator("#territoires-datasets-q").fill("arbres")
    page.locator("#territoires-datasets-q").press("Enter")
    page.wait_for_url(re.compile(r"q=arbres"))
    assert "relation=territory" in page.url and datasets.count() == 1
    save_screenshot(page, "commune-filtered")


def test_keyboard_reaches_the_content_first(live_server, places, page):
    page.goto(f"{live_server}/commune/ecully-69081")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.url.endswith("#content")
