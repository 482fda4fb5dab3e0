"""A real CKAN-to-CKAN harvest between two CKAN portals.

The remote portal is a second CKAN process (``ckan run``) with its own
PostgreSQL database (``<test database>_remote``, re-created for each run),
its own Redis db and this extension's territory, set up through CKAN's CLI
(``db upgrade``, ``territoires load``, a sysadmin and an API token) and
filled through its HTTP action API. The portal of the tests harvests it
with the ``territoires_ckan`` source kind: only what the remote publishes
arrives, once, territorialised locally, with its provenance; a dataset
deleted at the remote is archived.
"""

from __future__ import annotations

import importlib.util
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import ckan.tests.factories as factories
import ckan.tests.helpers as helpers
import psycopg2
import pytest
import requests
from ckan import model
from ckan.common import config as ckan_config_live
from psycopg2 import sql

from tests.harvesters.conftest import harvest_marks
from tests.harvesters.helpers import create_source, gather_errors, harvested, run, show

ROOT = Path(__file__).resolve().parents[2]
CKAN = str(Path(sys.executable).with_name("ckan"))
REMOTE_PLUGINS = (
    "territoires_search territoires scheming_datasets scheming_groups scheming_organizations"
    " dcat activity"
)
STARTUP_SECONDS = 60

# A real portal on a busy machine answers slower than the fake ones.
pytestmark = harvest_marks(
    **{
        "ckanext.territoires.harvest.read_timeout": "15",
        "ckanext.territoires.harvest.total_timeout": "60",
    }
)


