"""Pages of metadata quality: the dataset page's block, the data team's
dashboard, a commune's quality page and the commune page's summary."""

from __future__ import annotations

import re

import ckan.tests.factories as factories
import pytest

from tests.conftest import TERRITORY_PLUGINS
from tests.quality.conftest import team

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", TERRITORY_PLUGINS),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "lyon"),
]


def test_dataset_page_shows_the_score_and_what_to_improve(app):
    dataset = factories.Dataset(notes="Court.", license_id="cc-by", territoires_coverage=["Bron"])
    page = app.get(f"/dataset/{dataset['name']}").body
    assert "Metadata quality" in page
    assert re.search(r"<strong>\s*\d+\s*</strong>/100", page)
    assert "Describe the data in at least 200 characters" in page
    assert "Say how often the data is updated." in page
    assert "Say which communes the data covers." not in page  # met


def test_dataset_page_in_french(app):
    dataset = factories.Dataset(notes="Court.")
    page = app.get(f"/fr/dataset/{dataset['name']}")
    assert page.status_code == 200 and "/100" in page.body


def rows(page: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/quality/([a-z0-9-]+)">', page)


def test_dashboard_is_for_the_data_team(app, team):
    assert app.get("/quality").status_code == 403
    outsider = factories.UserWithToken()
    assert app.get("/quality", headers={"Authorization": outsider["token"]}).status_code == 403
    page = app.get("/quality", headers={"Authorization": team["editor"]["token"]})
    assert page.status_code == 200
    assert "Metadata quality per commune" in page.body
    assert len(rows(page.body)) == 58


def test_dashboard_sorts_and_counts_with_permissions(app, team):
    headers = {"Authorization": team["editor"]["token"]}
    best_first = app.get(
        "/quality", query_string={"sort": "average", "order": "desc"}, headers=headers
    ).body
    assert rows(best_first)[:2] == ["bron-69029", "ecully-69081"]
    assert 'href="/quality?sort=average&amp;order=asc"' in best_first
    worst_first = app.get(
        "/quality", query_string={"sort": "average", "order": "asc"}, headers=headers
    ).body
    assert rows(worst_first)[:2] == ["ecully-69081", "bron-69029"]
    # the editor sees the private dataset: 2 datasets in Bron
    bron = best_first.split('href="/quality/bron-69029"')[1].split("</tr>")[0]
    assert re.search(r"<td>2</td>", bron)
    assert (
        app.get("/quality", query_string={"sort": "population"}, headers=headers).status_code == 400
    )


def test_commune_quality_page_lists_datasets_to_improve_first(app, team):
    page = app.get("/quality/bron-69029").body
    assert "Complet" in page and "Privé maigre" not in page  # anonymous
    page = app.get("/quality/69029", headers={"Authorization": team["editor"]["token"]}).body
    assert page.index("Privé maigre") < page.index("Complet")  # lowest score first
    assert "territoires_quality_missing=licence" in page
    assert app.get("/quality/paris-75056").status_code == 404


def test_commune_page_shows_the_quality_summary_with_permissions(app, team):
    """The commune page's sidebar: the average over the datasets the visitor
    may see, and links to the datasets lacking each criterion."""

    def summary(page: str) -> str:
        start = page.index('id="territoires-quality-commune-heading"')
        return page[start : page.index("</section>", start)]

    anonymous = summary(app.get("/commune/bron-69029").body)
    assert "over 1 datasets" in anonymous
    editor = summary(
        app.get("/commune/bron-69029", headers={"Authorization": team["editor"]["token"]}).body
    )
    assert "over 2 datasets" in editor  # the private one counts for its editor
    assert "territoires_quality_missing=" in editor
