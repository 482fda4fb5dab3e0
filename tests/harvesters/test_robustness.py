"""Fault injection on whole harvests: after each fault, the datasets by
source identifier are what the source held at the last good run."""

from __future__ import annotations

import json

import ckan.tests.factories as factories
import pytest

from tests.harvesters.conftest import harvest_marks
from tests.harvesters.fake_apis import FakeCkan, recorded_ckan_datasets
from tests.harvesters.helpers import (
    create_source,
    gather_errors,
    harvested,
    object_errors,
    run,
)
from tests.harvesters.server import Answer, fixture_bytes, json_answer
from tests.harvesters.test_safexml import BILLION_LAUGHS, EXTERNAL_FILE

pytestmark = harvest_marks()

GOOD = fixture_bytes("dcat", "catalog.xml")


@pytest.fixture
def catalogue(server):
    """A DCAT source harvested once (4 datasets); its answer can then be changed."""
    url = server.add("/catalog", Answer(200, GOOD, {"Content-Type": "application/rdf+xml"}))
    source = create_source(
        url,
        "territoires_dcat",
        {"pin": "*", "grace_days": 0},
        owner_org=factories.Organization()["id"],
    )
    run(source)
    kept = {key: package.metadata_modified for key, package in harvested(source["id"]).items()}
    assert len(kept) == 4

    def answer(route):
        server.routes["/catalog"] = route
        return run(source)

    def unchanged():
        return {
            key: package.metadata_modified
            for key, package in harvested(source["id"], public_only=True).items()
        } == kept

    return answer, unchanged


MALFORMED = {
    "rdf/xml": (
        b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><oops>',
        "application/rdf+xml",
        "not well-formed XML",
    ),
    "turtle": (
        b"@prefix dcat: <http://www.w3.org/ns/dcat#> .\n<a> dcat:dataset <b",
        "text/turtle",
        "not valid turtle",
    ),
    "json-ld": (b'{"@context": {}, "@graph": [', "application/ld+json", "not valid JSON"),
    "billion laughs": (BILLION_LAUGHS, "application/rdf+xml", "entity expansion"),
    "external entity": (EXTERNAL_FILE, "application/rdf+xml", "external entity"),
    "invalid utf-8": (
        b'@prefix dcat: <http://www.w3.org/ns/dcat#> .\n<a> <b> "caf\xe9" .',
        "text/turtle",
        "not valid UTF-8",
    ),
}


@pytest.mark.parametrize("kind", sorted(MALFORMED))
def test_malformed_document_changes_nothing(catalogue, kind):
    body, content_type, reason = MALFORMED[kind]
    answer, unchanged = catalogue
    job = answer(Answer(200, body, {"Content-Type": content_type}))
    assert any(reason in message for message in gather_errors(job)), gather_errors(job)
    assert unchanged()


@pytest.mark.parametrize(
    "fault, reason",
    [
        (Answer(500, b"error"), "HTTP 500"),
        (Answer(503, b"", {"Retry-After": "3600"}), "retry in 3600 s"),
        (Answer(200, b"x" * 100, fault="truncate"), "truncated"),
        (Answer(fault="reset"), "connect"),
        (Answer(200, GOOD, {"Content-Type": "application/rdf+xml"}, delay=3), "in time"),
        (
            Answer(302, b"", {"Location": "http://169.254.169.254/latest/meta-data/"}),
            "non-public address",
        ),
        (Answer(302, b"", {"Location": "/catalog"}), "Redirect loop"),
    ],
)
def test_unreachable_source_changes_nothing(catalogue, fault, reason):
    answer, unchanged = catalogue
    job = answer(fault)
    assert any(reason in message for message in gather_errors(job)), gather_errors(job)
    assert unchanged()


@pytest.mark.ckan_config("ckanext.territoires.harvest.max_bytes", "20000")
def test_oversize_document_changes_nothing(catalogue):
    answer, unchanged = catalogue
    job = answer(Answer(200, GOOD + b" " * 20000, {"Content-Type": "application/rdf+xml"}))
    assert any("too large" in message for message in gather_errors(job))
    assert unchanged()


def test_503_with_short_retry_after_then_success(catalogue):
    answer, _unchanged = catalogue
    answers = iter(
        [
            Answer(503, b"", {"Retry-After": "1"}),
            Answer(200, GOOD, {"Content-Type": "application/rdf+xml"}),
        ]
    )
    job = answer(lambda request: next(answers))
    assert gather_errors(job) == [] and job["stats"]["not modified"] == 4


def test_jsonld_remote_context_is_read_through_the_guard(server):
    document = json.loads(fixture_bytes("dcat", "flat.jsonld"))
    graph = document if isinstance(document, list) else document.get("@graph", document)
    context_url = server.add(
        "/context.jsonld", json_answer({"@context": {"dcat": "http://www.w3.org/ns/dcat#"}})
    )
    url = server.add(
        "/catalog.jsonld",
        json_answer(
            {"@context": context_url, "@graph": graph}, **{"Content-Type": "application/ld+json"}
        ),
    )
    source = create_source(url, "territoires_dcat", {"pin": "*"})
    job = run(source)
    assert gather_errors(job) == [] and len(harvested(source["id"])) == 3
    assert server.hits("/context.jsonld") == 1


def test_jsonld_context_on_a_metadata_address_is_refused(server):
    url = server.add(
        "/catalog.jsonld",
        json_answer(
            {"@context": "http://169.254.169.254/context.jsonld", "@graph": []},
            **{"Content-Type": "application/ld+json"},
        ),
    )
    source = create_source(url, "territoires_dcat", {"pin": "*"})
    job = run(source)
    assert any("non-public address" in message for message in gather_errors(job))


def test_malformed_item_is_reported_and_the_others_harvested(server):
    datasets = recorded_ckan_datasets()
    fake = FakeCkan(datasets)
    url = fake.mount(server)
    original = fake.package_search

    def with_a_broken_item(request):
        answer = original(request)
        body = json.loads(answer.body)
        body["result"]["results"].insert(1, {"name": "no-id-here"})
        body["result"]["count"] += 1
        return json_answer(body)

    server.routes["/ckan/api/3/action/package_search"] = with_a_broken_item
    source = create_source(url, "territoires_ckan", {"pin": "*"})
    job = run(source)
    assert len(harvested(source["id"])) == 5
    assert any(
        "not a dataset with an id" in message
        for messages in object_errors(job).values()
        for message in messages
    )
