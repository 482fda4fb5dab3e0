#!/usr/bin/env python
"""Benchmark of the DCAT-AP export (ckanext-dcat's endpoints + territoires_dcat_ap).

WARNING: like ``bench/search.py``, whose data generation it reuses, this
script WIPES the database named in the ini (unless ``--keep``) and refuses
to run unless that name ends in ``_test`` or ``_bench``.

On N generated datasets (default 10,000; 10% private, French texts, 1-3
resources, 1-3 communes of the Métropole de Lyon in ``territoires_coverage``
and an update frequency each), it measures through CKAN's Flask app, as a
harvester would read the portal:

1. the **full export**: every page of ``/catalog.ttl`` (Hydra paging,
   ``ckanext.dcat.datasets_per_page`` datasets a page, default 100) in
   order, total time, datasets/s, p50/p95/max per page, bytes; then page 1
   in RDF/XML and JSON-LD, and page 1 of one commune's catalogue
   (``/catalog/<commune>.ttl``);
2. **SQL statements per page** (SQLAlchemy ``before_cursor_execute`` on
   CKAN's engine) for pages of 10 and of 100 datasets, warm: the count must
   not grow with the page size;
3. the **peak RSS** of the process (``getrusage``), generation included.

The last thing printed is a Markdown table to paste into the README.
Run it with ``make bench-dcat`` (test database), or::

    .venv/bin/python bench/dcat.py --ini test.ini --n 10000
"""

from __future__ import annotations

import importlib.util
import json
import math
import os
import sys
import time
from typing import Any

import click

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))


def _search_bench():
    """bench/search.py, whose generation and helpers are reused."""
    spec = importlib.util.spec_from_file_location("bench_search", os.path.join(HERE, "search.py"))
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


base = _search_bench()

#: What the portal runs (test.ini leaves them out for CKAN's own tests).
PLUGINS = "territoires_search territoires scheming_datasets scheming_groups dcat"
FREQUENCIES = ["MONTHLY", "ANNUAL", "DAILY", "IRREG", "WEEKLY"]


def load_ckan(ini: str, verbose: bool):
    import logging

    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    config = load_config(ini)
    config["ckan.plugins"] = PLUGINS
    app = make_app(config)
    if not verbose:
        for name in ("ckan", "ckanext"):
            logging.getLogger(name).setLevel(logging.WARNING)
        logging.getLogger("ckan.lib.datapreview").setLevel(logging.ERROR)
    return getattr(app, "_wsgi_app", app)


def territory_factory(communes: list[str]):
    """bench/search.py's datasets, with a coverage and a frequency."""

    class TerritoryFactory(base.DatasetFactory):
        def make(self, index):
            spec = super().make(index)
            covered = sorted(self.rng.sample(communes, self.rng.randint(1, 3)))
            spec.extras = [
                *list(spec.extras),
                ("territoires_coverage", json.dumps(covered)),
                (
                    "frequency",
                    "http://publications.europa.eu/resource/authority/frequency/"
                    + self.rng.choice(FREQUENCIES),
                ),
            ]
            return spec

    return TerritoryFactory


def timed_get(client, url: str) -> tuple[float, int]:
    started = time.perf_counter()
    response = client.get(url)
    seconds = time.perf_counter() - started
    if response.status_code != 200:
        raise click.ClickException(f"{url}: HTTP {response.status_code}")
    return seconds, len(response.data)


def full_export(client, public: int, per_page: int) -> dict[str, Any]:
    pages = max(1, math.ceil(public / per_page))
    timings, size = [], 0
    started = time.perf_counter()
    for page in range(1, pages + 1):
        seconds, length = timed_get(client, f"/catalog.ttl?page={page}")
        timings.append(seconds)
        size += length
        base.progress("export", page, pages, started)
    total = time.perf_counter() - started
    timings.sort()
    return {
        "pages": pages,
        "seconds": total,
        "rate": public / total,
        "p50": base.percentile(timings, 50) * 1000,
        "p95": base.percentile(timings, 95) * 1000,
        "max": timings[-1] * 1000,
        "mb": size / 1e6,
    }


def statements_per_page(client, rows: int) -> int:
    import ckan.plugins.toolkit as tk

    tk.config["ckanext.dcat.datasets_per_page"] = rows
    client.get("/catalog.ttl?page=2")  # warm: caches of the profiles
    with base.StatementCounter() as counter:
        timed_get(client, "/catalog.ttl?page=3")
    return counter.count


