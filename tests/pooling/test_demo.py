"""The pooled data of the demo: three communes, one file not conforming."""

from __future__ import annotations

import pytest
from ckan.tests import helpers

from ckanext.territoires.harvesters import demo as harvest_demo
from ckanext.territoires.pooling import demo
from tests.pooling.conftest import pooling_marks

pytestmark = [*pooling_marks(), pytest.mark.usefixtures("lyon", "storage")]


def test_the_demo_pools_the_valid_communes_car_parks():
    harvest_demo.ensure_organizations()
    report = demo.load_pooling_demo()
    assert report.problem is None
    assert report.pooled == {"stationnement": 10, "scdl-deliberations": 9}
    pooled = {
        item["schema"]["id"]: item
        for item in helpers.call_action("territoires_pooled_dataset_list")
    }
    parks = pooled["stationnement"]
    assert parks["dataset"]["title"] == "Lieux de stationnement"
    assert sorted(c["status"] for c in parks["contributions"]) == ["invalid", "valid", "valid"]
    (invalid,) = [c for c in parks["contributions"] if c["status"] == "invalid"]
    report_ = helpers.call_action("territoires_resource_validation_show", id=invalid["resource_id"])
    assert {item["column"] for item in report_["report"]} >= {"id", "tarif_pmr", "nb_places"}
    # the valid communes' car parks are on the maps, inside each commune
    for insee in parks["communes_published"]:
        drawn = helpers.call_action(
            "territoires_map_show", kind="points", id=parks["dataset"]["name"], commune=insee
        )
        assert (drawn["point_data"]["drawn"], drawn["point_data"]["outside"]) == (5, 0)
    # again: nothing new
    assert demo.load_pooling_demo().pooled == report.pooled


def test_the_demos_own_publications_are_examples_to_follow():
    """What a commune officer copies: the demo's car parks and deliberations
    cover their commune and pass every metadata criterion an officer can
    fill in (links are checked later, by the job)."""
    harvest_demo.ensure_organizations()
    report = demo.load_pooling_demo()
    for name in report.datasets:
        dataset = helpers.call_action("package_show", id=name)
        published_for = dataset["resources"][0]["name"].split("-")[-1].split(".")[0]
        assert dataset["territoires_coverage"] == [published_for], name
        quality = helpers.call_action("territoires_quality_show", id=name)
        missed = [c["id"] for c in quality["criteria"] if c["status"] == "fail"]
        assert missed == [], (name, missed)
        assert quality["level"] == "high", name
