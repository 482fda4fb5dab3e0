"""Link checks against a local HTTP server, their SSRF guard, and the CLI."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import ckan.tests.factories as factories
import ckan.tests.helpers as helpers
import pytest
from ckan.cli.cli import ckan as ckan_command
from ckan.tests.helpers import CKANCliRunner

from ckanext.territoires.quality import links
from tests.conftest import TERRITORY_PLUGINS

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", TERRITORY_PLUGINS),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "lyon"),
]


class _Site(BaseHTTPRequestHandler):
    """/ok: 200; /gone: 404; /moved: redirect to /ok; /no-head: 405 on HEAD;
    /metadata: redirect to the cloud metadata address; /loop: redirect to itself."""

    def _answer(self, head):
        path = self.path.split("?")[0]
        if path == "/ok":
            self.send_response(200)
        elif path == "/no-head":
            self.send_response(405 if head else 200)
        elif path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/ok")
        elif path == "/metadata":
            self.send_response(302)
            self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
        elif path == "/loop":
            self.send_response(302)
            self.send_header("Location", "/loop")
        else:
            self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_HEAD(self):
        self._answer(head=True)

    def do_GET(self):
        self._answer(head=False)

    def log_message(self, *args):
        pass


@pytest.fixture
def site():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.mark.ckan_config("ckanext.territoires.quality.allowed_hosts", "127.0.0.1")
def test_link_states(site):
    assert links.check_url(f"{site}/ok").ok
    assert links.check_url(f"{site}/moved").ok
    assert links.check_url(f"{site}/no-head").ok
    gone = links.check_url(f"{site}/gone")
    assert not gone.ok and gone.status_code == 404
    metadata = links.check_url(f"{site}/metadata")
    assert not metadata.ok and "private address" in metadata.error
    assert "too many redirects" in links.check_url(f"{site}/loop").error
    assert not links.check_url("ftp://example.org/file").ok


def test_private_addresses_are_not_requested_unless_allowed(site):
    check = links.check_url(f"{site}/ok")
    assert not check.ok and "private address" in check.error
    assert not links.check_url("http://169.254.169.254/latest/meta-data/").ok
    assert not links.check_url("http://localhost/").ok


@pytest.mark.ckan_config("ckanext.territoires.quality.allowed_hosts", "127.0.0.1")
def test_checking_a_dataset_rescores_it(site):
    dataset = factories.Dataset(
        territoires_coverage=["Bron"],
        resources=[
            {"url": f"{site}/ok", "format": "CSV", "name": "Bon"},
            {"url": f"{site}/gone", "format": "CSV", "name": "Cassé"},
        ],
    )
    assert links.check_dataset(helpers.call_action("package_show", id=dataset["id"]))
    result = helpers.call_action("territoires_quality_show", id=dataset["id"])
    working = next(c for c in result["criteria"] if c["id"] == "working_links")
    assert working["status"] == "unmet" and working["details"] == ["Cassé"]
    modified = helpers.call_action("package_show", id=dataset["id"])["metadata_modified"]
    assert modified == dataset["metadata_modified"]  # a check is not an edit
    # the same results again: nothing changed
    assert not links.check_dataset(helpers.call_action("package_show", id=dataset["id"]))


@pytest.fixture
def cli(ckan_config, site, tmp_path):
    """CKAN's CLI on test.ini, with the local test server allowed."""
    text = Path(ckan_config["__file__"]).read_text(encoding="utf-8")
    ini = tmp_path / "test.ini"
    ini.write_text(
        text.replace(
            "[app:main]\n", "[app:main]\nckanext.territoires.quality.allowed_hosts = 127.0.0.1\n", 1
        )
    )
    return CKANCliRunner(mix_stderr=False, env={"CKAN_INI": str(ini)})


def test_cli_checks_links_and_updates_the_index(cli, site):
    dataset = factories.Dataset(
        territoires_coverage=["Bron"],
        resources=[
            {"url": f"{site}/ok", "format": "CSV"},
            {"url": f"{site}/gone", "format": "CSV"},
        ],
    )
    factories.Dataset(resources=[{"url": f"{site}/ok", "format": "CSV"}])
    result = cli.invoke(ckan_command, ["territoires", "quality", "check-links"])
    assert result.exit_code == 0, result.output + result.stderr
    assert "3 links checked in 2 datasets, 1 not working, 2 datasets re-scored" in result.stdout
    found = helpers.call_action("package_search", fq="territoires_quality_missing:working_links")
    assert [d["name"] for d in found["results"]] == [dataset["name"]]

    again = cli.invoke(
        ckan_command, ["territoires", "quality", "check-links", "--dataset", dataset["name"]]
    )
    assert "2 links checked in 1 datasets, 1 not working, 0 datasets re-scored" in again.stdout

    shown = cli.invoke(ckan_command, ["territoires", "quality", "show", dataset["name"]])
    assert json.loads(shown.stdout[shown.stdout.index("{") :])["name"] == dataset["name"]


def test_cli_refuses_an_unknown_dataset(cli):
    result = cli.invoke(
        ckan_command, ["territoires", "quality", "check-links", "--dataset", "no-such-dataset"]
    )
    assert result.exit_code == 1 and "Unknown dataset: no-such-dataset" in result.stderr
    shown = cli.invoke(ckan_command, ["territoires", "quality", "show", "no-such-dataset"])
    assert shown.exit_code == 1
