"""A harvested dataset goes into the publisher commune's organisation only
if the source's creator may publish there, or a sysadmin allowed it with
the source option ``publish_for_communes`` (issue #16, 4)."""

from __future__ import annotations

import json

import ckan.plugins.toolkit as tk
import ckan.tests.factories as factories
import ckan.tests.helpers as helpers
import pytest

from tests.harvesters.conftest import harvest_marks
from tests.harvesters.helpers import create_source, harvested, object_warnings, run, show
from tests.harvesters.server import Answer

pytestmark = harvest_marks()

CATALOGUE = b"""<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
  xmlns:dcat="http://www.w3.org/ns/dcat#" xmlns:dct="http://purl.org/dc/terms/"
  xmlns:foaf="http://xmlns.com/foaf/0.1/">
  <dcat:Catalog rdf:about="http://data.test.org/">
    <dcat:dataset>
      <dcat:Dataset rdf:about="http://data.test.org/datasets/bancs">
        <dct:title>Bancs publics</dct:title>
        <dct:identifier>bancs</dct:identifier>
        <dct:description>Les bancs.</dct:description>
        <dct:publisher>
          <foaf:Organization><foaf:name>Ville de Villeurbanne</foaf:name></foaf:Organization>
        </dct:publisher>
      </dcat:Dataset>
    </dcat:dataset>
  </dcat:Catalog>
</rdf:RDF>
"""


@pytest.fixture
def setting(server, lyon):
    villeurbanne = factories.Organization(name="ville-de-villeurbanne", insee="69266")
    own = factories.Organization(name="editeur-voisin")
    editor = factories.User()
    helpers.call_action(
        "organization_member_create", id=own["id"], username=editor["name"], role="editor"
    )
    url = server.add("/catalog", Answer(200, CATALOGUE, {"Content-Type": "application/rdf+xml"}))
    return villeurbanne, own, editor, url


def _source_by(user: dict, url: str, owner: str, config: dict) -> dict:
    return helpers.call_action(
        "harvest_source_create",
        context={"user": user["name"], "ignore_auth": False},
        name="source-voisine",
        title="Source voisine",
        url=url,
        source_type="territoires_dcat",
        frequency="MANUAL",
        owner_org=owner,
        config=json.dumps(config),
    )


def test_an_editor_cannot_publish_into_another_organisation(setting):
    _villeurbanne, own, editor, url = setting
    source = _source_by(editor, url, own["id"], {"pin": "*"})
    job = run(source)
    dataset = show(harvested(source["id"])["bancs"].id)
    assert dataset["owner_org"] == own["id"]
    assert dataset["publisher"][0]["name"] == "Ville de Villeurbanne"
    messages = " ".join(m for found in object_warnings(job).values() for m in found)
    assert "kept in the source's organisation" in messages


def test_a_sysadmins_source_publishes_for_the_commune(setting):
    villeurbanne, own, _editor, url = setting
    source = create_source(url, "territoires_dcat", {"pin": "*"}, owner_org=own["id"])
    run(source)
    assert show(harvested(source["id"])["bancs"].id)["owner_org"] == villeurbanne["id"]


def test_only_a_sysadmin_sets_publish_for_communes(setting):
    _villeurbanne, own, editor, url = setting
    with pytest.raises(tk.ValidationError) as raised:
        _source_by(editor, url, own["id"], {"pin": "*", "publish_for_communes": True})
    assert "config" in raised.value.error_dict
    source = create_source(
        url, "territoires_dcat", {"pin": "*", "publish_for_communes": True}, owner_org=own["id"]
    )
    assert source["id"]
