"""The processes of `make run`, started, watched and stopped together.

    python config/serve.py --ini ckan.ini --host 127.0.0.1 --port 5000

Starts, each as a process of its own:

- ``web``: CKAN's web server (``ckan run``, without the interactive debugger);
- ``gather`` and ``fetch``: ckanext-harvest's queue consumers
  (``ckan harvester gather-consumer`` / ``fetch-consumer``), which run the
  jobs that "Reharvest" and the scheduler put on the harvest queues;
- ``jobs``: CKAN's background job worker (``ckan jobs worker``);
- ``scheduler``: ``ckan territoires harvest scheduler``, which every few
  seconds starts the jobs of sources whose frequency is due and closes the
  finished (and dead) jobs, as ckanext-harvest's ``ckan harvester run``
  does from a cron.

Their output is printed line by line, prefixed by their name. A process
that dies is started again (after 1 s, doubling up to 30 s while it keeps
dying at once). Ctrl-C or SIGTERM stops them all: each runs in a process
group of its own, which gets SIGTERM, then SIGKILL after ``--grace``
seconds, so that no child of theirs (the web server's reloader) is left.
Only the standard library is used.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field

#: Longest wait for a child's ``wait_for`` address before starting it anyway.
WAIT_AT_MOST = 120.0
#: A process that lived this long is healthy again: its next restart waits 1 s.
HEALTHY_AFTER = 60.0
FIRST_DELAY = 1.0
LONGEST_DELAY = 30.0


@dataclass
class Child:
    """One supervised command."""

    name: str
    argv: list[str]
    process: subprocess.Popen | None = None
    started_at: float = 0.0
    delay: float = FIRST_DELAY
    restart_at: float | None = None
    readers: list[threading.Thread] = field(default_factory=list)
    #: (host, port): started only once a connection there succeeds (the job
    #: worker waits for the web server: ckanext-xloader's jobs download the
    #: uploaded files from it and report to it), or after WAIT_AT_MOST seconds
    wait_for: tuple[str, int] | None = None


class Supervisor:
    def __init__(self, children: list[Child], grace: float = 10.0, out=sys.stdout):
        self.children = children
        self.grace = grace
        self.out = out
        self.width = max(len(child.name) for child in [*children, Child("serve", [])])
        self.lock = threading.Lock()
        #: set by the signal handler (a plain flag: taking a lock there could deadlock)
        self.stopping = False
        self.started = time.monotonic()

    # -- output ----------------------------------------------------------

    def say(self, name: str, line: str) -> None:
        with self.lock:
            self.out.write(f"{name:<{self.width}} | {line}\n")
            self.out.flush()

    def _pipe(self, child: Child, stream) -> None:
        for raw in iter(stream.readline, b""):
            self.say(child.name, raw.decode("utf-8", errors="replace").rstrip("\n"))
        stream.close()

    # -- processes -------------------------------------------------------

    def start(self, child: Child) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        child.process = subprocess.Popen(
            child.argv,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            # a group of its own: Ctrl-C reaches the supervisor only, which
            # then stops each group whole (grandchildren included)
            start_new_session=True,
        )
        child.started_at = time.monotonic()
        child.restart_at = None
        reader = threading.Thread(target=self._pipe, args=(child, child.process.stdout))
        reader.daemon = True
        reader.start()
        child.readers.append(reader)
        self.say("serve", f"started {child.name} (pid {child.process.pid}): {' '.join(child.argv)}")

    @staticmethod
    def _signal_group(child: Child, signum: int) -> None:
        if child.process is None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):  # already gone
            os.killpg(child.process.pid, signum)

    def _check(self, child: Child, now: float) -> None:
        """Start again a child that died (after its delay)."""
        if child.process is not None and child.process.poll() is not None:
            code = child.process.returncode
            self._signal_group(child, signal.SIGKILL)  # what it left behind
            lived = now - child.started_at
            child.delay = FIRST_DELAY if lived >= HEALTHY_AFTER else child.delay
            child.restart_at = now + child.delay
            self.say(
                "serve",
                f"{child.name} exited with status {code} after {lived:.0f} s; "
                f"restarting in {child.delay:.0f} s",
            )
            child.delay = min(child.delay * 2, LONGEST_DELAY)
            child.process = None
        if child.process is None and child.restart_at is not None and now >= child.restart_at:
            if child.wait_for is None or self._answers(child.wait_for):
                self.start(child)
            elif now - self.started > WAIT_AT_MOST:
                self.say("serve", f"{child.name}: nothing answers at {child.wait_for}; started")
                self.start(child)

    @staticmethod
    def _answers(address: tuple[str, int]) -> bool:
        try:
            socket.create_connection(address, timeout=0.5).close()
        except OSError:
            return False
        return True

    def stop(self) -> None:
        """SIGTERM to every group, SIGKILL to those still there after the grace."""
        running = [child for child in self.children if child.process is not None]
        for child in running:
            self._signal_group(child, signal.SIGTERM)
        deadline = time.monotonic() + self.grace
        for child in running:
            assert child.process is not None
            try:
                child.process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.say("serve", f"{child.name} did not stop in {self.grace:.0f} s: killed")
            self._signal_group(child, signal.SIGKILL)
            child.process.wait()
        for child in self.children:
            for reader in child.readers:
                reader.join(timeout=2)
        self.say("serve", "all processes stopped")

    def run(self) -> int:
        def on_signal(signum, _frame):
            self.stopping = True

        signal.signal(signal.SIGINT, on_signal)
        signal.signal(signal.SIGTERM, on_signal)
        self.started = time.monotonic()
        try:
            for child in self.children:
                if child.wait_for is None:
                    self.start(child)
                else:
                    child.restart_at = self.started
                    self.say(
                        "serve", f"{child.name} waits for {child.wait_for[0]}:{child.wait_for[1]}"
                    )
            while not self.stopping:
                now = time.monotonic()
                for child in self.children:
                    self._check(child, now)
                time.sleep(0.5)
            self.say("serve", "stopping every process")
        finally:  # also when a command cannot be started at all
            self.stop()
        return 0


def commands(args: argparse.Namespace) -> list[Child]:
    ckan = [args.ckan, "-c", args.ini]
    web = [*ckan, "run", "--host", args.host, "--port", str(args.port), "--disable-debugger"]
    if not args.reload:
        web.append("--disable-reloader")
    return [
        Child("web", web),
        Child("gather", [*ckan, "harvester", "gather-consumer"]),
        Child("fetch", [*ckan, "harvester", "fetch-consumer"]),
        Child("jobs", [*ckan, "jobs", "worker"], wait_for=(args.host, args.port)),
        Child(
            "scheduler",
            [*ckan, "territoires", "harvest", "scheduler", "--interval", str(args.interval)],
        ),
    ]


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ini", default="ckan.ini", help="CKAN configuration file")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    parser.add_argument(
        "--ckan",
        default=os.path.join(os.path.dirname(sys.executable), "ckan"),
        help="the ckan command (default: the one beside this Python)",
    )
    parser.add_argument(
        "--interval", type=int, default=10, help="seconds between two rounds of the scheduler"
    )
    parser.add_argument(
        "--no-reload",
        dest="reload",
        action="store_false",
        help="no reloader for the web server (it restarts on code changes otherwise)",
    )
    parser.add_argument(
        "--grace", type=float, default=10.0, help="seconds given to each process to stop"
    )
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse(argv)
    return Supervisor(commands(args), grace=args.grace).run()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
