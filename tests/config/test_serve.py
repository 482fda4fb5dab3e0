"""``config/serve.py``, the processes of ``make run``: against the test
database, on a free port, a harvest started as the "Reharvest" button does
(action ``harvest_job_create`` with ``run``) finishes within a minute;
a process that dies is started again; SIGTERM stops them all."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import ckan.tests.factories as factories
import pytest
import requests
from ckanext.harvest import queue

from ckanext.territoires.harvesters import demo
from tests.harvesters.conftest import harvest_ini, harvest_marks

ROOT = Path(__file__).resolve().parents[2]
#: The supervisor's output is kept there (git-ignored), as the browser tests' screenshots.
LOG = ROOT / "test-artifacts" / "serve.log"
NAMES = ("web", "gather", "fetch", "jobs", "scheduler")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Served:
    """The supervisor, its output collected line by line."""

    def __init__(self, ini: Path, port: int, argv: list[str] | None = None, env=None):
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            argv
            or [
                sys.executable,
                str(ROOT / "config" / "serve.py"),
                "--ini",
                str(ini),
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--no-reload",
                "--interval",
                "2",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env={**(env or os.environ), "PYTHONUNBUFFERED": "1"},
        )
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for raw in iter(self.process.stdout.readline, b""):
            self.lines.append(raw.decode("utf-8", errors="replace").rstrip("\n"))

    def output(self) -> str:
        return "\n".join(self.lines)

    def pids(self) -> dict[str, list[int]]:
        """The processes started, by name, in order."""
        found: dict[str, list[int]] = {}
        for line in self.lines:
            match = re.match(r"serve\s+\| started (\w+) \(pid (\d+)\)", line)
            if match:
                found.setdefault(match.group(1), []).append(int(match.group(2)))
        return found

    def wait_for(self, predicate, timeout: float, what: str):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = predicate()
            if value:
                return value
            assert self.process.poll() is None, f"the supervisor stopped:\n{self.output()}"
            time.sleep(0.5)
        raise AssertionError(f"{what}: not within {timeout} s\n{self.output()[-6000:]}")

    def kill_everything(self) -> None:
        """Last resort of the test (the supervisor is meant to do this)."""
        for pids in self.pids().values():
            for pid in pids:
                group_gone(pid) or os.killpg(pid, signal.SIGKILL)
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def group_gone(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.fixture
def served(ckan_config, tmp_path):
    port = free_port()
    ini = harvest_ini(ckan_config, tmp_path, **{"ckan.site_url": f"http://127.0.0.1:{port}"})
    # the commands read their logging settings raw (no "%%" escapes), at INFO
    # so that every process says something
    logging = ini.read_text().replace("%%(", "%(").replace("level = WARN", "level = INFO")
    ini.write_text(logging)
    queue.purge_queues()
    supervisor = Served(ini, port)
    supervisor.base = f"http://127.0.0.1:{port}"  # type: ignore[attr-defined]
    yield supervisor
    supervisor.kill_everything()
    queue.purge_queues()
    LOG.parent.mkdir(parents=True, exist_ok=True)
    LOG.write_text(supervisor.output() + "\n", encoding="utf-8")


def api(base: str, action: str, token: str, **data):
    response = requests.post(
        f"{base}/api/3/action/{action}", json=data, headers={"Authorization": token}, timeout=30
    )
    assert response.status_code == 200, response.text
    return response.json()["result"]


def harvest_test(function):
    """The marks of the harvest tests (plugins, options, clean database)."""
    for mark in harvest_marks():
        function = mark(function)
    return function


@harvest_test
def test_reharvest_completes_under_the_supervised_processes(served, lyon):
    sysadmin = factories.SysadminWithToken()
    organizations = demo.ensure_organizations()
    source = demo.ensure_source(organizations["metropole-de-lyon"])

    def web_up():
        try:
            return requests.get(f"{served.base}/api/3/action/status_show", timeout=5).ok
        except requests.ConnectionError:
            return False

    served.wait_for(web_up, 240, "the web server answering")
    served.wait_for(
        lambda: "Harvest scheduler: a round every 2 s." in served.output(), 120, "the scheduler"
    )
    started = time.monotonic()
    # what the "Reharvest" button of the source's admin page does
    job = api(
        served.base, "harvest_job_create", sysadmin["token"], source_id=source["id"], run=True
    )

    def finished():
        shown = api(served.base, "harvest_job_show", sysadmin["token"], id=job["id"])
        return shown if shown["status"] == "Finished" else None

    shown = served.wait_for(finished, 60, "the harvest finished")
    assert time.monotonic() - started < 60
    assert shown["stats"]["added"] == 21
    output = served.output()
    for name in NAMES:
        assert re.search(rf"^{name}\s+\| ", output, re.MULTILINE), name
    served.wait_for(  # printed once the round that closed the job is over
        lambda: "Harvest finished: Catalogue de démonstration des communes" in served.output(),
        15,
        "the scheduler's report",
    )

    # a process that dies is started again
    [gather] = served.pids()["gather"]
    os.killpg(gather, signal.SIGKILL)
    served.wait_for(lambda: len(served.pids().get("gather", [])) == 2, 30, "gather restarted")
    assert re.search(
        r"gather exited with status -9 after \d+ s; restarting in 1 s", served.output()
    )

    # SIGTERM stops them all, and their children
    pids = served.pids()
    assert set(pids) == set(NAMES)
    os.kill(served.process.pid, signal.SIGTERM)
    assert served.process.wait(timeout=60) == 0
    served.reader.join(timeout=10)
    assert "serve     | all processes stopped" in served.output()
    assert all(group_gone(pid) for started_pids in pids.values() for pid in started_pids)


CHILD = """
import subprocess, sys, time
grandchild = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"])
print("grandchild", grandchild.pid, flush=True)
time.sleep(300)
"""
SUPERVISOR = """
import sys
sys.path.insert(0, {config!r})
import serve
children = [
    serve.Child("parent", [sys.executable, "-c", {child!r}]),
    serve.Child("flaky", [sys.executable, "-c", "print('dying', flush=True)"]),
]
sys.exit(serve.Supervisor(children, grace=5).run())
"""


def test_ctrl_c_stops_every_process_with_its_children_and_a_dead_one_is_restarted():
    process = subprocess.Popen(
        [sys.executable, "-c", SUPERVISOR.format(config=str(ROOT / "config"), child=CHILD)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        text=True,
    )
    lines: list[str] = []
    assert process.stdout is not None
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        lines.append(process.stdout.readline().rstrip("\n"))
        text = "\n".join(lines)
        if "grandchild" in text and text.count("flaky exited with status 0") >= 3:
            break
    text = "\n".join(lines)
    grandchild = int(re.search(r"parent \| grandchild (\d+)", text).group(1))
    # restarted after 1 s, then 2 s, then 4 s while it keeps dying at once
    assert "restarting in 1 s" in text and "restarting in 2 s" in text, text
    assert re.search(r"^flaky  \| dying$", text, re.MULTILINE)
    os.killpg(process.pid, signal.SIGINT)  # Ctrl-C in the terminal
    output, _ = process.communicate(timeout=30)
    assert process.returncode == 0
    assert "serve  | all processes stopped" in output
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and not pid_gone(grandchild):
        time.sleep(0.1)
    assert pid_gone(grandchild)


def pid_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


WAITING = """
import socket, sys, threading, time
sys.path.insert(0, {config!r})
import serve
probe = socket.socket()
probe.bind(("127.0.0.1", 0))
port = probe.getsockname()[1]
probe.close()
def listen_later():
    time.sleep(2)
    print("listening", flush=True)
    server = socket.create_server(("127.0.0.1", port))
    time.sleep(60)
