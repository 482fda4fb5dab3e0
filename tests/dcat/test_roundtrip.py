"""Round trip: a catalogue exported by one portal harvests cleanly into another.

The export comes from the test app's endpoints; it is read back with
ckanext-dcat's RDFParser and the configured profiles, then harvested for
real from a local HTTP server, with ckanext-dcat's DCAT RDF harvester and
with this plugin's own DCAT harvester.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import ckan.tests.factories as factories
import ckan.tests.helpers as helpers
import pytest
from ckanext.dcat.harvesters import DCATRDFHarvester
from ckanext.dcat.processors import RDFParser
from ckanext.harvest.tests.lib import run_harvest

from tests.conftest import TERRITORY_PLUGINS
from tests.dcat.conftest import field, provenance_fields

pytestmark = [
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "lyon"),
]
EU = "http://publications.europa.eu/resource/authority/"
FORMATS = {"ttl": "turtle", "rdf": "xml", "jsonld": "json-ld"}


def portal_datasets():
    bron = factories.Organization(
        title="Ville de Bron", extras=[{"key": "insee", "value": "69029"}]
    )
    made_here = factories.Dataset(
        title="Parcs et jardins",
        notes="Les parcs et jardins publics, avec leurs horaires. " * 5,
        owner_org=bron["id"],
        territoires_coverage=["Bron", "Écully"],
        tag_string="parcs,nature",
        theme=["ENVI"],
        frequency="monthly",
        license_id="odc-odbl",
        contact=[{"name": "Service espaces verts", "email": "parcs@example.org"}],
        temporal_coverage=[{"start": "2021-01-01", "end": "2024-12-31"}],
        resources=[{"url": "https://example.org/parcs.csv", "format": "CSV", "name": "Parcs"}],
    )
    harvested = factories.Dataset(
        title="Bureaux de vote",
        notes="Les bureaux de vote de la commune.",
        territoires_coverage=["*"],
        license_id="cc-by",
        **provenance_fields(
            territoires_source_url="https://data.example.org/explore/dataset/bureaux-de-vote/",
            territoires_source_uri="https://data.example.org/id/bureaux-de-vote",
            territoires_source_identifier="bureaux-de-vote",
        ),
        resources=[{"url": "https://data.example.org/bdv.geojson", "format": "GeoJSON"}],
    )
    factories.Dataset(title="Brouillon privé", owner_org=bron["id"], private=True)
    return made_here, harvested


def extras(dataset):
    return {extra["key"]: extra["value"] for extra in dataset.get("extras", [])}


def assert_same_dataset(copy, original):
    for key in ("title", "notes", "territoires_coverage", "license_id", "temporal_coverage"):
        assert copy.get(key) == original.get(key), key
    assert sorted(t["name"] for t in copy["tags"]) == sorted(t["name"] for t in original["tags"])
    assert copy.get("frequency") == original.get("frequency")
    assert copy.get("theme") == [
        EU + "data-theme/" + t for t in original.get("theme") or []
    ] or copy.get("theme") == original.get("theme")
    assert [(c.get("name"), c.get("email")) for c in copy.get("contact") or []] == [
        (c.get("name"), c.get("email")) for c in original.get("contact") or []
    ]
    assert [(r["url"], r["format"]) for r in copy["resources"]] == [
        (r["url"], r["format"]) for r in original["resources"]
    ]


@pytest.mark.ckan_config("ckan.plugins", TERRITORY_PLUGINS)
@pytest.mark.parametrize("extension", ["ttl", "rdf", "jsonld"])
def test_export_parses_back_to_the_same_fields(app, extension):
    _made_here, _harvested = portal_datasets()
    parser = RDFParser()
    parser.parse(app.get(f"/catalog.{extension}").body, _format=FORMATS[extension])
    parsed = {dataset["title"]: dataset for dataset in parser.datasets()}
    assert set(parsed) == {"Parcs et jardins", "Bureaux de vote"}  # not the private one
    copy = parsed["Parcs et jardins"]
    assert copy["territoires_coverage"] == ["69029", "69081"]
    assert copy["frequency"] == EU + "frequency/MONTHLY"
    assert copy["license_id"] == "odc-odbl"
    assert copy["publisher"][0]["identifier"] == "216900290"
    assert [r["format"] for r in copy["resources"]] == ["CSV"]
    origin = parsed["Bureaux de vote"]
    assert len(origin["territoires_coverage"]) == 58
    assert (
        field(origin, "territoires_source_url")
        == "https://data.example.org/explore/dataset/bureaux-de-vote/"
    )
    assert field(origin, "territoires_source_uri") == "https://data.example.org/id/bureaux-de-vote"
    assert field(origin, "territoires_source_identifier") == "bureaux-de-vote"
    assert "alternate_identifier" not in extras(origin)


class _Catalogue(BaseHTTPRequestHandler):
    body = b""
    content_type = "text/turtle"

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", self.content_type)
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args):
        pass


@pytest.fixture
def catalogue_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Catalogue)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.mark.ckan_config("ckan.plugins", TERRITORY_PLUGINS + " harvest dcat_rdf_harvester")
def test_catalogue_harvests_into_another_portal(app, catalogue_server):
    made_here, harvested = portal_datasets()
    originals = {
        dataset["title"]: helpers.call_action("package_show", id=dataset["id"])
        for dataset in (made_here, harvested)
    }
    _Catalogue.body = app.get("/catalog.ttl").body.encode("utf-8")

    # The other portal starts without these datasets.
    for dataset in helpers.call_action("package_search", include_private=True)["results"]:
        helpers.call_action("dataset_purge", id=dataset["id"])
    assert helpers.call_action("package_search")["count"] == 0

    url = f"http://127.0.0.1:{catalogue_server.server_port}/catalog.ttl"
    results = run_harvest(url, DCATRDFHarvester())
    assert [r["errors"] for r in results.values() if r["errors"]] == []
    copies = {r["dataset"]["title"]: r["dataset"] for r in results.values()}
    assert set(copies) == set(originals)
    for title, original in originals.items():
        assert_same_dataset(copies[title], original)
    # the territory follows: memberships recomputed from the coverage
    assert sorted(g["name"] for g in copies["Parcs et jardins"]["groups"]) == [
        "bron-69029",
        "ecully-69081",
    ]
    assert len(copies["Bureaux de vote"]["groups"]) == 59
    assert field(copies["Bureaux de vote"], "territoires_source_identifier") == "bureaux-de-vote"
    assert json.loads(extras(copies["Bureaux de vote"]).get("alternate_identifier", "[]")) == []

    # harvesting the same catalogue again changes nothing and duplicates nothing
    run_harvest(url, DCATRDFHarvester())
    assert helpers.call_action("package_search")["count"] == 2


@pytest.mark.ckan_config(
    "ckan.plugins", TERRITORY_PLUGINS + " harvest territoires_harvest territoires_dcat_harvester"
)
@pytest.mark.ckan_config("ckanext.territoires.harvest.allowed_hosts", "127.0.0.1")
def test_catalogue_harvests_into_another_portal_with_this_plugins_harvester(app, catalogue_server):
    """The same round trip through this plugin's own DCAT harvester
    (``territoires_dcat``): fields, coverage and memberships come back, the
    origin's identity is the exported dataset, and a second run adds nothing."""
    from tests.harvesters.helpers import create_source, harvested, run, show

    made_here, harvested_before = portal_datasets()
    originals = {
        dataset["title"]: helpers.call_action("package_show", id=dataset["id"])
        for dataset in (made_here, harvested_before)
    }
    _Catalogue.body = app.get("/catalog.ttl").body.encode("utf-8")
    for dataset in helpers.call_action("package_search", include_private=True)["results"]:
        helpers.call_action("dataset_purge", id=dataset["id"])

    url = f"http://127.0.0.1:{catalogue_server.server_port}/catalog.ttl"
    source = create_source(url, "territoires_dcat")
    job = run(source)
    assert job["status"] == "Finished"
    copies = {
        show(package.id)["title"]: show(package.id) for package in harvested(source["id"]).values()
    }
    assert set(copies) == set(originals)
    for title, original in originals.items():
        # this harvester trims the whitespace around descriptions
        assert_same_dataset(copies[title], {**original, "notes": original["notes"].strip()})
    assert sorted(g["name"] for g in copies["Parcs et jardins"]["groups"]) == [
        "bron-69029",
        "ecully-69081",
    ]
    assert len(copies["Bureaux de vote"]["groups"]) == 59
    # provenance now points at the exporting portal's catalogue
    assert field(copies["Parcs et jardins"], "territoires_source_url")

    run(source)
    assert helpers.call_action("package_search")["count"] == 2
