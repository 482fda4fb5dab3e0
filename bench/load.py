"""Load test of a running portal (`make run-prod`): concurrent visitors.

    .venv/bin/python bench/load.py --base http://127.0.0.1:5000 [--users 20] [--duration 60]

Each of ``--users`` threads visits, for ``--duration`` seconds (pausing
``--think`` seconds on average between pages, none by default), pages drawn
with these weights: the home page (2), the communes index (1), a commune
page (3), the search API (3: ``package_search`` with a word, a commune
filter or a facet) and a dataset page (3). Commune and dataset addresses are
read from the portal first (the communes index, ``package_search``). Every
request has a timeout; an answer other than 200, or none, is an error.

``--warm`` first asks once for every address the visitors may draw (the
proxy's cache then holds them all: the steady state of a visited portal);
without it the run starts with a cold cache.

Prints, per kind of page, the requests, errors, p50, p95 and largest time
(ms) and the share of answers nginx served from its cache (``X-Cache-Status``
HIT, STALE or UPDATING), then the whole throughput (requests/s) and the
machine's load (``uptime``). Only loopback addresses are accepted: this sends traffic to a
server of this machine, bounded in time. Standard library and ``requests``
only; exits 1 when there was an error.
"""

from __future__ import annotations

import argparse
import ipaddress
import random
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlparse

import requests

WORDS = ("velo", "ecole", "eau", "budget", "stationnement", "bibliotheque", "parc", "bus")
CODES = ("69123", "69266", "69029", "69259", "69381")
WEIGHTS = {"home": 2, "communes": 1, "commune": 3, "search": 3, "dataset": 3}
TIMEOUT = 30.0
#: X-Cache-Status values of an answer from nginx's cache.
CACHED = {"HIT", "STALE", "UPDATING"}


@dataclass
class Samples:
    times: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    cached: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, seconds: float, error: str | None, cached: bool = False) -> None:
        with self.lock:
            self.times.setdefault(kind, []).append(seconds)
            self.cached[kind] = self.cached.get(kind, 0) + cached
            if error:
                self.errors.setdefault(kind, []).append(error)


def loopback_only(base: str) -> None:
    host = urlparse(base).hostname or ""
    addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    if not addresses or not all(ipaddress.ip_address(a).is_loopback for a in addresses):
        raise SystemExit(f"bench/load.py: {base} is not a loopback address; refused")


def discover(base: str) -> tuple[list[str], list[str]]:
    """Commune pages and dataset pages of the portal."""
    index = requests.get(f"{base}/communes", timeout=TIMEOUT)
    index.raise_for_status()
    communes = sorted(set(re.findall(r'href="(/commune/[a-z0-9-]+)"', index.text)))
    found = requests.get(
        f"{base}/api/3/action/package_search", params={"rows": 200}, timeout=TIMEOUT
    ).json()["result"]["results"]
    datasets = [f"/dataset/{item['name']}" for item in found if item.get("type") == "dataset"]
    if not communes or not datasets:
        raise SystemExit("bench/load.py: no commune or no dataset on this portal (load the demo)")
    return communes, datasets


def address(kind: str, rng: random.Random, communes: list[str], datasets: list[str]) -> str:
    if kind == "home":
        return "/"
    if kind == "communes":
        return "/communes"
    if kind == "commune":
        return rng.choice(communes)
    if kind == "dataset":
        return rng.choice(datasets)
    choice = rng.randrange(3)
    if choice == 0:
        return f"/api/3/action/package_search?q={rng.choice(WORDS)}"
    if choice == 1:
        code = rng.choice(CODES)
        return f"/api/3/action/package_search?fq=territoires_communes:{code}"
    return '/api/3/action/package_search?facet.field=["territoires_communes"]&rows=5'


