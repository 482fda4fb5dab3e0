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

Then the memory of the outlines of the whole of France, for reference,
and 3. **the maps of the pages** (``geography/maps.py`` and the template
snippet ``territoires/snippets/map.html``, rendered by Jinja as the page
does; the outlines of the territory already loaded): in a portal of the
région, the map of a commune page (the commune among the communes of its
intercommunality) for ``--maps`` random communes, of each intercommunality
page (its communes shaded by their counts), and of the home page (the
territory: its communes in a portal of the Métropole de Lyon, its
intercommunalities in a portal of the région); for each, the first map of
a place in the process (projection and simplification of its outlines,
then cached) and the next ones, p50 / p95 in ms of CPU time (the machine
may be shared), and the size of the SVG.
What the page adds around it (one SQL statement for the commune groups,
``url_for`` per link, the counts from the page's search) is not in these
figures. The last things printed are Markdown tables to paste into the README::

    .venv/bin/python bench/geography.py [--n 500] [--seed 1] [--maps 200]
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


MAP_TEMPLATE = (
    Path(__file__).resolve().parents[1]
    / "ckanext/territoires/templates/territoires/snippets/map.html"
)


def map_template():
    """The page's map snippet, in a Jinja environment with stand-ins for
    CKAN's translation functions and number formatting."""
    from types import SimpleNamespace

    import jinja2

    environment = jinja2.Environment(autoescape=True)
    environment.globals.update(
        _=lambda text: text,
        ungettext=lambda one, many, number: one if number == 1 else many,
        h=SimpleNamespace(localised_number=lambda number: f"{number:,}"),
    )
    return environment.from_string(MAP_TEMPLATE.read_text(encoding="utf-8"))


def draw(template, outlines, kind: str, codes: tuple, counts=None, highlighted=frozenset()) -> str:
    """One map as the action and the snippet make it: paths (cached per set
    of places), shapes, legend, SVG text."""
    from ckanext.territoires.geography import maps

    base = maps.base_paths(outlines, kind, codes)
    shapes, legend = maps.shapes(
        base,
        codes,
        lambda code: code,
        lambda code: f"/commune/{code}",
        counts.get if counts is not None else None,
        highlighted,
    )
    labels = [
        {"x": base.points[code][0], "y": base.points[code][1], "text": code}
        for code in highlighted
        if code in base.points
    ]
    proj = base.projection
    drawing = maps.Drawing(proj.width, proj.height, proj.view_box, shapes, labels=labels)
    drawing.legend = legend
    return template.render(
        map={
            **drawing.as_dict(),
            "kind": kind,
            "title": "t",
            "description": "d",
            "attribution": "a",
        },
        map_id="m",
    )


def timed(function, *args, **kwargs) -> tuple[float, str]:
    """CPU time of the process (ms): the machine may be shared; a map is
    computed without waiting on anything."""
    started = time.process_time()
    svg = function(*args, **kwargs)
    return (time.process_time() - started) * 1000, svg


def map_costs(count: int, seed: int) -> dict:
    """Cost of the maps of the pages (see the module doc), in this process."""
    import ckanext.territoires.geography.outlines as store
    from ckanext.territoires.geography import maps

    ref = get_referential()
    outlines = store.get_outlines(SHIPPED_DIR)
    region = parse_scope("region:84")
    outlines.scope_index(region)  # the territory's outlines are loaded
    template = map_template()
    rng = random.Random(seed)
    communes = [c for c in sorted(region.communes) if ref.communes[c].epci]
    results: dict[str, dict] = {}

    def record(name: str, first: list[float], next_: list[float], sizes: list[int]) -> None:
        results[name] = {
            "maps": len(sizes),
            "first_p50": statistics.median(first),
            "first_p95": percentile(first, 0.95),
            "next_p50": statistics.median(next_),
            "next_p95": percentile(next_, 0.95),
            "kb": statistics.median(sizes) / 1000,
        }

    first, next_, sizes = [], [], []
    seen: set[str] = set()
    for insee in rng.sample(communes, min(count, len(communes))):
        epci = ref.communes[insee].epci
        codes = tuple(ref.members("epci", epci))
        ms, svg = timed(draw, template, outlines, "commune", codes, None, frozenset({insee}))
        (next_ if epci in seen else first).append(ms)
        seen.add(epci)
        ms, svg = timed(draw, template, outlines, "commune", codes, None, frozenset({insee}))
        next_.append(ms)
        sizes.append(len(svg.encode()))
    record("commune page (région scope)", first, next_, sizes)

    first, next_, sizes = [], [], []
    for epci in sorted({ref.communes[c].epci for c in communes}):
        codes = tuple(ref.members("epci", epci))
        counts = {code: rng.randint(0, 40) for code in codes}
        for bucket in (first, next_):
            ms, svg = timed(draw, template, outlines, "commune", codes, counts)
            bucket.append(ms)
        sizes.append(len(svg.encode()))
    record("intercommunality page (each of the région)", first, next_, sizes)

    for name, kind, codes in (
        (
            "home page, Métropole de Lyon (58 communes)",
            "commune",
            tuple(sorted(parse_scope("epci:200046977").communes)),
        ),
        (
            "home page, région (its intercommunalities)",
            "epci",
            tuple(sorted({ref.communes[c].epci for c in communes})),
        ),
    ):
        counts = {code: rng.randint(0, 40) for code in codes} if kind == "commune" else None
        maps.base_paths.cache_clear()  # as in a process that drew nothing yet
        ms, svg = timed(draw, template, outlines, kind, codes, counts)
        repeats = [timed(draw, template, outlines, kind, codes, counts)[0] for _ in range(20)]
        record(name, [ms], repeats, [len(svg.encode())])
    return results


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
    parser.add_argument("--maps", type=int, default=200, help="commune pages drawn")
    parser.add_argument("--map-costs", action="store_true", help=argparse.SUPPRESS)
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
    if args.map_costs:
        print(json.dumps(map_costs(args.maps, args.seed)))
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
    print_map_costs(
        in_own_process("--map-costs", "--maps", str(args.maps), "--seed", str(args.seed))
    )
    return 0


def print_map_costs(costs: dict) -> None:
    print()
    print("| map | maps drawn | first of a place: p50 / p95 | next ones: p50 / p95 | SVG |")
    print("| --- | ---: | --- | --- | ---: |")
    for name, r in costs.items():
        print(
            f"| {name} | {r['maps']} | {r['first_p50']:.1f} / {r['first_p95']:.1f} ms "
            f"| {r['next_p50']:.1f} / {r['next_p95']:.1f} ms | {r['kb']:.0f} kB |"
        )


if __name__ == "__main__":
    sys.exit(main())
