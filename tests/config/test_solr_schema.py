"""The Solr path: every document CKAN would send Solr for this portal's
datasets (harvested, territorialised, with their quality) is accepted by CKAN
2.11's shipped schema plus ``config/solr/``'s additions.

The documents are the real ones: CKAN's ``index_package`` builds them, every
plugin's ``before_dataset_index`` hook runs (territories, quality, extent,
ckanext-scheming's, ckanext-dcat's, ckanext-harvest's), and they are caught
where CKAN hands them to the Solr connection; pysolr's own XML of each is
what is checked (:mod:`tests.support.solr`).
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import ckan.lib.search as search
import ckan.lib.search.index as search_index
import ckan.tests.factories as factories
import pytest
from ckan import model

from ckanext.territoires.harvesters import demo, runner
from tests.config.test_serve import harvest_test
from tests.quality.conftest import complete_dataset
from tests.support import solr

ROOT = Path(__file__).resolve().parents[2]
CKAN_SCHEMA = (
    Path(importlib.util.find_spec("ckan").origin).parent / "config" / "solr" / "schema.xml"
)
ADDITIONS = ROOT / "config" / "solr" / "territoires-fields.xml"
BUILD = ROOT / "config" / "solr" / "build_schema.py"


@pytest.fixture
def documents(lyon, monkeypatch):
    """The Solr documents of the demo's harvested datasets and of datasets
    using every field of the schema, as CKAN's index_package sends them."""
    organizations = demo.ensure_organizations()
    source = demo.ensure_source(organizations["metropole-de-lyon"])
    job = runner.run_source(source["id"])
    assert job["status"] == "Finished"
    complete_dataset(
        title="Toilettes publiques",
        owner_org=organizations["ville-de-bron"],
        tags=[{"name": "équipement"}, {"name": "propreté"}],
        territoires_coverage=["Bron", "Écully", "Métropole de Lyon"],
        spatial_coverage=[
            {"bbox": "POLYGON ((4.9 45.7, 5.0 45.7, 5.0 45.8, 4.9 45.8, 4.9 45.7))"},
            {"uri": "http://publications.europa.eu/resource/authority/place/FRA_LYO"},
        ],
        theme=[
            "http://publications.europa.eu/resource/authority/data-theme/SOCI",
            "Équipements publics",
        ],
        language=["http://publications.europa.eu/resource/authority/language/FRA"],
        conforms_to=["http://www.opengis.net/def/crs/EPSG/0/2154"],
        issued="2021-03-04",
        modified="2024-05-06T07:08:09",
        publisher=[{"name": "Ville de Bron", "email": "donnees@example.org"}],
        creator=[{"name": "Service propreté", "type": "local authority"}],
        temporal_coverage=[{"start": "2020-01-01", "end": "2020-12-31"}],
        resources=[
            {"url": "https://example.org/toilettes.csv", "format": "CSV", "name": "Liste"},
            {"url": "https://example.org/toilettes.json", "format": "JSON", "issued": "2022-01-01"},
        ],
    )
    factories.Dataset(
        title="Privé maigre",
        notes="Court.",
        private=True,
        owner_org=organizations["ville-de-villeurbanne"],
        territoires_coverage=["Villeurbanne"],
    )
    sent: list[dict] = []
    real = search_index.make_connection

    class Recording:
        def __init__(self):
            self.connection = real()

        def add(self, docs, **kwargs):
            sent.extend(dict(doc) for doc in docs)
            return self.connection.add(docs=docs, **kwargs)

        def __getattr__(self, name):
            return getattr(self.connection, name)

    monkeypatch.setattr(search_index, "make_connection", Recording)
    ids = [row[0] for row in model.Session.query(model.Package.id).filter_by(state="active")]
    for package_id in ids:
        search.rebuild(package_id)
    assert len(sent) == len(ids) >= 23
    return sent


@pytest.fixture
def schema():
    return solr.Schema.from_files(CKAN_SCHEMA, ADDITIONS)


@harvest_test
def test_every_indexed_field_is_accepted_by_ckan_schema_and_the_additions(documents, schema):
    refused = {doc["name"]: solr.refusals(schema, doc) for doc in documents}
    assert {name: lines for name, lines in refused.items() if lines} == {}
    # the documents are representative: territories, quality, extent, harvest
    sent = {name for doc in documents for name, _text in solr.solr_fields(doc)}
    for name in (
        "territoires_communes",
        "territoires_epci",
        "territoires_covered",
        "territoires_publisher",
        "territoires_whole",
        "territoires_themes",
        "territoires_quality",
        "territoires_quality_level",
        "territoires_quality_missing",
        "territoires_quality_commune",
        "territoires_quality_commune_missing",
        "territoires_quality_epci",
        "territoires_extent",
        "territoires_harvest_source_id",
        "harvest_source_id",
        "res_format",
        "tags",
        "groups",
        "permission_labels",
    ):
        assert name in sent, name
    # what Solr sorts and filters on keeps its meaning: a number, single-valued codes
    assert schema.field("territoires_quality").type_class.endswith("IntPointField")
    assert schema.field("territoires_communes").multi_valued
    assert not schema.field("territoires_extent").multi_valued


@harvest_test
def test_ckan_schema_alone_refuses_the_plugin_fields(documents):
    """Why config/solr/ exists: without it, Solr refuses the documents."""
    ckan_only = solr.Schema.from_files(CKAN_SCHEMA)
    refused = [line for doc in documents for line in solr.refusals(ckan_only, doc)]
    assert any(line.startswith("territoires_communes ") for line in refused), refused


def test_the_built_schema_is_ckan_schema_with_the_additions(tmp_path):
    built = tmp_path / "schema.xml"
    subprocess.run([sys.executable, str(BUILD), str(built)], check=True)
    together = solr.Schema.from_files(CKAN_SCHEMA, ADDITIONS)
    alone = solr.Schema.from_files(built)
    assert alone.types == together.types
    assert alone.fields == together.fields
    assert sorted(d["name"] for d in alone.dynamic) == sorted(d["name"] for d in together.dynamic)
    assert {d["name"]: d for d in alone.dynamic} == {d["name"]: d for d in together.dynamic}
    assert sorted(alone.copy_fields) == sorted(together.copy_fields)
    # CKAN checks the schema version at start-up (ckan.lib.search.check_solr_schema_version)
    assert 'name="ckan-2.11"' in built.read_text(encoding="utf-8")
