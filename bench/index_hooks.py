#!/usr/bin/env python
"""Where the time of indexing one dataset goes (the rebuild's per-dataset cost).

Runs what ``ckan territoires search-index rebuild`` runs for each dataset
(CKAN's ``package_show`` with ``validate=False``, then its
``index_package``) over ``--n`` datasets already in the database (default
500), in ONE process and ONE transaction that is rolled back at the end:
the database is left as it was. It times, per dataset (mean, in ms):

- ``package_show``: CKAN's dictization and every plugin's
  ``after_dataset_show``;
- ``index_package``'s validation (``plugin_validate`` with the show schema,
  scheming's here), which CKAN runs to store ``validated_data_dict``;
- each plugin's ``before_dataset_index`` hook, by plugin (this project's
  ``territoires`` hook is ``communes/index.py``'s ``add_index_fields``,
  the quality scores and the territories' fields);
- the index write: ``documents.index_row`` (Python) and the upsert
  statement;
- the rest of ``index_package`` (CKAN flattening the document, JSON dumps).

The index rows are rewritten (UPDATE); ``--fresh`` removes them first, in
the same transaction, so that they are inserted as in a first rebuild.

The last lines print the rate one process can reach, 1000 / total ms, the
CPU time of the process and of its PostgreSQL backend per dataset (a
figure that hardly depends on the machine's load), the rate two processes
could reach on two idle cores from it, and the machine's load
(``uptime``): the machine is shared, read each wall-clock figure with its
load. The second table times the rebuild's bulk path (``bulk.py``),
``--batch`` datasets at a time. Usage::

    .venv/bin/python bench/index_hooks.py --ini test.ini --n 500
"""

from __future__ import annotations

import collections
import os
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import click

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import search as bench  # bench/search.py, beside this file


