"""``make run-prod`` (config/run_prod.py): the production configuration run
here, gunicorn with several workers behind nginx (when installed), the
harvest consumers, the job worker and the scheduler; a harvest of the demo
source started through the web API (what "Reharvest" does) completes there.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import ckan.tests.factories as factories
import pytest
import requests
import sqlalchemy as sa
from ckan.plugins import toolkit as tk
from ckanext.harvest import queue

from ckanext.territoires.harvesters import demo
from tests.config.test_serve import LOG, ROOT, Served, api, group_gone, harvest_test

#: Ports of this test (nginx, then gunicorn on the next one).
PORT = 5093
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)


def production_environment(directory: Path, port: int) -> dict[str, str]:
    """The environment of the test's production processes: the test
    database and Redis, the test's secret (its API tokens are valid there)
    and site id (its index rows are found there), the test database's
    DataStore (``CKAN_DB_NAME``: ``<name>_datastore``)."""
    return {
        **os.environ,
        "CKAN_DB_NAME": sa.engine.make_url(tk.config["sqlalchemy.url"]).database,
        "CKAN_SITE_URL": f"http://127.0.0.1:{port}",
        "CKAN_SITE_ID": tk.config["ckan.site_id"],
        "CKAN_JWT_SECRET": tk.config["api_token.jwt.encode.secret"].split(":", 1)[1],
        "CKAN_STORAGE_PATH": str(directory / "storage"),
    }


def prepare(directory: Path, environment: dict[str, str]) -> None:
    """Render the production configuration and apply its plugins' migrations
    (the activity plugin's tables), as `make run-prod` does."""
    bootstrap = [sys.executable, str(ROOT / "config" / "bootstrap.py")]
    datastore = [*bootstrap, "datastore", environment["CKAN_DB_NAME"]]
    subprocess.run(datastore, env=environment, check=True, capture_output=True)
    subprocess.run([*bootstrap, "render-production", str(directory)], env=environment, check=True)
    rendered = dict(
        line.split("=", 1)
        for line in (directory / "territoires.env").read_text().splitlines()
        if "=" in line and not line.startswith("#")
    )
    ckan = str(Path(sys.executable).with_name("ckan"))
    subprocess.run(
        [ckan, "-c", str(directory / "ckan.ini"), "db", "upgrade"],
        env={**rendered, **environment},
        check=True,
        capture_output=True,
    )


def run_prod(directory: Path, port: int, environment: dict[str, str], *extra: str) -> Served:
    argv = [
        sys.executable,
        str(ROOT / "config" / "run_prod.py"),
        "--dir",
        str(directory),
        "--port",
        str(port),
        "--workers",
        "3",
        "--interval",
        "2",
        "--grace",
        "15",
        *extra,
    ]
    served = Served(directory / "ckan.ini", port, argv=argv, env=environment)
    served.base = f"http://127.0.0.1:{port}"  # type: ignore[attr-defined]
    return served


def web_up(base: str):
    def up():
        try:
            return requests.get(f"{base}/api/3/action/status_show", timeout=10).ok
        except requests.RequestException:  # not listening yet, or workers still loading
            return False

    return up


@pytest.fixture
def production(ckan_config, tmp_path):
    environment = production_environment(tmp_path, PORT)
    prepare(tmp_path, environment)
    queue.purge_queues()
    served = run_prod(tmp_path, PORT, environment)
    yield served
    served.kill_everything()
    queue.purge_queues()
    LOG.parent.mkdir(parents=True, exist_ok=True)
    (LOG.parent / "run-prod.log").write_text(served.output() + "\n", encoding="utf-8")


@harvest_test
def test_run_prod_serves_the_portal_and_a_harvest_from_the_web_completes(production, lyon):
    sysadmin = factories.SysadminWithToken()
    organizations = demo.ensure_organizations()
    source = demo.ensure_source(organizations["metropole-de-lyon"])
    base = production.base
    production.wait_for(web_up(base), 240, "the web server answering")
    output = production.output()
    # gunicorn with its workers, nginx in front when installed
    assert len(re.findall(r"^web\s+\| .*Booting worker with pid", output, re.MULTILINE)) == 3
    page = requests.get(f"{base}/", timeout=30)
    assert page.status_code == 200
    css = re.search(r'href="(/webassets/[^"]+\.css)"', page.text).group(1)
    asset = requests.get(f"{base}{css}", timeout=30)
    assert asset.status_code == 200
    if NGINX:
        assert asset.headers["Server"].startswith("nginx")
        assert "immutable" in asset.headers["Cache-Control"]
        assert page.headers["Server"].startswith("nginx")
    production.wait_for(
        lambda: re.search(r"^scheduler\s+\| .* 2 s", production.output(), re.MULTILINE),
        120,
        "the scheduler",
    )
    # what the "Reharvest" button of the source's page does, through the proxy
    job = api(base, "harvest_job_create", sysadmin["token"], source_id=source["id"], run=True)

    def finished():
        shown = api(base, "harvest_job_show", sysadmin["token"], id=job["id"])
        return shown if shown["status"] == "Finished" else None

    shown = production.wait_for(finished, 90, "the harvest finished")
    assert shown["stats"]["added"] == 21
    assert shown["stats"]["errored"] == 0
    source_page = requests.get(f"{base}/harvest/{source['name']}", timeout=30)
    assert source_page.status_code == 200
    found = requests.get(
        f"{base}/api/3/action/package_search",
        params={"fq": "territoires_communes:69266"},
        timeout=30,
    ).json()["result"]
    assert found["count"] >= 1
    # SIGTERM stops every process
    pids = production.pids()
    assert {"web", "gather", "fetch", "jobs", "scheduler"} <= set(pids)
    assert ("nginx" in pids) == bool(NGINX)
    os.kill(production.process.pid, signal.SIGTERM)
    assert production.process.wait(timeout=60) == 0
    assert all(group_gone(pid) for started in pids.values() for pid in started)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            requests.get(base, timeout=1)
        except requests.ConnectionError:
            break
        time.sleep(0.2)
    else:
        raise AssertionError("still served after SIGTERM")
