"""Scale-out by configuration alone: what runs on two machines shares
Redis and PostgreSQL.

- Two gather and two fetch consumers (separate processes, as on two
  machines) empty the same Redis queues while the scheduler's rounds run:
  each record is fetched once, none is lost, the job reports 21 added.
- Two web servers (gunicorn on config/production/wsgi.py with the
  production ini, as on two machines): a user logged in on one acts on the
  other (sessions in Redis, ``SESSION_TYPE = redis``), and logging out on
  the second logs them out of the first.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import ckan.tests.factories as factories
import ckan.tests.helpers as helpers
import requests
from ckan import model
from ckanext.harvest import queue
from ckanext.harvest.model import HarvestObject

from ckanext.territoires.harvesters import demo
from tests.config.test_run_prod import prepare, production_environment, web_up
from tests.config.test_serve import ROOT, Served, harvest_test
from tests.harvesters.conftest import harvest_ini

#: The two web servers of the session test.
PORTS = (5095, 5096)
CKAN = str(Path(sys.executable).with_name("ckan"))


def process(argv: list[str], env: dict[str, str] | None = None) -> Served:
    """A command, its output collected line by line (test_serve's helper)."""
    return Served(Path(), 0, argv=argv, env=env)


def stop(served: Served) -> None:
    if served.process.poll() is None:
        os.killpg(served.process.pid, signal.SIGTERM)
        try:
            served.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            served.kill_everything()


def wait_for(predicate, timeout: float, what: str, processes=()):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.5)
    logs = "\n".join(p.output()[-3000:] for p in processes)
    raise AssertionError(f"{what}: not within {timeout} s\n{logs}")


def blocked_consumers(redis) -> int:
    """Clients waiting on a queue of this Redis database (the server may
    serve other databases, whose consumers come and go)."""
    db = str(redis.connection_pool.connection_kwargs.get("db", 0))
    return sum(
        1
        for client in redis.client_list()
        if client.get("cmd") == "blpop" and client.get("db") == db
    )


@harvest_test
def test_two_harvest_workers_share_the_queues_without_duplicates_or_losses(
    lyon, ckan_config, tmp_path
):
    ini = harvest_ini(ckan_config, tmp_path)
    # the consumers say which job (DEBUG) and which record (INFO) they receive
    text = ini.read_text().replace("%%(", "%(").replace("level = WARN", "level = INFO")
    text = text.replace("[loggers]\nkeys = root", "[loggers]\nkeys = root, queue")
    ini.write_text(
        text + "[logger_queue]\nlevel = DEBUG\nhandlers =\nqualname = ckanext.harvest.queue\n"
    )
    queue.purge_queues()
    redis = queue.get_connection()
    workers = [
        process([CKAN, "-c", str(ini), "harvester", kind])
        for kind in ("gather-consumer", "gather-consumer", "fetch-consumer", "fetch-consumer")
    ]
    try:
        wait_for(lambda: blocked_consumers(redis) >= 4, 120, "four consumers waiting", workers)
        organizations = demo.ensure_organizations()
        source = demo.ensure_source(organizations["metropole-de-lyon"])
        job = helpers.call_action("harvest_job_create", source_id=source["id"], run=True)

        def finished():
            # a round of the scheduler (harvest_jobs_run) every half second,
            # with its resubmission of the records missing from Redis
            helpers.call_action("harvest_jobs_run")
            model.Session.remove()
            shown = helpers.call_action("harvest_job_show", id=job["id"])
            return shown if shown["status"] == "Finished" else None

        shown = wait_for(finished, 120, "the harvest finished", workers)
        time.sleep(2)  # a duplicate still in a queue would arrive now
    finally:
        for worker in workers:
            stop(worker)
        queue.purge_queues()
    logs = ROOT / "test-artifacts" / "scale-out-consumers.log"
    logs.parent.mkdir(parents=True, exist_ok=True)
    logs.write_text("\n\n".join(w.output() for w in workers) + "\n", encoding="utf-8")
    gathered = [w.output().count("Received harvest job id") for w in workers[:2]]
    assert sorted(gathered) == [0, 1]  # the job gathered once, by one of them
    received = [
        re.findall(r"Received harvest object id: ([0-9a-f-]+)", w.output()) for w in workers[2:]
    ]
    every = received[0] + received[1]
    records = [
        obj.id for obj in model.Session.query(HarvestObject).filter_by(harvest_job_id=job["id"])
    ]
    assert len(records) == 21
    assert sorted(every) == sorted(records)  # each record fetched once: no duplicate, none lost
    assert all(received), "both fetch workers took records"
    assert shown["stats"]["added"] == 21 and shown["stats"]["errored"] == 0


def login(base: str, session: requests.Session, name: str, password: str) -> None:
    form = session.get(f"{base}/user/login", timeout=30)
    token = re.search(r'name="_csrf_token" value="([^"]+)"', form.text).group(1)
    answer = session.post(
        f"{base}/user/login",
        data={"login": name, "password": password, "_csrf_token": token},
        timeout=30,
    )
    assert answer.status_code == 200, answer.status_code


@harvest_test
def test_a_user_logged_in_on_one_web_server_acts_on_the_other(clean_db, tmp_path):
    environment = production_environment(tmp_path, PORTS[0])
    prepare(tmp_path, environment)
    rendered = dict(
        line.split("=", 1)
        for line in (tmp_path / "territoires.env").read_text().splitlines()
        if "=" in line and not line.startswith("#")
    )
    password = "Mot-de-passe-2026"
    user = factories.User(password=password)
    servers = [
        process(
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "--config",
                str(ROOT / "config" / "production" / "gunicorn.conf.py"),
                "--chdir",
                str(ROOT / "config" / "production"),
                "wsgi:application",
            ],
            env={
                **rendered,
                **environment,
                "CKAN_BIND": f"127.0.0.1:{port}",
                "WEB_CONCURRENCY": "1",
            },
        )
        for port in PORTS
    ]
    first, second = (f"http://127.0.0.1:{port}" for port in PORTS)
    try:
        for base in (first, second):
            wait_for(web_up(base), 240, f"{base} answering", servers)
        browser = requests.Session()
        login(first, browser, user["name"], password)
        # the session (its cookie) opened on the first server is known to the second
        tokens_page = browser.get(f"{second}/user/{user['name']}/api-tokens", timeout=30)
        assert tokens_page.status_code == 200
        assert user["name"] in tokens_page.text
        csrf = re.search(r'name="_csrf_token" value="([^"]+)"', tokens_page.text).group(1)
        created = browser.post(
            f"{second}/user/{user['name']}/api-tokens",
            data={"name": "from-the-second-server", "_csrf_token": csrf},
            timeout=30,
        )
        assert created.status_code == 200
        model.Session.remove()
        tokens = helpers.call_action(
            "api_token_list", context={"user": user["name"]}, user_id=user["id"]
        )
        assert [token["name"] for token in tokens] == ["from-the-second-server"]
        # logged out on the second, logged out everywhere (the session is gone from Redis)
        browser.post(f"{second}/user/_logout", data={"_csrf_token": csrf}, timeout=30)
        again = browser.get(f"{first}/user/{user['name']}/api-tokens", timeout=30)
        assert again.status_code == 403 or "/user/login" in again.url, again.status_code
    finally:
        for server in servers:
            stop(server)