class Timers:
    def __init__(self) -> None:
        self.totals: dict[str, float] = collections.defaultdict(float)

    def wrap(self, label: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.totals[label] += time.perf_counter() - started

        return timed


def backend_cpu_seconds() -> float:
    """CPU time of the PostgreSQL backend of this session's connection
    (``/proc``: the server runs on this machine), user + system."""
    import sqlalchemy as sa
    from ckan import model

    pid = model.Session.execute(sa.text("SELECT pg_backend_pid()")).scalar()
    try:
        with open("/proc/%d/stat" % pid) as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:  # another machine's server
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class CpuClock:
    """CPU seconds of this process and of its PostgreSQL backend, from
    ``start()``: unlike the wall clock, they hardly depend on what else
    the machine runs."""

    def start(self) -> None:
        self.python = time.process_time()
        self.postgres = backend_cpu_seconds()

    def stop(self) -> tuple[float, float]:
        return time.process_time() - self.python, backend_cpu_seconds() - self.postgres


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def _patch_common(timers: Timers, patched: list[tuple[Any, str, Any]]) -> None:
    """Time validation, each plugin's before_dataset_index and the write."""
    from ckan import plugins
    from ckan.lib import plugins as lib_plugins

    from ckanext.territoires.search import connection, documents

    def patch(owner: Any, name: str, label: str) -> None:
        original = getattr(owner, name)
        patched.append((owner, name, original))
        setattr(owner, name, timers.wrap(label, original))

    patch(lib_plugins, "plugin_validate", "index_package: validation (show schema)")
    for plugin in plugins.PluginImplementations(plugins.IPackageController):
        patch(plugin, "before_dataset_index", "before_dataset_index: %s" % plugin.name)
    patch(documents, "index_row", "index write: documents.index_row (Python)")
    patch(connection.PostgresSearchConnection, "add", "index write: whole add()")


def _restore(patched: list[tuple[Any, str, Any]]) -> None:
    for owner, name, original in reversed(patched):
        setattr(owner, name, original)


def _remove_rows(ids: list[str]) -> None:
    import sqlalchemy as sa
    from ckan import model

    model.Session.execute(
        sa.text("DELETE FROM territoires_search_index WHERE id = ANY(:ids)"), {"ids": ids}
    )


def one_pass(ids: list[str], fresh: bool) -> tuple[dict[str, float], float]:
    """Index ``ids`` in a rolled-back transaction; per-label seconds, total."""
    from ckan import logic, model
    from ckan.lib.search import index_for

    timers = Timers()
    patched: list[tuple[Any, str, Any]] = []
    _patch_common(timers, patched)
    package_index = index_for(model.Package)
    package_show = logic.get_action("package_show")
    context = {"ignore_auth": True, "validate": False, "use_cache": False}
    session = model.Session
    if fresh:  # index rows written anew (INSERT), as in a first rebuild
        _remove_rows(ids)
    clock = CpuClock()
    clock.start()
    started = time.perf_counter()
    try:
        for package_id in ids:
            t0 = time.perf_counter()
            pkg_dict = package_show(dict(context), {"id": package_id})
            t1 = time.perf_counter()
            timers.totals["package_show"] += t1 - t0
            package_index.update_dict(pkg_dict, True)
            timers.totals["index_package (all of it)"] += time.perf_counter() - t1
        total = time.perf_counter() - started
        timers.totals["CPU: Python"], timers.totals["CPU: PostgreSQL backend"] = clock.stop()
    finally:
        session.rollback()
        _restore(patched)
    return dict(timers.totals), total


def bulk_pass(ids: list[str], fresh: bool, batch: int) -> tuple[dict[str, float], float]:
    """``one_pass`` through the rebuild's bulk path (``bulk.index_batch``,
    ``batch`` datasets at a time)."""
    from ckan import model

    from ckanext.territoires.search import bulk

    timers = Timers()
    patched: list[tuple[Any, str, Any]] = []
    _patch_common(timers, patched)
    for owner, name, label in (
        (bulk._Batch, "dictize", "bulk: dictize (its statements, CKAN's dictization)"),
        (bulk, "_after_show", "bulk: package_show's hooks"),
        (bulk, "index_documents", "bulk: index documents (all of it)"),
    ):
        original = getattr(owner, name)
        patched.append((owner, name, original))
        setattr(owner, name, timers.wrap(label, original))
    session = model.Session
    if fresh:
        _remove_rows(ids)
    clock = CpuClock()
    clock.start()
    started = time.perf_counter()
    try:
        for start in range(0, len(ids), batch):
            bulk.index_batch(ids[start : start + batch])
        total = time.perf_counter() - started
        timers.totals["CPU: Python"], timers.totals["CPU: PostgreSQL backend"] = clock.stop()
    finally:
        session.rollback()
        _restore(patched)
    return dict(timers.totals), total


def print_table(title: str, totals: dict[str, float], seconds: float, count: int) -> None:
    def ms(value: float) -> str:
        return "%.2f" % (value * 1000 / count)

    click.echo("%s, per dataset, mean over %d datasets (ms):" % (title, count))
    click.echo("| step | ms per dataset |")
    click.echo("| --- | --- |")
    # what the whole step holds besides the steps timed inside it
    whole, inside = (
        "bulk: index documents (all of it)",
        ("index_package: ", "before_dataset_index: "),
    )
    if whole not in totals:  # CKAN's index_package also writes
        whole, inside = "index_package (all of it)", (*inside, "index write: whole")
    rest = totals.get(whole, 0.0)
    cpu = {label: totals.pop(label) for label in list(totals) if label.startswith("CPU: ")}
    for label in sorted(totals):
        click.echo("| %s | %s |" % (label, ms(totals[label])))
        if label.startswith(inside):
            rest -= totals[label]
    click.echo("| %s: the rest (flattening, JSON) | %s |" % (whole.split(" (")[0], ms(rest)))
    click.echo("| total | %s |" % ms(seconds))
    for label, value in sorted(cpu.items()):
        click.echo("| %s | %s |" % (label, ms(value)))
    click.echo("")
    click.echo("One process: %.0f datasets/s." % (count / seconds))
    cpu_seconds = sum(cpu.values())
    if cpu_seconds == cpu_seconds:  # not NaN
        # two processes and their two backends sharing two idle cores
        click.echo(
            "CPU (Python + PostgreSQL): %s ms a dataset, at most %.0f datasets/s"
            " with 2 processes on 2 idle cores." % (ms(cpu_seconds), 2 * count / cpu_seconds)
        )


@click.command()
@click.option("--ini", required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--n", default=500, show_default=True, type=click.IntRange(min=1))
@click.option(
    "--fresh",
    is_flag=True,
    help="Remove the datasets' index rows first (in the same rolled-back"
    " transaction): the writes are inserts, as in a first rebuild.",
)
@click.option(
    "--batch",
    default=200,
    show_default=True,
    type=click.IntRange(min=1),
    help="Datasets per batch of the bulk path (the rebuild's --chunk-size).",
)
def main(ini: str, n: int, fresh: bool, batch: int) -> None:
    import sqlalchemy as sa
    from ckan import model

    flask_app = bench.load_ckan(os.path.abspath(ini), verbose=False)
    with flask_app.test_request_context():
        ids = [
            row[0]
            for row in model.Session.execute(
                sa.text("SELECT id FROM package WHERE type = 'dataset' ORDER BY id LIMIT :n"),
                {"n": n},
            )
        ]
        model.Session.remove()
        if not ids:
            raise click.ClickException("No dataset in %s" % bench.database_name())
        warm = ids[: min(20, len(ids))]
        one_pass(warm, fresh=fresh)  # warm-up
        bulk_pass(warm, fresh=fresh, batch=batch)
        passes = []
        for title, run in (
            ("Per dataset (package_show, index_package)", lambda: one_pass(ids, fresh=fresh)),
            (
                "Bulk path (bulk.index_batch, %d a batch)" % batch,
                lambda: bulk_pass(ids, fresh=fresh, batch=batch),
            ),
        ):
            load_before = uptime()
            totals, seconds = run()
            passes.append((title, totals, seconds, load_before, uptime()))

    for title, totals, seconds, load_before, load_after in passes:
        print_table(title, totals, seconds, len(ids))
        click.echo("Load before: %s" % load_before)
        click.echo("Load after:  %s" % load_after)
        click.echo("")


if __name__ == "__main__":
    main()
