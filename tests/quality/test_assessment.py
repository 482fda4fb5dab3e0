"""territoires_quality_show: the score of a dataset and what to improve."""

from __future__ import annotations

import ckan.tests.factories as factories
import ckan.tests.helpers as helpers
import pytest
from ckan import model

from ckanext.territoires.quality import links
from ckanext.territoires.quality.criteria import LinkCheck
from tests.conftest import TERRITORY_PLUGINS
from tests.quality.conftest import LONG, complete_dataset

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", TERRITORY_PLUGINS),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "lyon"),
]


def quality(dataset, user=None):
    context = {"user": user["name"], "ignore_auth": False} if user else {}
    return helpers.call_action("territoires_quality_show", context=context, id=dataset["id"])


def statuses(result):
    return {c["id"]: c["status"] for c in result["criteria"]}


def test_complete_dataset_whose_links_were_never_checked():
    result = quality(complete_dataset())
    assert statuses(result) == {
        "description": "met",
        "licence": "met",
        "spatial": "met",
        "frequency": "met",
        "temporal": "met",
        "open_formats": "met",
        "working_links": "unknown",
        "contact": "met",
    }
    assert result["score"] == 100 and result["level"] == "high"
    assert result["links_checked_at"] is None


def test_thin_dataset_says_what_to_improve():
    dataset = factories.Dataset(
        notes="Toilettes.",
        license_id="notspecified",
        resources=[{"url": "https://example.org/t.pdf", "format": "PDF"}],
    )
    result = quality(dataset)
    assert [c["id"] for c in result["criteria"] if c["status"] == "unmet"] == [
        "description",
        "licence",
        "spatial",
        "frequency",
        "temporal",
        "open_formats",
        "contact",
    ]
    assert result["score"] == 0 and result["level"] == "low"
    advice = {c["id"]: c["advice"] for c in result["criteria"]}
    assert "200 characters" in advice["description"]
    assert {c["id"]: c["details"] for c in result["criteria"]}["open_formats"] == [
        "https://example.org/t.pdf"
    ]


def test_score_weighs_the_criteria():
    # description 15 + licence 15 + spatial 15 + open format 10 met, over 85 applicable
    dataset = factories.Dataset(
        notes=LONG,
        license_id="cc-by",
        territoires_coverage=["Bron"],
        resources=[{"url": "https://example.org/a.csv", "format": "csv"}],
    )
    assert quality(dataset)["score"] == round(100 * 55 / 85)


def test_unknown_frequency_does_not_count_as_set():
    dataset = complete_dataset(frequency="UNKNOWN")
    assert statuses(quality(dataset))["frequency"] == "unmet"


def test_last_link_checks_count():
    dataset = complete_dataset(
        resources=[
            {"url": "https://example.org/a.csv", "format": "CSV", "name": "A"},
            {"url": "https://example.org/b.csv", "format": "CSV", "name": "B"},
        ]
    )
    first, second = dataset["resources"]
    links.record(first["id"], LinkCheck(first["url"], True, "2026-01-01T00:00:00", 200))
    model.Session.commit()
    assert statuses(quality(dataset))["working_links"] == "unknown"
    links.record(
        second["id"], LinkCheck(second["url"], False, "2026-01-02T00:00:00", 404, "HTTP 404")
    )
    model.Session.commit()
    result = quality(dataset)
    assert statuses(result)["working_links"] == "unmet"
    assert {c["id"]: c["details"] for c in result["criteria"]}["working_links"] == ["B"]
    assert result["score"] == 85 and result["links_checked_at"] == "2026-01-02T00:00:00"


def test_private_dataset_quality_follows_its_permissions():
    organisation = factories.Organization()
    member = factories.User()
    helpers.call_action(
        "organization_member_create", id=organisation["id"], username=member["name"], role="member"
    )
    dataset = complete_dataset(owner_org=organisation["id"], private=True)
    assert quality(dataset, member)["score"] == 100
    with pytest.raises(helpers.logic.NotAuthorized):
        quality(dataset, factories.User())
    with pytest.raises(helpers.logic.NotAuthorized):
        helpers.call_action(
            "territoires_quality_show", context={"user": "", "ignore_auth": False}, id=dataset["id"]
        )


def test_bad_input_is_refused():
    with pytest.raises(helpers.logic.ValidationError) as error:
        helpers.call_action("territoires_quality_show", id="")
    assert "id" in error.value.error_dict
    with pytest.raises(helpers.logic.NotFound):
        helpers.call_action("territoires_quality_show", id="no-such-dataset")


def test_public_get_through_the_api(app):
    dataset = complete_dataset()
    response = app.get(
        "/api/3/action/territoires_quality_show", query_string={"id": dataset["name"]}
    )
    assert response.json["result"]["score"] == 100
