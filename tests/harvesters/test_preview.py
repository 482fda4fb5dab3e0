"""Dry run of a source (``preview.py``), through the API and the CLI: what a
harvest would do, nothing written."""

from __future__ import annotations

import json

import ckan.plugins.toolkit as tk
import ckan.tests.factories as factories
import ckan.tests.helpers as helpers
import pytest
from ckan import model
from ckan.cli.cli import ckan as ckan_command
from ckanext.harvest.model import HarvestJob, HarvestObject

from tests.harvesters.conftest import harvest_marks
from tests.harvesters.helpers import create_source, harvested, run
from tests.harvesters.server import Answer

pytestmark = harvest_marks()


def counts():
    return (
        model.Session.query(HarvestJob).count(),
        model.Session.query(HarvestObject).count(),
        model.Session.query(model.Package).filter_by(type="dataset").count(),
    )


def test_preview_api_describes_and_writes_nothing(remote):
    fake, url = remote
    source = create_source(url, "territoires_ckan", {"pin": "Bron", "grace_days": 0})
    before = counts()
    preview = helpers.call_action("territoires_harvest_preview", id=source["name"], limit=2)
    assert counts() == before
    assert preview["complete"] and preview["listed"] == 5
    assert preview["counts"]["create"] == 5
    assert len(preview["items"]) == 2
    item = preview["items"][0]
    assert item["action"] == "create" and item["title"]
    assert item["coverage"] == [{"insee": "69029", "name": "Bron"}]
    assert item["coverage_origin"] == "pinned"

    run(source)
    fake.datasets.pop(0)
    fake.datasets[0]["metadata_modified"] = "2035-01-01T00:00:00"
    fake.datasets[0]["title"] = "Changed"
    preview = helpers.call_action("territoires_harvest_preview", id=source["id"], limit=10)
    assert preview["archive"] == 1 and preview["withdraw"] == 0
    actions = {item["identifier"]: item["action"] for item in preview["items"]}
    assert actions[fake.datasets[0]["id"]] == "update"
    assert sorted(actions.values()).count("unchanged") == 3
    assert len(harvested(source["id"], public_only=True)) == 5  # still nothing written


def test_preview_is_for_the_source_editors(remote):
    organization = factories.Organization()
    source = create_source(
        remote[1], "territoires_ckan", {"pin": "*"}, owner_org=organization["id"]
    )
    editor = factories.User()
    helpers.call_action(
        "organization_member_create", id=organization["id"], username=editor["name"], role="editor"
    )
    assert (
        helpers.call_action(
            "territoires_harvest_preview",
            context={"user": editor["name"], "ignore_auth": False},
            id=source["id"],
            limit=1,
        )["listed"]
        == 5
    )
    with pytest.raises(tk.NotAuthorized):
        helpers.call_action(
            "territoires_harvest_preview",
            context={"user": factories.User()["name"], "ignore_auth": False},
            id=source["id"],
        )
    with pytest.raises(tk.NotAuthorized):
        helpers.call_action(
            "territoires_harvest_preview",
            context={"user": "", "ignore_auth": False},
            id=source["id"],
        )


def test_preview_of_a_failing_source_says_nothing_would_change(server):
    url = server.add("/catalog", Answer(500, b"down"))
    source = create_source(url, "territoires_dcat", {"pin": "*"})
    preview = helpers.call_action("territoires_harvest_preview", id=source["id"])
    assert not preview["complete"] and "HTTP 500" in preview["error"]


def test_preview_cli_in_french_and_json(remote, harvest_cli):
    source = create_source(remote[1], "territoires_ckan", {"pin": "Bron"})
    result = harvest_cli.invoke(
        ckan_command,
        ["territoires", "harvest", "preview", source["name"], "--limit", "1", "--locale", "fr"],
    )
    assert result.exit_code == 0, result.output
    assert "Jeux de données listés : 5" in result.stdout
    assert "[créer]" in result.stdout and "Bron (69029)" in result.stdout
    english = harvest_cli.invoke(
        ckan_command, ["territoires", "harvest", "preview", source["name"], "--locale", "en"]
    )
    assert "Datasets listed: 5" in english.stdout
    as_json = harvest_cli.invoke(
        ckan_command, ["territoires", "harvest", "preview", source["name"], "--json"]
    )
    assert json.loads(as_json.stdout)["counts"]["create"] == 5
    missing = harvest_cli.invoke(ckan_command, ["territoires", "harvest", "preview", "nope"])
    assert missing.exit_code == 1 and "No harvest source" in missing.stderr


DKAN_RECORD = "04be6288-696d-4331-850d-a144871a7e3a"  # Hauts-de-France, ckanext-spatial box


@pytest.mark.ckan_config("ckanext.territoires.scope", "departement:59")
def test_preview_tells_which_rule_gave_the_communes(remote):
    source = create_source(remote[1], "territoires_ckan")
    preview = helpers.call_action("territoires_harvest_preview", id=source["id"], limit=10)
    item = next(item for item in preview["items"] if item["identifier"] == DKAN_RECORD)
    assert item["coverage_origin"] == "geometry" and item["coverage_whole"]
    assert len(item["coverage"]) == 647
    [step] = item["coverage_steps"]
    assert step["rule"] == "geometry" and len(step["codes"]) == 647
    assert step["label"] == "spatial extent (geometry)"


def test_preview_says_outside_the_territory(remote):
    source = create_source(remote[1], "territoires_ckan")
    preview = helpers.call_action("territoires_harvest_preview", id=source["id"], limit=10)
    item = next(item for item in preview["items"] if item["identifier"] == DKAN_RECORD)
    assert item["coverage"] == [] and item["coverage_origin"] == "outside"
    assert item["coverage_origin_label"] == "outside the territory"
    assert any("outside the territory" in problem for problem in item["problems"])
