"""A real CKAN-to-CKAN harvest: the CKAN app of the tests, served over HTTP
on 127.0.0.1, is the remote portal (its action API, its search backend);
the harvest copies one of its organisations' datasets."""

from __future__ import annotations

import threading

import ckan.tests.factories as factories
import ckan.tests.helpers as helpers
import pytest
from werkzeug.serving import make_server

from tests.harvesters.conftest import harvest_marks
from tests.harvesters.helpers import create_source, gather_errors, harvested, run, show

pytestmark = harvest_marks()


@pytest.fixture
def remote_ckan(app):
    server = make_server("127.0.0.1", 0, app.app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_harvest_an_organisation_of_a_real_ckan(remote_ckan, lyon):
    remote_org = factories.Organization(name="ville-de-bron-source", title="Ville de Bron")
    other = factories.Organization(name="autre-editeur")
    published = [
        factories.Dataset(
            owner_org=remote_org["id"],
            title=f"Jeu {n} de Bron",
            resources=[{"url": f"https://bron.example/{n}.csv", "format": "CSV"}],
        )
        for n in range(3)
    ]
    factories.Dataset(owner_org=other["id"])  # not in the filter
    local_org = factories.Organization(name="metropole-moissonnee")
    source = create_source(
        remote_ckan,
        "territoires_ckan",
        {"organizations": ["ville-de-bron-source"]},
        owner_org=local_org["id"],
    )

    job = run(source)
    assert gather_errors(job) == [] and job["stats"]["added"] == 3
    copies = harvested(source["id"])
    assert set(copies) == {dataset["id"] for dataset in published}
    copy = show(copies[published[0]["id"]].id)
    assert copy["id"] != published[0]["id"] and copy["title"] == "Jeu 0 de Bron"
    assert copy["territoires_coverage"] == ["69029"]  # the publisher is a commune
    assert [g["name"] for g in copy["groups"]] == ["bron-69029"]
    assert copy["owner_org"] == local_org["id"]
    assert copy["resources"][0]["url"] == "https://bron.example/0.csv"
    assert copy["territoires_source_url"] == f"{remote_ckan}/dataset/{published[0]['name']}"

    # unchanged: nothing read again; then one remote edit
    assert run(source)["stats"]["not modified"] == 3
    helpers.call_action("package_patch", id=published[1]["id"], title="Jeu 1 modifié")
    again = run(source)
    assert again["stats"]["updated"] == 1 and again["stats"]["not modified"] == 2
    assert harvested(source["id"])[published[1]["id"]].title == "Jeu 1 modifié"
