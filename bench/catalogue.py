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
   rebuild`` (worker processes indexing batches, then VACUUM ANALYZE of
   the index table), with its CPU time: the command's and its workers'
   (``getrusage``), and the PostgreSQL backends' that served it (read from
   ``/proc``), per dataset, and the rate two idle cores could reach with
   it (a figure the machine's load hardly changes, unlike the wall clock).

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
import resource
import subprocess
import sys
import threading
import time

import click

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import search as bench  # bench/search.py, beside this file


class BackendCpu(threading.Thread):
    """The CPU time of the PostgreSQL backends serving this database while
    it runs (read from ``/proc`` every half second: the server runs on this
    machine), those already there at the start excepted."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.seconds: dict[int, float] = {}
        self.done = threading.Event()

    def run(self) -> None:
        import sqlalchemy as sa
        from ckan import model

        # autocommit: a transaction would see one snapshot of the activity
        autocommit = model.meta.engine.execution_options(isolation_level="AUTOCOMMIT")
        with autocommit.connect() as connection:
            query = sa.text(
                "SELECT pid FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            before = {pid for (pid,) in connection.execute(query)}
            while not self.done.wait(0.5):
                for (pid,) in connection.execute(query):
                    if pid not in before:
                        seconds = _process_cpu(pid)
                        if seconds is not None:
                            self.seconds[pid] = seconds

    def stop(self) -> float:
        self.done.set()
        self.join()
        return sum(self.seconds.values())


def _process_cpu(pid: int) -> float | None:
    try:
        with open("/proc/%d/stat" % pid) as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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
            backends = BackendCpu()
            backends.start()
            children = resource.getrusage(resource.RUSAGE_CHILDREN)
            rebuild = bench.rebuild_in_parallel(ini, workers)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            python_cpu = (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
            postgres_cpu = backends.stop()
            step(
                "rebuild (%d datasets, %.0f datasets/s)" % (rebuild["total"], rebuild["rate"]),
                since,
            )
            # CPU time hardly depends on what else the machine runs: what
            # two idle cores could do with it
            per_dataset = (python_cpu + postgres_cpu) / rebuild["total"]
            click.echo(
                "  rebuild CPU: %.1f s in the command and its workers (start-up included),"
                " %.1f s in PostgreSQL: %.2f ms a dataset, at most %.0f datasets/s on 2"
                " idle cores" % (python_cpu, postgres_cpu, per_dataset * 1000, 2 / per_dataset)
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