def visitor(base, deadline, samples, communes, datasets, seed, think=0.0) -> None:
    rng = random.Random(seed)
    kinds = [kind for kind, weight in WEIGHTS.items() for _ in range(weight)]
    session = requests.Session()
    while time.monotonic() < deadline:
        kind = rng.choice(kinds)
        path = address(kind, rng, communes, datasets)
        started = time.monotonic()
        error, cached = None, False
        try:
            response = session.get(base + path, timeout=TIMEOUT)
            cached = response.headers.get("X-Cache-Status", "") in CACHED
            if response.status_code != 200:
                error = f"{response.status_code} {path}"
        except requests.RequestException as exc:
            error = f"{type(exc).__name__} {path}"
        samples.add(kind, time.monotonic() - started, error, cached)
        if think:  # a reader's pause, 0 to twice --think seconds
            time.sleep(min(rng.uniform(0, 2 * think), max(0.0, deadline - time.monotonic())))


def every_address(communes: list[str], datasets: list[str]) -> list[str]:
    """Every address :func:`address` may draw."""
    searches = [f"/api/3/action/package_search?q={word}" for word in WORDS]
    searches += [f"/api/3/action/package_search?fq=territoires_communes:{code}" for code in CODES]
    searches.append('/api/3/action/package_search?facet.field=["territoires_communes"]&rows=5')
    return ["/", "/communes", *communes, *datasets, *searches]


def warm(base: str, communes: list[str], datasets: list[str]) -> None:
    """Ask once for every address (a visited portal: the proxy's cache full)."""
    started = time.monotonic()
    addresses = every_address(communes, datasets)
    with requests.Session() as session:
        for path in addresses:
            session.get(base + path, timeout=TIMEOUT)
    print(f"warmed: {len(addresses)} addresses in {time.monotonic() - started:.0f} s")


def percentile(values: list[float], share: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(share * 100) - 1]


def report(samples: Samples, elapsed: float, users: int) -> int:
    print(f"\n{users} users for {elapsed:.0f} s")
    print(
        f"{'page':<10} {'requests':>8} {'errors':>6} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7}"
        f" {'cached':>6}"
    )
    total = errors = 0
    for kind in WEIGHTS:
        times = samples.times.get(kind, [])
        failed = len(samples.errors.get(kind, []))
        total += len(times)
        errors += failed
        if not times:
            continue
        print(
            f"{kind:<10} {len(times):>8} {failed:>6} {percentile(times, 0.5) * 1000:>7.0f} "
            f"{percentile(times, 0.95) * 1000:>7.0f} {max(times) * 1000:>7.0f} "
            f"{samples.cached.get(kind, 0) / len(times):>6.0%}"
        )
    every = [t for times in samples.times.values() for t in times]
    print(
        f"{'all':<10} {total:>8} {errors:>6} {percentile(every, 0.5) * 1000:>7.0f} "
        f"{percentile(every, 0.95) * 1000:>7.0f} {max(every) * 1000:>7.0f} "
        f"{sum(samples.cached.values()) / max(total, 1):>6.0%}"
    )
    print(f"throughput: {total / elapsed:.1f} requests/s, errors: {errors}")
    for kind, failures in samples.errors.items():
        print(f"  {kind}: {', '.join(sorted(set(failures))[:5])}")
    uptime = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    print(f"uptime: {uptime}")
    return 1 if errors else 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default="http://127.0.0.1:5000")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds (at most 600)")
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument(
        "--think", type=float, default=0.0, help="mean pause of a user between pages (s; 0: none)"
    )
    parser.add_argument(
        "--warm", action="store_true", help="ask once for every address before the run"
    )
    args = parser.parse_args(argv)
    base = args.base.rstrip("/")
    loopback_only(base)
    duration = min(max(args.duration, 1.0), 600.0)
    communes, datasets = discover(base)
    print(f"{base}: {len(communes)} commune pages, {len(datasets)} dataset pages")
    if args.warm:
        warm(base, communes, datasets)
    samples = Samples()
    started = time.monotonic()
    deadline = started + duration
    threads = [
        threading.Thread(
            target=visitor,
            args=(base, deadline, samples, communes, datasets, args.seed + number, args.think),
            daemon=True,
        )
        for number in range(args.users)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=duration + TIMEOUT + 5)
    return report(samples, time.monotonic() - started, args.users)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
