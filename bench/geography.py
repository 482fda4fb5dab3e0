#!/usr/bin/env python
"""Benchmark of the coverage from geometry (``geography/``, ``territorialise``).

No database: the outlines shipped in the package and the referential only.
For three territories (a commune: Lyon; an EPCI: the Métropole de Lyon, 58
communes; a région: Auvergne-Rhône-Alpes, 4,025 communes) it measures:

1. **loading**: the time to read the outlines of the territory's
   départements and build its spatial index (first use in a process), and
   the memory this takes (growth of the resident set of a process of its
   own, the referential already loaded);
2. **territorialising a record** whose only coverage is a bounding box,
   through ``harvesters.territorialise.territorialise`` as the harvester
   calls it: ``--n`` random boxes (default 500) of random sizes (from a
   tenth of a commune to the whole territory and beyond) drawn around the
   territory, p50 / p95 / max per record; and the territory's own box.

Then the memory of the outlines of the whole of France, for reference.
The last thing printed is a Markdown table to paste into the README::

    .venv/bin/python bench/geography.py [--n 500] [--seed 1]
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ckanext.territoires.geography.outlines import SHIPPED_DIR, Outlines
from ckanext.territoires.harvesters.territorialise import (
    PlaceHints,
    territorialise,
)
from ckanext.territoires.referential import get_referential, parse_scope

SCOPES = (
    ("commune", "commune:69123", "Lyon"),
    ("EPCI", "epci:200046977", "Métropole de Lyon"),
    ("région", "region:84", "Auvergne-Rhône-Alpes"),
)


def rss_mb() -> float:
    """Resident set size of this process, in MB (Linux)."""
    with open("/proc/self/statm") as stream:
        pages = int(stream.read().split()[1])
    return pages * 4096 / 1e6


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def random_boxes(bounds, count: int, rng: random.Random) -> list[str]:
    """Boxes around the territory: centre anywhere in (a margin around) it,
    size from 200 m to 1.5 times the territory."""
    west, south, east, north = bounds
    width, height = east - west, north - south
    boxes = []
    for _ in range(count):
        x = rng.uniform(west - 0.2 * width, east + 0.2 * width)
        y = rng.uniform(south - 0.2 * height, north + 0.2 * height)
        size = 10 ** rng.uniform(-2.7, 0) * 1.5 * max(width, height)
        boxes.append(f"{x - size / 2:.5f},{y - size / 2:.5f},{x + size / 2:.5f},{y + size / 2:.5f}")
    return boxes


def measure(scope_value: str, count: int, rng: random.Random) -> dict:
    scope = parse_scope(scope_value)
    import ckanext.territoires.geography.outlines as store

    outlines = store.get_outlines(SHIPPED_DIR)  # the process's outlines, nothing loaded yet
    gc.collect()
    before = rss_mb()
    started = time.perf_counter()
    index = outlines.scope_index(scope)
    load_ms = (time.perf_counter() - started) * 1000
    memory = rss_mb() - before
    own_box = ",".join(f"{value:.5f}" for value in index.total_bounds)
    territorialise(PlaceHints(extents=[own_box]), scope=scope)  # warm the caches
    timings = []
    whole = outside = 0
    for box in random_boxes(index.total_bounds, count, rng):
        started = time.perf_counter()
        coverage = territorialise(PlaceHints(extents=[box]), scope=scope)
        timings.append((time.perf_counter() - started) * 1000)
        whole += coverage.whole
        outside += coverage.origin == "outside"
    started = time.perf_counter()
    for _ in range(20):
        own = territorialise(PlaceHints(extents=[own_box]), scope=scope)
    own_ms = (time.perf_counter() - started) * 1000 / 20
    return {
        "communes": len(scope.communes),
        "departements": len(outlines.loaded_departements),
        "load_ms": load_ms,
        "memory_mb": memory,
        "p50": statistics.median(timings),
        "p95": percentile(timings, 0.95),
        "max": max(timings),
        "own_ms": own_ms,
        "own_whole": own.whole,
        "whole": whole,
        "outside": outside,
    }


def france_memory() -> tuple[float, float]:
    outlines = Outlines(SHIPPED_DIR)
    gc.collect()
    before = rss_mb()
    started = time.perf_counter()
    for departement in outlines.manifest["departements"]:
        outlines.load_departement(departement)
    return rss_mb() - before, time.perf_counter() - started


def in_own_process(*args: str) -> dict:
    """Run one measure in a fresh process (clean memory figures)."""
    output = subprocess.run(
        [sys.executable, __file__, *args], check=True, capture_output=True, text=True
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=500, help="random boxes per territory")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--one", help=argparse.SUPPRESS)  # one territory, in this process
    parser.add_argument("--france", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    get_referential()  # loaded once, outside the measures
    if args.one:
        print(json.dumps(measure(args.one, args.n, random.Random(args.seed))))
        return 0
    if args.france:
        print(json.dumps(france_memory()))
        return 0
    rows = []
    for label, value, name in SCOPES:
        result = in_own_process("--one", value, "--n", str(args.n), "--seed", str(args.seed))
        rows.append((label, name, result))
        print(f"{label:8} {name}: {result}", flush=True)
    france_mb, france_s = in_own_process("--france")
    print(f"all of France: {france_mb:.0f} MB, loaded in {france_s:.1f} s")
    print()
    print(
        "| territory | communes | outlines loaded (départements) | first load | memory | "
        "a record's box: p50 / p95 / max | the territory's own box |"
    )
    print("| --- | ---: | ---: | ---: | ---: | --- | --- |")
    for label, name, r in rows:
        print(
            f"| {label}: {name} | {r['communes']:,} | {r['departements']} | {r['load_ms']:.0f} ms "
            f"| {r['memory_mb']:.0f} MB | {r['p50']:.2f} / {r['p95']:.2f} / {r['max']:.1f} ms "
            f"| {r['own_ms']:.2f} ms ({'whole territory' if r['own_whole'] else 'not whole'}) |"
        )
    print(
        f"| all of France (reference) | 34,868 | 101 | {france_s * 1000:.0f} ms | {france_mb:.0f} MB | | |"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
