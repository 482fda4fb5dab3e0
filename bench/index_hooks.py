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

The last lines print the rate one process can reach, 1000 / total ms, and
the machine's load (``uptime``): the machine is shared, read each figure
with its load. Usage::

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


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def one_pass(ids: list[str], fresh: bool) -> tuple[dict[str, float], float]:
    """Index ``ids`` in a rolled-back transaction; per-label seconds, total."""
    import sqlalchemy as sa
    from ckan import logic, model, plugins
    from ckan.lib import plugins as lib_plugins
    from ckan.lib.search import index_for

    from ckanext.territoires.search import connection, documents

    timers = Timers()
    patched: list[tuple[Any, str, Any]] = []

    def patch(owner: Any, name: str, label: str) -> None:
        original = getattr(owner, name)
        patched.append((owner, name, original))
        setattr(owner, name, timers.wrap(label, original))

    patch(lib_plugins, "plugin_validate", "index_package: validation (show schema)")
    for plugin in plugins.PluginImplementations(plugins.IPackageController):
        patch(plugin, "before_dataset_index", "before_dataset_index: %s" % plugin.name)
    patch(documents, "index_row", "index write: documents.index_row (Python)")
    original_add = connection.PostgresSearchConnection.add
    patched.append((connection.PostgresSearchConnection, "add", original_add))
    connection.PostgresSearchConnection.add = timers.wrap(  # type: ignore[method-assign]
        "index write: whole add()", original_add
    )
    package_index = index_for(model.Package)
    package_show = logic.get_action("package_show")
    context = {"ignore_auth": True, "validate": False, "use_cache": False}
    session = model.Session
    if fresh:  # index rows written anew (INSERT), as in a first rebuild
        session.execute(
            sa.text("DELETE FROM territoires_search_index WHERE id = ANY(:ids)"), {"ids": ids}
        )
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
    finally:
        session.rollback()
        for owner, name, original in reversed(patched):
            setattr(owner, name, original)
    return dict(timers.totals), total


@click.command()
@click.option("--ini", required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--n", default=500, show_default=True, type=click.IntRange(min=1))
@click.option(
    "--fresh",
    is_flag=True,
    help="Remove the datasets' index rows first (in the same rolled-back"
    " transaction): the writes are inserts, as in a first rebuild.",
)
def main(ini: str, n: int, fresh: bool) -> None:
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
        one_pass(ids[: min(20, len(ids))], fresh=fresh)  # warm-up
        load_before = uptime()
        totals, seconds = one_pass(ids, fresh=fresh)
        load_after = uptime()

    count = len(ids)

    def ms(value: float) -> str:
        return "%.2f" % (value * 1000 / count)

    click.echo("Per dataset, mean over %d datasets (ms):" % count)
    click.echo("| step | ms per dataset |")
    click.echo("| --- | --- |")
    rest = totals["index_package (all of it)"]
    for label in sorted(totals):
        click.echo("| %s | %s |" % (label, ms(totals[label])))
        if label.startswith(("index_package: ", "before_dataset_index: ", "index write: whole")):
            rest -= totals[label]
    click.echo("| index_package: the rest (CKAN's flattening, JSON) | %s |" % ms(rest))
    click.echo("| total | %s |" % ms(seconds))
    click.echo("")
    click.echo("One process: %.0f datasets/s." % (count / seconds))
    click.echo("Load before: %s" % load_before)
    click.echo("Load after:  %s" % load_after)


if __name__ == "__main__":
    main()
