#!/usr/bin/env python
"""Generate a real CKAN catalogue of N datasets (default 100,000) quickly.

WARNING: like ``bench/search.py``, this WIPES the database named in the ini
(every table's rows, migrations kept) unless ``--keep`` is given, and refuses
a database whose name does not end in ``_test`` or ``_bench`` (``--force``
overrides).

Through CKAN's actions a dataset costs about 50 ms here (validation,
activity, indexing one by one): 100,000 take over an hour. This script makes
the same datasets as ``bench/search.py`` (its seeded French generator: 20
organisations, 60 commune groups, ~200 tags, 1-3 resources, two extras,
10% private, 0.5% drafts) in three steps, each timed and printed with the
machine's load (``uptime``):

1. **fixtures** through CKAN's actions: the organisations, the commune groups,
   a sysadmin, one editor per organisation and a member of the first one;
2. **bulk insert** straight into CKAN's tables with SQLAlchemy core, 1,000
   datasets per statement and commit (``package``, ``member`` rows for the
   organisation and the groups, ``package_tag``, ``package_extra``,
   ``resource``): real datasets that ``package_show`` reads as any other;
3. **the project's rebuild**, ``ckan -c <ini> territoires search-index
   rebuild`` (worker processes, then VACUUM ANALYZE of the index table), which indexes them through CKAN's own ``index_package``.

Run it on a database of its own, e.g.::

    .venv/bin/python config/bootstrap.py database ckan_territoires_bench
    export CKAN_SQLALCHEMY_URL=$(.venv/bin/python config/bootstrap.py database-url ckan_territoires_bench)
    export CKAN_REDIS_URL=redis://127.0.0.1:6379/1
    .venv/bin/ckan -c test.ini db upgrade
    .venv/bin/python bench/catalogue.py --ini test.ini --n 100000
    .venv/bin/python bench/search.py --ini test.ini --n 100000 --queries-only

The catalogue takes about 1.5 GB of disk at 100,000 datasets (CKAN's tables
and the search index): drop the database afterwards.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import click

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import search as bench  # bench/search.py, beside this file


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def database_size() -> str:
    import sqlalchemy as sa
    from ckan import model

    size = model.Session.execute(
        sa.text("SELECT pg_size_pretty(pg_database_size(current_database()))")
    ).scalar()
    model.Session.remove()
    return str(size)


@click.command()
@click.option("--ini", required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--n", default=100_000, show_default=True, type=click.IntRange(min=1))
@click.option("--keep", is_flag=True, help="Do not wipe: only add the datasets missing to reach N.")
@click.option(
    "--force", is_flag=True, help="Wipe even a database whose name does not end in _test or _bench."
)
@click.option("--seed", default=20241101, show_default=True, type=int)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Processes of the rebuild (default: the number of CPUs).",
)
@click.option("--no-rebuild", is_flag=True, help="Only insert the datasets (no index).")
def main(
    ini: str, n: int, keep: bool, force: bool, seed: int, workers: int | None, no_rebuild: bool
) -> None:
    ini = os.path.abspath(ini)
    started = time.perf_counter()
    flask_app = bench.load_ckan(ini, verbose=False)
    steps: list[tuple[str, float, str]] = []

    def step(label: str, since: float) -> None:
        seconds = time.perf_counter() - since
        steps.append((label, seconds, uptime()))
        click.echo("  %s: %.1f s (%s)" % (label, seconds, steps[-1][2]))

    with flask_app.test_request_context():
        if not bench.search_plugin_active():
            raise click.ClickException("territoires_search is not active with %s" % ini)
        click.echo("Database %s; %s" % (bench.database_name(), uptime()))
        if not keep:
            bench.refuse_unsafe_database(force)
            bench.heading("Wiping the database")
            bench.wipe_database()

        bench.heading("Fixtures (organisations, groups, users) through CKAN's actions")
        since = time.perf_counter()
        fixtures = bench.create_fixtures()
        step("fixtures", since)

        bench.heading("Bulk insert of %d datasets into CKAN's tables" % n)
        since = time.perf_counter()
        generated = bench.generate_datasets(fixtures, n, sample=0, seed=seed)
        step("bulk insert (%d new datasets)" % generated.get("bulk", 0), since)

        if not no_rebuild:
            bench.heading("The project's rebuild")
            since = time.perf_counter()
            rebuild = bench.rebuild_in_parallel(ini, workers)
            step(
                "rebuild (%d datasets, %.0f datasets/s)" % (rebuild["total"], rebuild["rate"]),
                since,
            )
        total = time.perf_counter() - started
        datasets = bench.dataset_count()
        size = database_size()

    click.echo("")
    click.echo("| step | seconds | load (uptime) |")
    click.echo("| --- | --- | --- |")
    for label, seconds, load in steps:
        click.echo("| %s | %.1f | %s |" % (label, seconds, load.split("load average:")[-1].strip()))
    click.echo(
        "| total, CKAN start-up included: %d datasets, database %s | %.1f | %s |"
        % (datasets, size, total, uptime().split("load average:")[-1].strip())
    )


if __name__ == "__main__":
    main()
