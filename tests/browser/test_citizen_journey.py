"""A citizen's journey in headless Chromium, in French: home page -> a
commune -> one of its datasets -> a resource and its download link. On each
page: no English word (CKAN's untranslated strings and a list of English
giveaways), no serious or critical axe-core violation; screenshots in
test-artifacts/screenshots (French and English)."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import run_axe, save_screenshot
from tests.browser.test_pages import BLOCKING, describe
from tests.conftest import TERRITORY_PLUGINS
from tests.views.conftest import places
from tests.views.test_french import english_on

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", TERRITORY_PLUGINS),
    pytest.mark.usefixtures("french_content", "with_plugins", "clean_db", "clean_index"),
]


def check_page(page, name: str, lang: str) -> list[str]:
    """The page's problems: English on a French page, blocking axe findings."""
    problems = []
    assert page.locator("html").get_attribute("lang") == lang
    save_screenshot(page, f"journey-{name}-{lang}")
    if lang == "fr":
        problems += [f"{name}: English: {text}" for text in english_on(page.content())]
    blocking = [v for v in run_axe(page, f"journey-{name}-{lang}") if v["impact"] in BLOCKING]
    if blocking:
        problems.append(f"{name}: {describe(blocking)}")
    return problems


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_citizen_goes_home_commune_dataset_download(live_server, places, page, lang):
    problems = []
    page.goto(f"{live_server}/{lang}/")
    problems += check_page(page, "home", lang)

    # the communes block of the home page: find a commune by its name
    page.locator("#territoires-home-q").fill("ecully")
    page.locator("#territoires-home-q").press("Enter")
    page.wait_for_url(re.compile(r"/communes\?q=ecully"))
    page.locator("table.territoires-communes-table tbody tr th a", has_text="Écully").click()
    page.wait_for_url(re.compile(r"/commune/ecully-69081$"))
    problems += check_page(page, "commune", lang)

    page.locator(
        "#territoires-datasets-heading ~ ul.dataset-list a", has_text="Bancs publics"
    ).click()
    page.wait_for_url(re.compile(r"/dataset/ecully-bancs$"))
    assert page.locator("h1", has_text="Bancs publics d'Écully").count() >= 1
    problems += check_page(page, "dataset", lang)

    page.locator(".resource-list a.heading").first.click()
    page.wait_for_url(re.compile(r"/dataset/ecully-bancs/resource/"))
    problems += check_page(page, "resource", lang)

    download = page.locator("a.resource-url-analytics")
    assert download.count() >= 1
    assert download.first.get_attribute("href") == "http://example.org/bancs.csv"
    assert not problems, "\n".join(problems)