@click.command()
@click.option("--ini", default="test.ini", show_default=True)
@click.option("--n", "n", default=10_000, show_default=True, type=int, help="Datasets to generate.")
@click.option("--keep", is_flag=True, help="Reuse the datasets the database holds.")
@click.option("--force", is_flag=True, help="Wipe a database whatever its name.")
@click.option("--seed", default=20241101, show_default=True, type=int)
@click.option("--verbose", is_flag=True)
def main(ini, n, keep, force, seed, verbose):
    ini = os.path.abspath(ini)
    started = time.perf_counter()
    base.heading(f"Loading CKAN from {ini} with {PLUGINS}")
    flask_app = load_ckan(ini, verbose)
    with flask_app.test_request_context():
        import ckan.plugins.toolkit as tk
        from ckan import model

        from ckanext.territoires import territory
        from ckanext.territoires.communes import load
        from ckanext.territoires.referential import get_referential

        scope = territory.configured_scope()
        if not keep:
            base.refuse_unsafe_database(force)
            base.heading("Wiping the benchmark database")
            base.wipe_database()
            base.heading(f"Territory: {scope.label}")
            load.load_territory(scope, get_referential())
            model.Session.commit()
            fixtures = base.create_fixtures()
            base.DatasetFactory = territory_factory(sorted(scope.communes))
            base.heading(f"Generating {n} datasets")
            base.generate_datasets(fixtures, n, 0, seed)
            base.heading("Rebuilding the index (quality scores included)")
            rebuild = base.rebuild_index(analyze=True)
        else:
            rebuild = None
        public = tk.get_action("package_search")({"ignore_auth": False, "user": ""}, {"rows": 0})[
            "count"
        ]
        per_page = int(tk.config.get("ckanext.dcat.datasets_per_page") or 100)

    client = flask_app.test_client()
    with flask_app.test_request_context():
        base.heading(f"Full export: {public} public datasets, {per_page} a page")
        export = full_export(client, public, per_page)
        click.echo(
            f"\n  {export['pages']} pages in {export['seconds']:.1f} s = "
            f"{export['rate']:.0f} datasets/s; page p50 {export['p50']:.0f} ms, "
            f"p95 {export['p95']:.0f} ms, max {export['max']:.0f} ms; "
            f"{export['mb']:.1f} MB of Turtle"
        )
        formats = {}
        for extension in ("rdf", "jsonld"):
            formats[extension] = timed_get(client, f"/catalog.{extension}?page=1")[0] * 1000
            click.echo(f"  page 1 in .{extension}: {formats[extension]:.0f} ms")
        commune_ms = timed_get(client, "/catalog/69123.ttl")[0] * 1000
        click.echo(f"  page 1 of Lyon's catalogue: {commune_ms:.0f} ms")

        base.heading("SQL statements per page (warm)")
        statements = {rows: statements_per_page(client, rows) for rows in (10, 100)}
        for rows, count in statements.items():
            click.echo(f"  {rows} datasets a page: {count} statements")
        rss = base.peak_rss_mb()
        click.echo(f"  peak RSS {rss:.0f} MB; total run {time.perf_counter() - started:.0f} s")
        host = base.machine()

    click.echo(
        "\n| DCAT export, %d datasets (%d public); %s CPUs, PostgreSQL %s | |"
        % (n, public, host["cpus"], host["postgresql"])
    )
    click.echo("|---|---|")
    if rebuild:
        click.echo(f"| index rebuild with quality scores | {rebuild['rate']:.0f} datasets/s |")
    click.echo(
        f"| full export, {export['pages']} pages of {per_page} (Turtle) | "
        f"{export['seconds']:.1f} s, {export['rate']:.0f} datasets/s, "
        f"{export['mb']:.1f} MB |"
    )
    click.echo(
        f"| one page: p50 / p95 / max | {export['p50']:.0f} / {export['p95']:.0f} / "
        f"{export['max']:.0f} ms |"
    )
    click.echo(
        f"| page 1 in RDF/XML, JSON-LD | {formats['rdf']:.0f} ms, {formats['jsonld']:.0f} ms |"
    )
    click.echo(f"| page 1 of a commune's catalogue | {commune_ms:.0f} ms |")
    click.echo(f"| SQL statements per page of 10 / 100 | {statements[10]} / {statements[100]} |")
    click.echo(f"| peak RSS | {rss:.0f} MB |")


if __name__ == "__main__":
    main()