threading.Thread(target=listen_later, daemon=True).start()
children = [
    serve.Child("worker", [sys.executable, "-c", "print('worker up', flush=True); import time; time.sleep(60)"],
                wait_for=("127.0.0.1", port)),
]
sys.exit(serve.Supervisor(children, grace=5).run())
"""


def test_the_job_worker_starts_once_the_web_server_answers():
    """xloader's jobs download uploaded files from the portal and report to
    it over HTTP: the worker waits for the web server."""
    process = subprocess.Popen(
        [sys.executable, "-c", WAITING.format(config=str(ROOT / "config"))],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        text=True,
    )
    assert process.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not any("worker up" in line for line in lines):
        lines.append(process.stdout.readline().rstrip("\n"))
    os.killpg(process.pid, signal.SIGINT)
    process.communicate(timeout=30)
    listening = next(i for i, line in enumerate(lines) if "listening" in line)
    started = next(i for i, line in enumerate(lines) if "worker up" in line)
    assert listening < started, lines


def test_make_run_s_job_worker_waits_for_the_web_server():
    sys.path.insert(0, str(ROOT / "config"))
    try:
        import serve as module
    finally:
        sys.path.remove(str(ROOT / "config"))
    args = module.parse(["--ini", "ckan.ini", "--port", "5099"])
    children = {child.name: child for child in module.commands(args)}
    assert children["jobs"].wait_for == ("127.0.0.1", 5099)
    assert children["web"].wait_for is None
