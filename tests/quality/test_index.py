"""Scores in the search index (kept up to date on every change, a facet)
and their aggregation per commune with the caller's permissions."""

from __future__ import annotations

import ckan.tests.factories as factories
import ckan.tests.helpers as helpers
import pytest

from tests.conftest import TERRITORY_PLUGINS
from tests.quality.conftest import LONG, complete_dataset

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", TERRITORY_PLUGINS),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "lyon", "app"),
]


def search(user=None, **params):
    context = {"user": user["name"] if user else "", "ignore_auth": False}
    return helpers.call_action("package_search", context=context, include_private=True, **params)


def commune(result, insee):
    return next(row for row in result["communes"] if row["insee"] == insee)


def test_score_follows_every_change_of_the_dataset():
    dataset = factories.Dataset(notes="Court.", territoires_coverage=["Bron"])
    assert search(fq="territoires_quality_level:low")["count"] == 1
    helpers.call_action(
        "package_patch",
        id=dataset["id"],
        notes=LONG,
        license_id="cc-by",
        frequency="daily",
        temporal_coverage=[{"start": "2020-01-01"}],
        contact=[{"email": "a@example.org"}],
        resources=[{"url": "https://example.org/a.csv", "format": "CSV"}],
    )
    assert search(fq="territoires_quality_level:high")["count"] == 1
    assert search(fq="territoires_quality:100")["count"] == 1
    helpers.call_action("package_patch", id=dataset["id"], license_id="notspecified")
    found = search(fq="territoires_quality_missing:licence")
    assert [d["name"] for d in found["results"]] == [dataset["name"]]


def test_quality_level_is_a_facet_with_names(app):
    complete_dataset(title="Complet")
    factories.Dataset(title="Maigre", notes="Court.")
    result = search(**{"facet.field": '["territoires_quality_level"]'})
    items = {
        item["name"]: item for item in result["search_facets"]["territoires_quality_level"]["items"]
    }
    assert items["high"]["count"] == 1 and items["low"]["count"] == 1
    assert "80" in items["high"]["display_name"]
    page = app.get("/dataset/")
    assert "Metadata quality" in page.body and "territoires_quality_level=high" in page.body
    filtered = app.get("/dataset/", query_string={"territoires_quality_level": "low"})
    assert "Maigre" in filtered.body and "Complet" not in filtered.body


def test_averages_per_commune_with_the_callers_permissions():
    organisation = factories.Organization()
    member = factories.User()
    helpers.call_action(
        "organization_member_create", id=organisation["id"], username=member["name"], role="member"
    )
    complete_dataset(territoires_coverage=["Bron"])  # 100
    factories.Dataset(notes="Court.", territoires_coverage=["Bron", "Écully"])  # 15
    factories.Dataset(
        notes="Court.", owner_org=organisation["id"], private=True, territoires_coverage=["Bron"]
    )  # 15, private

    anonymous = helpers.call_action(
        "territoires_quality_commune_list", context={"user": "", "ignore_auth": False}
    )
    bron = commune(anonymous, "69029")
    assert bron["datasets"] == 2 and bron["average"] == 57.5
    assert bron["levels"] == {"high": 1, "medium": 0, "low": 1}
    assert bron["missing"]["licence"] == 1 and bron["missing"]["spatial"] == 0
    assert commune(anonymous, "69081")["average"] == 15
    assert commune(anonymous, "69266")["datasets"] == 0
    assert commune(anonymous, "69266")["average"] is None
    assert anonymous["overall"]["datasets"] == 2

    as_member = helpers.call_action(
        "territoires_quality_commune_list", context={"user": member["name"], "ignore_auth": False}
    )
    assert commune(as_member, "69029")["datasets"] == 3
    assert commune(as_member, "69029")["average"] == round((100 + 15 + 15) / 3, 1)
    assert as_member["intercommunalities"][0]["siren"] == "200046977"
    assert as_member["intercommunalities"][0]["datasets"] == 3


def test_communes_sort_by_average_and_bad_sort_is_refused():
    complete_dataset(territoires_coverage=["Bron"])
    factories.Dataset(notes="Court.", territoires_coverage=["Écully"])
    ranked = helpers.call_action("territoires_quality_commune_list", sort="average", order="desc")
    assert [row["insee"] for row in ranked["communes"][:2]] == ["69029", "69081"]
    assert ranked["communes"][-1]["average"] is None
    ascending = helpers.call_action("territoires_quality_commune_list", sort="average")
    assert [row["insee"] for row in ascending["communes"][:2]] == ["69081", "69029"]
    by_name = helpers.call_action("territoires_quality_commune_list")
    names = [row["name"] for row in by_name["communes"]]
    assert names[0] == "Albigny-sur-Saône"
    assert names.index("Écully") < names.index("Feyzin")  # accents do not push to the end
    with pytest.raises(helpers.logic.ValidationError) as error:
        helpers.call_action("territoires_quality_commune_list", sort="population")
    assert "sort" in error.value.error_dict
