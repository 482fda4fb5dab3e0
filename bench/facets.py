#!/usr/bin/env python
"""Facet statements side by side: expanding each hit's values vs facet rows.

On the index as it is (e.g. after ``bench/catalogue.py``), compiles the
facet counts of a few searches (``*:*`` as anonymous, ``*:*`` as the
benchmark's member, one commune group) both ways:

- ``expanding``: ``sql.compile_facets``, the statement used before the
  facet rows (each matching row's jsonb values expanded), still used for
  ``facet.mincount`` 0 and fields not kept in ``filters``;
- ``facet rows``: ``facets.compile_counts``, what the connection runs.

Both run alternately on one connection with parallel workers off, so that
the backend process's own CPU time (``/proc/<backend pid>/stat``, when the
server runs on this machine) is all the statement costs: on a machine
shared with other work, CPU time moves much less with the load than wall
time, which is printed beside it with the load average. Their rows are
checked to be equal.

Usage::

    export CKAN_SQLALCHEMY_URL=$(.venv/bin/python config/bootstrap.py database-url ckan_territoires_bench)
    .venv/bin/python bench/facets.py --runs 30
"""

from __future__ import annotations

import os
import statistics
import time
from typing import Any

import click
import sqlalchemy as sa

from ckanext.territoires.search import facets, sql

FACETS = ["organization", "groups", "tags"]
TEXT_CONFIG = "territoires_fr"


def load_average() -> str:
    with open("/proc/loadavg") as handle:
        return " ".join(handle.read().split()[:3])


def backend_cpu_ms(pid: int) -> float | None:
    """utime + stime of a local PostgreSQL backend, in ms (None if not local)."""
    try:
        with open("/proc/%d/stat" % pid) as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) * 1000.0 / os.sysconf("SC_CLK_TCK")


def searches(connection: Any) -> list[tuple[str, list[str]]]:
    site = connection.execute(
        sa.text(
            "SELECT site_id FROM territoires_search_index GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"
        )
    ).scalar()
    common = ['+site_id:"%s"' % site, "+state:active", "-dataset_type:harvest"]
    found = [("*:* anonymous", [*common, '+permission_labels:"public"'])]
    member = connection.execute(
        sa.text(
            'SELECT u.id, m.group_id FROM "user" u JOIN member m ON m.table_id = u.id'
            " AND m.table_name = 'user' AND m.state = 'active'"
            " WHERE u.name = 'bench-member' LIMIT 1"
        )
    ).first()
    if member:
        labels = '+permission_labels:("public" OR "member-%s" OR "creator-%s")' % (
            member[1],
            member[0],
        )
        found.append(("*:* member", [*common, labels]))
    group = connection.execute(
        sa.text(
            "SELECT filters -> 'groups' ->> 0 FROM territoires_search_index"
            " WHERE jsonb_typeof(filters -> 'groups') = 'array'"
            " AND jsonb_array_length(filters -> 'groups') > 0 LIMIT 1"
        )
    ).scalar()
    if group:
        found.append(
            ("one group", [*common, '+permission_labels:"public"', '+groups:"%s"' % group])
        )
    return found


@click.command()
@click.option("--url", envvar="CKAN_SQLALCHEMY_URL", required=True, help="The database.")
@click.option("--runs", default=30, show_default=True, type=click.IntRange(min=1))
def main(url: str, runs: int) -> None:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        connection.execute(
            sa.text("SET jit = off; SET work_mem = '32MB'; SET max_parallel_workers_per_gather = 0")
        )
        pid = connection.execute(sa.text("SELECT pg_backend_pid()")).scalar()
        documents = connection.execute(
            sa.text("SELECT count(*) FROM territoires_search_index")
        ).scalar()
        click.echo("%d index rows; load average %s" % (documents, load_average()))
        click.echo(
            "| search | statement | backend CPU ms (mean) | wall p50 / p95 ms | hits | load |"
        )
        click.echo("| --- | --- | ---: | ---: | ---: | --- |")
        for label, fq in searches(connection):
            compiled = sql.compile_search("*:*", fq, text_config=TEXT_CONFIG)
            statements = {
                "expanding": sql.compile_facets(
                    compiled, FACETS, limit=50, mincount=1, with_total=True
                ),
                "facet rows": facets.compile_counts(compiled, FACETS, limit=50, mincount=1),
            }
            results: dict[str, list[tuple]] = {}
            wall: dict[str, list[float]] = {name: [] for name in statements}
            cpu: dict[str, float] = dict.fromkeys(statements, 0.0)
            for run in range(runs + 2):
                for name, statement in statements.items():
                    assert statement is not None
                    before = backend_cpu_ms(pid)
                    started = time.perf_counter()
                    rows = connection.execute(sa.text(statement[0]), statement[1]).fetchall()
                    elapsed = (time.perf_counter() - started) * 1000
                    after = backend_cpu_ms(pid)
                    results[name] = [tuple(row) for row in rows]
                    if run >= 2:  # warm-up
                        wall[name].append(elapsed)
                        if before is not None and after is not None:
                            cpu[name] += after - before
            hits = results["facet rows"][0][2] if results["facet rows"] else 0
            for name in statements:
                values = sorted(wall[name])
                p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
                click.echo(
                    "| %s | %s | %.1f | %.1f / %.1f | %d | %s |"
                    % (
                        label,
                        name,
                        cpu[name] / runs,
                        statistics.median(values),
                        p95,
                        hits,
                        load_average(),
                    )
                )
            if results["expanding"] != results["facet rows"]:
                raise click.ClickException("%s: the two statements disagree" % label)
    click.echo("Both statements gave the same rows for every search.")


if __name__ == "__main__":
    main()
