"""A harvested record whose landing page or publisher's page is
``javascript:``... is imported without it, and the job report says so
(issue #16, 1)."""

from __future__ import annotations

import ckan.tests.factories as factories
import pytest

from tests.harvesters.conftest import harvest_marks
from tests.harvesters.helpers import create_source, harvested, object_warnings, run, show
from tests.harvesters.server import Answer

pytestmark = harvest_marks()

CATALOGUE = """<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
  xmlns:dcat="http://www.w3.org/ns/dcat#" xmlns:dct="http://purl.org/dc/terms/"
  xmlns:foaf="http://xmlns.com/foaf/0.1/">
  <dcat:Catalog rdf:about="http://data.test.org/">
    <dcat:dataset>
      <dcat:Dataset rdf:about="http://data.test.org/datasets/hostile">
        <dct:title>Jeu piégé</dct:title>
        <dct:identifier>hostile</dct:identifier>
        <dct:description>Une page d'atterrissage en javascript.</dct:description>
        <dcat:landingPage>{landing}</dcat:landingPage>
        <dct:publisher>
          <foaf:Organization>
            <foaf:name>Éditeur piégé</foaf:name>
            <foaf:homepage>{landing}</foaf:homepage>
          </foaf:Organization>
        </dct:publisher>
      </dcat:Dataset>
    </dcat:dataset>
  </dcat:Catalog>
</rdf:RDF>
"""


@pytest.mark.parametrize("landing", ["javascript:alert(document.cookie)", "JavaScript:alert(1)"])
def test_hostile_landing_page_is_left_out(app, server, landing):
    url = server.add(
        "/catalog",
        Answer(
            200,
            CATALOGUE.format(landing=landing).encode(),
            {"Content-Type": "application/rdf+xml"},
        ),
    )
    source = create_source(
        url, "territoires_dcat", {"pin": "*"}, owner_org=factories.Organization()["id"]
    )
    job = run(source)
    datasets = harvested(source["id"])
    assert list(datasets) == ["hostile"], object_warnings(job)
    dataset = show(datasets["hostile"].id)
    assert not dataset.get("territoires_source_url", "").lower().startswith("javascript")
    assert all(
        not (item.get("url") or "").lower().startswith("javascript")
        for item in dataset.get("publisher") or []
    )
    messages = " ".join(message for found in object_warnings(job).values() for message in found)
    assert "not links" in messages
    body = app.get(f"/dataset/{dataset['name']}").body
    assert 'href="javascript' not in body.lower()
