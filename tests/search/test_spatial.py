"""``ext_bbox`` (ckanext-spatial's parameter) on the PostgreSQL backend."""

from __future__ import annotations

import ckan.tests.factories as factories
import ckan.tests.helpers as helpers
import pytest
from ckan.lib.search.common import SearchQueryError

from ckanext.territoires.search import documents
from tests.conftest import TERRITORY_PLUGINS

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", TERRITORY_PLUGINS),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]

ECULLY_POINT = '{"type": "Point", "coordinates": [4.777, 45.7745]}'
AROUND_ECULLY = "4.74,45.76,4.80,45.79"
METROPOLE = "4.68,45.55,5.07,45.94"
MARSEILLE = "5.2,43.2,5.6,43.4"


@pytest.fixture
def datasets():
    return {
        "ecully": factories.Dataset(spatial_coverage=[{"geom": ECULLY_POINT}]),
        "bron": factories.Dataset(territoires_coverage=["Bron"]),
        "nowhere": factories.Dataset(),
    }


def names(**params) -> set[str]:
    result = helpers.call_action("package_search", rows=100, **params)
    return {dataset["name"] for dataset in result["results"]}


def test_ext_bbox_keeps_the_datasets_whose_extent_meets_the_box(datasets):
    ecully, bron = datasets["ecully"]["name"], datasets["bron"]["name"]
    assert names(ext_bbox=AROUND_ECULLY) == {ecully}
    assert names(ext_bbox=METROPOLE) == {ecully, bron}  # Bron by its commune's outline
    assert names(ext_bbox=MARSEILLE) == set()
    assert len(names()) == 3  # no ext_bbox: no spatial filter


def test_ext_bbox_combines_with_other_filters(datasets):
    bron = datasets["bron"]["name"]
    assert names(ext_bbox=METROPOLE, fq="territoires_covered:69029") == {bron}
    assert names(ext_bbox=METROPOLE, q=datasets["bron"]["title"]) >= {bron}


@pytest.mark.parametrize("value", ["a,b,c,d", "4,45,5", "5,45,4,46", "4,45,5,95", "4;45;5;46"])
def test_an_invalid_ext_bbox_is_a_bad_request_naming_it(datasets, value):
    with pytest.raises(SearchQueryError) as error:
        helpers.call_action("package_search", ext_bbox=value)
    assert "ext_bbox" in str(error.value)


def test_the_api_and_the_dataset_page(app, datasets):
    ecully = datasets["ecully"]["name"]
    response = app.get("/api/3/action/package_search", query_string={"ext_bbox": AROUND_ECULLY})
    assert [dataset["name"] for dataset in response.json["result"]["results"]] == [ecully]
    bad = app.get("/api/3/action/package_search", query_string={"ext_bbox": "x"}, status=400)
    assert "ext_bbox" in bad.json["error"]["message"]
    page = app.get("/dataset/", query_string={"ext_bbox": AROUND_ECULLY})
    assert ecully in page.body and datasets["bron"]["name"] not in page.body
    assert (
        "ext_bbox" in app.get("/dataset/", query_string={"ext_bbox": "5,45,4,46"}, status=400).body
    )


def test_the_extent_survives_a_rebuild(datasets):
    from ckan.lib.search import rebuild

    rebuild()
    assert names(ext_bbox=AROUND_ECULLY) == {datasets["ecully"]["name"]}


def test_index_row_extent():
    row = documents.index_row({"id": "x", "territoires_extent": "4.7,45.6,5.1,45.9"})
    assert row["extent"] == "(5.1,45.9),(4.7,45.6)"
    assert documents.index_row({"id": "x", "territoires_extent": "5,45,4,46"})["extent"] is None
    assert documents.index_row({"id": "x"})["extent"] is None