def _bootstrap():
    spec = importlib.util.spec_from_file_location(
        "territoires_bootstrap", ROOT / "config" / "bootstrap.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _recreate_database(bootstrap, name: str) -> None:
    settings = bootstrap.db_settings()
    connection = psycopg2.connect(
        host=settings["host"], port=settings["port"], user=settings["admin_user"], dbname="postgres"
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
    connection.close()
    bootstrap.ensure_database(name)


def _remote_settings(tmp: Path) -> tuple[str, str, str]:
    """Database URL, Redis URL and name of the remote, derived from the tests' own."""
    local_db = urlsplit(ckan_config_live["sqlalchemy.url"])
    name = local_db.path.lstrip("/") + "_remote"
    database_url = urlunsplit(local_db._replace(path="/" + name))
    local_redis = urlsplit(ckan_config_live.get("ckan.redis.url") or "redis://127.0.0.1:6379/0")
    local_index = int(local_redis.path.strip("/") or 0)
    redis_url = urlunsplit(local_redis._replace(path=f"/{(local_index + 8) % 16}"))
    return name, database_url, redis_url


def _write_ini(path: Path, database_url: str, redis_url: str, site_url: str) -> None:
    logging = (
        "[loggers]\nkeys = root\n[handlers]\nkeys = console\n[formatters]\nkeys = generic\n"
        "[logger_root]\nlevel = WARN\nhandlers = console\n"
        "[handler_console]\nclass = StreamHandler\nargs = (sys.stderr,)\nlevel = NOTSET\n"
        "formatter = generic\n[formatter_generic]\nformat = %%(levelname)s %%(message)s\n"
    )
    path.write_text(
        f"[app:main]\nuse = config:{ROOT / 'test.ini'}\n"
        f"sqlalchemy.url = {database_url}\n"
        f"ckan.redis.url = {redis_url}\n"
        f"ckan.site_url = {site_url}\n"
        f"ckan.site_id = territoires-remote\n"
        f"ckan.plugins = {REMOTE_PLUGINS}\n"
        f"ckan.storage_path = {path.parent / 'storage'}\n" + logging
    )


def _environment() -> dict[str, str]:
    # CKAN_* variables (CKAN_SQLALCHEMY_URL...) override any ini: the remote
    # must only read its own file.
    return {key: value for key, value in os.environ.items() if not key.startswith("CKAN")}


def _cli(ini: Path, *args: str) -> str:
    done = subprocess.run(
        [CKAN, "-c", str(ini), *args],
        env=_environment(),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, f"ckan {' '.join(args)}: {done.stdout}\n{done.stderr}"
    return done.stdout


class RemotePortal:
    def __init__(self, url: str, token: str):
        self.url = url
        self.token = token

    def action(self, action_name: str, authorised: bool = True, **data):
        headers = {"Authorization": self.token} if authorised else {}
        answer = requests.post(
            f"{self.url}/api/3/action/{action_name}", json=data, headers=headers, timeout=30
        )
        body = answer.json()
        assert body.get("success"), f"{action_name}: {body.get('error')}"
        return body["result"]


@pytest.fixture(scope="module")
def remote_portal(tmp_path_factory):
    """A second CKAN portal in its own process and database, with a sysadmin token."""
    tmp = tmp_path_factory.mktemp("remote-portal")
    name, database_url, redis_url = _remote_settings(tmp)
    _recreate_database(_bootstrap(), name)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    ini = tmp / "remote.ini"
    _write_ini(ini, database_url, redis_url, url)
    _cli(ini, "db", "upgrade")  # core and enabled plugins' migrations
    _cli(ini, "territoires", "load")
    _cli(
        ini,
        "user",
        "add",
        "remote-admin",
        "email=remote-admin@example.org",
        "password=remote-admin-password",
    )
    _cli(ini, "sysadmin", "add", "remote-admin")
    token = _cli(ini, "user", "token", "add", "remote-admin", "test", "--quiet").strip()

    log = open(tmp / "remote.log", "w")  # noqa: SIM115 (closed after the server, in finally)
    process = subprocess.Popen(
        [
            CKAN,
            "-c",
            str(ini),
            "run",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--disable-reloader",
            "--threaded",
        ],
        env=_environment(),
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            assert process.poll() is None, (tmp / "remote.log").read_text()
            try:
                if requests.get(f"{url}/api/3/action/status_show", timeout=2).ok:
                    break
            except requests.RequestException:
                pass
            assert time.monotonic() < deadline, "the remote portal did not start"
            time.sleep(0.3)
        yield RemotePortal(url, token.splitlines()[-1])
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture(scope="module")
def remote_catalogue(remote_portal):
    """Datasets published at the remote: four public ones with varied
    coverage forms (none but the publisher commune, INSEE codes, a name, the
    whole territory), one private."""
    remote = remote_portal
    bron = remote.action(
        "organization_create",
        name="ville-de-bron",
        title="Ville de Bron",
        extras=[{"key": "insee", "value": "69029"}],
    )
    partner = remote.action(
        "organization_create", name="partenaire-mobilite", title="Partenaire mobilité"
    )

    def dataset(name, title, org, private=False, **fields):
        return remote.action(
            "package_create",
            name=name,
            title=title,
            owner_org=org["id"],
            private=private,
            notes=f"{title}, publié à distance.",
            resources=[{"url": f"https://remote.example/{name}.csv", "format": "CSV"}],
            **fields,
        )

    public = [
        dataset("bureaux-de-vote-bron", "Bureaux de vote de Bron", bron),
        dataset(
            "pistes-cyclables-est",
            "Pistes cyclables de l'est",
            partner,
            territoires_coverage=["69266", "69029"],
        ),
        dataset(
            "parcs-venissieux", "Parcs de Vénissieux", partner, territoires_coverage="Vénissieux"
        ),
        dataset(
            "stationnement-pmr",
            "Stationnement PMR de la Métropole",
            partner,
            territoires_coverage=["*"],
        ),
    ]
    private = dataset(
        "brouillon-interne", "Brouillon interne", bron, private=True, territoires_coverage=["69029"]
    )
    return {"public": public, "private": private}


def _group_names(package: dict) -> set[str]:
    return {group["name"] for group in package.get("groups") or []}


def test_harvest_a_second_ckan_portal(remote_portal, remote_catalogue, lyon):
    remote = remote_portal
    public = {
        d["id"]: remote.action("package_show", authorised=False, id=d["id"])
        for d in remote_catalogue["public"]
    }
    private = remote_catalogue["private"]
    # the remote holds the private dataset, but does not publish it
    assert remote.action("package_show", id=private["id"])["private"] is True
    assert remote.action("package_search", authorised=False, rows=0)["count"] == len(public)
    assert not public[remote_catalogue["public"][0]["id"]].get("territoires_coverage")
    assert all(len(_group_names(d)) > 0 for d in list(public.values())[1:])

    local_org = factories.Organization(name="metropole-moissonneuse")
    source = create_source(
        remote.url,
        "territoires_ckan",
        {"grace_days": 0},
        owner_org=local_org["id"],
        name="portail-distant",
    )
    job = run(source)
    assert gather_errors(job) == [] and job["stats"]["added"] == len(public)

    copies = harvested(source["id"])
    assert set(copies) == set(public) and private["id"] not in copies
    assert model.Session.query(model.Package).filter_by(title=private["title"]).count() == 0
    for remote_id, original in public.items():
        copy = show(copies[remote_id].id)
        assert copy["id"] != remote_id and copy["title"] == original["title"]
        assert copy["owner_org"] == local_org["id"] and copy["private"] is False
        assert copy["resources"][0]["url"] == original["resources"][0]["url"]
        # provenance: the remote portal
        assert copy["territoires_source_identifier"] == remote_id
        assert copy["territoires_source_uri"] == f"{remote.url}/dataset/{remote_id}"
        assert copy["territoires_source_url"] == f"{remote.url}/dataset/{original['name']}"
        assert copy["territoires_harvest_source_id"] == source["id"]
        assert copy["territoires_harvest_status"] == "current"
        # coverage: the remote's, or its publisher commune when it has none
        expected = original.get("territoires_coverage") or ["69029"]
        assert copy["territoires_coverage"] == expected
        # memberships recomputed here: the local portal's own commune groups
        local_groups = {group["name"]: group["id"] for group in copy["groups"]}
        remote_groups = {group["name"]: group["id"] for group in original["groups"]}
        if remote_groups:
            assert set(local_groups) == set(remote_groups)
        assert {helpers.call_action("group_show", id=name)["id"] for name in local_groups} == set(
            local_groups.values()
        )
        assert not set(local_groups.values()) & set(remote_groups.values())
    bron_copy = show(copies[remote_catalogue["public"][0]["id"]].id)
    assert _group_names(bron_copy) == {"bron-69029"}
    assert show(copies[remote_catalogue["public"][2]["id"]].id)["territoires_coverage"] == ["69259"]

    # unchanged: nothing duplicated, nothing read again
    again = run(source)
    assert again["stats"]["not modified"] == len(public) and again["stats"]["added"] == 0
    assert set(harvested(source["id"])) == set(public)
    for original in public.values():
        assert (
            model.Session.query(model.Package)
            .filter_by(title=original["title"], state="active")
            .count()
            == 1
        )

    # deleted at the remote: archived here (grace period 0), kept for admins
    withdrawn = remote_catalogue["public"][1]
    remote.action("package_delete", id=withdrawn["id"])
    after = run(source)
    assert gather_errors(after) == []
    assert set(harvested(source["id"], public_only=True)) == set(public) - {withdrawn["id"]}
    archived = show(copies[withdrawn["id"]].id)
    assert archived["territoires_harvest_status"] == "archived"
    assert archived["private"] is True and archived["state"] == "active"
    assert archived["territoires_withdrawn_since"]
    for remote_id in set(public) - {withdrawn["id"]}:
        assert show(copies[remote_id].id)["territoires_harvest_status"] == "current"
