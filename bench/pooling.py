#!/usr/bin/env python
"""Benchmark of the pooled data of ckanext-territoires.

WARNING: part 2 WIPES the database named in the ini (every table's rows,
migrations kept). It refuses unless that database's name ends in ``_test`` or
``_bench``, or contains ``_test_`` or ``_bench_`` (``--force`` overrides).

1. **one big file** (no database): a car-park CSV of N rows (default
   100,000) following the shipped schema "Lieux de stationnement", validated
   with frictionless as the validation job does, then read again row by row
   as the consolidation does: seconds, rows/s, and the process's peak RSS after
   each step; its points read as the maps of point data do, and 5,000 of
   them projected (time, weight of the SVG circles);
2. **consolidation of the territory** (CKAN, the ini's database): the
   territory loaded, one organisation per commune (58 for the Métropole de
   Lyon), each publishing a car-park file of R rows (default 200) declaring
   the schema, validated at once; then the pooled dataset rebuilt
   (``consolidation.consolidate``): seconds, rows pooled;
3. **DataStore load by ckanext-xloader** (the ini's database and its
   DataStore, ``config/bootstrap.py datastore``): the N-row CSV loaded as
   the job of ``make run`` loads it (``use_type_guessing``: tabulator, typed
   columns), then by xloader's plain COPY (text columns, its default):
   seconds, rows/s. The download and the job's HTTP reports are not timed.

Every figure is printed with the load average (the machine may be shared).

The last thing printed is a Markdown table for the README.

    make bench-pooling
    .venv/bin/python bench/pooling.py --ini test.ini --rows 100000 --per-commune 200
"""

from __future__ import annotations

import io
import os
import platform
import resource
import sys
import tempfile
import time

import click

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from bench.harvest import load_ckan, wipe

PLUGINS = (
    "territoires_search territoires scheming_datasets scheming_groups scheming_organizations "
    "dcat harvest territoires_harvest territoires_pooling"
)


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def measured(function, *args):
    """The result, seconds, and the process's peak RSS after the call (MB;
    tracemalloc would slow frictionless down several times)."""
    started = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - started, rss_mb()


def big_file(rows: int) -> list[tuple[str, str, str, str]]:
    from ckanext.territoires.pooling import points, registry, samples, validation

    schema = registry.get("stationnement")
    assert schema is not None
    directory = tempfile.mkdtemp(prefix="bench-pooling-")
    path = os.path.join(directory, "parkings.csv")
    with open(path, "wb") as file:
        file.write(samples.car_parks("69123", rows))
    size = os.path.getsize(path) / 1024 / 1024
    outcome, validate_s, validate_mb = measured(validation.validate_file, path, schema.descriptor)
    count, read_s, read_mb = measured(lambda: sum(1 for _ in validation.read_records(path)))
    click.echo(
        f"validated {outcome.row_count} rows ({size:.1f} MB, valid={outcome.valid}, "
        f"{outcome.error_count} errors) in {validate_s:.1f} s; read again in {read_s:.1f} s"
    )
    parsed, points_s, points_mb = measured(
        lambda: points.read_table(validation.read_records(path), schema.coordinates)
    )
    drawn, dots_s = _dots(parsed.points[:5000])
    click.echo(
        f"points of {count} rows read in {points_s:.2f} s ({len(parsed.points)} located); "
        f"5,000 projected in {dots_s * 1000:.1f} ms, ~{drawn / 1024:.0f} kB of SVG circles"
    )
    return [
        (
            "points of the file (map)",
            f"{count:,} rows, {len(parsed.points):,} located",
            f"{points_s:.2f} s once per version of the file (cached)",
            f"{points_mb:.0f} MB",
        ),
        (
            "5,000 points drawn",
            f"~{drawn / 1024:.0f} kB of SVG",
            f"{dots_s * 1000:.1f} ms",
            "",
        ),
        (
            "validate",
            f"{rows:,} rows, {size:.1f} MB",
            f"{validate_s:.1f} s ({rows / validate_s:,.0f} rows/s; {load_average()})",
            f"{validate_mb:.0f} MB",
        ),
        (
            "read for pooling",
            f"{count:,} rows",
            f"{read_s:.1f} s ({count / read_s:,.0f} rows/s)",
            f"{read_mb:.0f} MB",
        ),
    ]


def _dots(found) -> tuple[int, float]:
    """Project points on a map of the Métropole de Lyon: bytes of the SVG
    circles as the map snippet writes them, seconds."""
    from ckanext.territoires.geography import maps

    started = time.perf_counter()
    proj = maps.projection((4.68, 45.55, 5.07, 45.94))
    dots, _outside = maps.dots(
        [(p.longitude, p.latitude) for p in found], [p.label for p in found], proj
    )
    seconds = time.perf_counter() - started
    size = sum(
        len(
            f'<circle cx="{d["x"]}" cy="{d["y"]}" r="11">'
            f"<title>{d['title']} (Villeurbanne)</title></circle>\n"
        )
        for d in dots
    )
    return size, seconds


def _datastore_lines() -> str:
    """The DataStore of the ini's database (CKAN_SQLALCHEMY_URL), as
    ``config/bootstrap.py datastore`` creates it."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "config"))
    import bootstrap

    name = (os.environ.get("CKAN_SQLALCHEMY_URL") or "").rsplit("/", 1)[-1]
    if not name:
        return ""
    return (
        f"ckan.datastore.write_url = {bootstrap.datastore_url(name)}\n"
        f"ckan.datastore.read_url = {bootstrap.datastore_url(name, True)}\n"
    )


def load_average() -> str:
    return "load average %.2f %.2f %.2f" % os.getloadavg()


def bench_ini(ini: str) -> str:
    datastore = _datastore_lines()
    handle, path = tempfile.mkstemp(suffix=".ini", prefix="bench-pooling-")
    storage = tempfile.mkdtemp(prefix="bench-pooling-storage-")
    with os.fdopen(handle, "w") as stream:
        stream.write(
            f"[app:main]\nuse = config:{os.path.abspath(ini)}\n"
            f"ckan.plugins = {PLUGINS}{' datastore xloader' if datastore else ''}\n"
            f"{datastore}"
            f"ckan.storage_path = {storage}\n"
            "ckan.max_resource_size = 100\n"
            "ckanext.territoires.pooling.synchronous = true\n"
            "[loggers]\nkeys = root\n[handlers]\nkeys = console\n"
            "[formatters]\nkeys = generic\n[logger_root]\nlevel = ERROR\n"
            "handlers = console\n[handler_console]\nclass = StreamHandler\n"
            "args = (sys.stderr,)\nlevel = NOTSET\nformatter = generic\n"
            "[formatter_generic]\nformat = %%(levelname)s %%(message)s\n"
        )
    return path


def territory_consolidation(
    ini: str, per_commune: int, force: bool, rows: int = 100_000
) -> list[tuple[str, str, str, str]]:
    flask_app = load_ckan(bench_ini(ini))
    with flask_app.test_request_context():
        import ckan.plugins.toolkit as tk
        from ckan import model
        from werkzeug.datastructures import FileStorage

        from ckanext.territoires import territory
        from ckanext.territoires.communes import load
        from ckanext.territoires.pooling import consolidation, samples, store
        from ckanext.territoires.referential import get_referential

        wipe(force)
        model.Session.execute(store.validation_table.delete())
        model.Session.commit()
        load.load_territory(territory.configured_scope(), get_referential())
        context = {"user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]}
        codes = sorted(territory.configured_scope().communes)
        tk.get_action("organization_create")(
            dict(context), {"name": "epci", "extras": [{"key": "siren", "value": "200046977"}]}
        )
        started = time.perf_counter()
        for code in codes:
            org = tk.get_action("organization_create")(
                dict(context),
                {"name": f"commune-{code.lower()}", "extras": [{"key": "insee", "value": code}]},
            )
            dataset = tk.get_action("package_create")(
                dict(context),
                {
                    "name": f"parkings-{code.lower()}",
                    "title": f"Parkings {code}",
                    "notes": "x",
                    "owner_org": org["id"],
                },
            )
            data = samples.car_parks(code, per_commune)
            tk.get_action("resource_create")(
                dict(context),
                {
                    "package_id": dataset["id"],
                    "url": "parkings.csv",
                    "format": "CSV",
                    "upload": FileStorage(io.BytesIO(data), filename="parkings.csv"),
                    # published without schema first: the pooling is timed below
                },
            )
        published = time.perf_counter() - started
        started = time.perf_counter()
        for resource_dict in model.Session.query(model.Resource).filter(
            model.Resource.state == "active"
        ):
            package = model.Package.get(resource_dict.package_id)
            if package is None or not package.name.startswith("parkings-"):
                continue
            store.save(
                resource_dict.id, package.id, "stationnement", store.VALID, row_count=per_commune
            )
            resource_dict.extras = {**resource_dict.extras, "territoires_schema": "stationnement"}
        model.Session.commit()
        result, seconds, peak = measured(consolidation.consolidate, "stationnement")
        model.Session.commit()
        click.echo(
            f"{len(codes)} communes published in {published:.1f} s; pooled {result.rows} rows "
            f"in {seconds:.1f} s ({result.problem or 'ok'})"
        )
        return [
            (
                "pool the territory",
                f"{len(codes)} communes x {per_commune} rows = {result.rows:,} rows",
                f"{seconds:.1f} s ({load_average()})",
                f"{peak:.0f} MB",
            ),
            *datastore_load(rows, context),
        ]


def datastore_load(rows: int, context: dict) -> list[tuple[str, str, str, str]]:
    """The N-row CSV into the DataStore by xloader's loader (inside the app)."""
    import logging

    import ckan.plugins as p
    import ckan.plugins.toolkit as tk

    from ckanext.territoires.pooling import registry, samples, tables

    if not (p.plugin_loaded("datastore") and p.plugin_loaded("xloader")):
        click.echo("DataStore load skipped: no DataStore (config/bootstrap.py datastore NAME)")
        return []
    from ckanext.xloader import loader

    directory = tempfile.mkdtemp(prefix="bench-pooling-xloader-")
    path = os.path.join(directory, "parkings.csv")
    with open(path, "wb") as file:
        file.write(samples.car_parks("69123", rows))
    size = os.path.getsize(path) / 1024 / 1024
    dataset = tk.get_action("package_create")(
        dict(context), {"name": "bench-xloader", "title": "Bench xloader", "notes": "x"}
    )
    figures = []
    quiet = logging.getLogger("bench-xloader")
    quiet.setLevel(logging.ERROR)
    schema = registry.get("stationnement")
    assert schema is not None
    schema_fields = []
    for column in schema.descriptor["fields"]:
        kind = tables.SCHEMA_TYPES.get(column.get("type") or "string", "text")
        schema_fields.append({"id": column["name"], "type": kind, "info": {"type_override": kind}})
    variants = (
        ("types guessed (use_type_guessing: any CSV)", "guessed"),
        ("types of the Table Schema, COPY (declared files, pooled CSVs)", "schema"),
        ("COPY, text columns (xloader's default)", "text"),
    )
    for label, typed in variants:
        # format TXT: xloader does not submit it; its loader is timed directly
        resource = tk.get_action("resource_create")(
            dict(context),
            {"package_id": dataset["id"], "url": "http://example.org/p.txt", "format": "TXT"},
        )
        if typed == "schema":
            tk.get_action("datastore_create")(
                dict(context),
                {"resource_id": resource["id"], "force": True, "fields": schema_fields},
            )
        if typed == "guessed":
            _, seconds, peak = measured(loader.load_table, path, resource["id"], "CSV", quiet)
        else:
            _, seconds, peak = measured(loader.load_csv, path, resource["id"], "CSV", False, quiet)
        average = load_average()
        found = tk.get_action("datastore_search")(
            {"ignore_auth": True}, {"resource_id": resource["id"], "limit": 1}
        )
        click.echo(
            f"DataStore load by xloader, {label}: {found['total']} rows ({size:.1f} MB) "
            f"in {seconds:.1f} s ({average})"
        )
        figures.append(
            (
                f"DataStore load by xloader, {label}",
                f"{found['total']:,} rows, {size:.1f} MB",
                f"{seconds:.1f} s ({found['total'] / seconds:,.0f} rows/s; {average})",
                f"{peak:.0f} MB",
            )
        )
    return figures


@click.command()
@click.option("--ini", default="test.ini", show_default=True)
@click.option("--rows", default=100_000, show_default=True, help="Rows of the big file.")
@click.option("--per-commune", default=200, show_default=True, help="Rows of each commune's file.")
@click.option("--skip-ckan", is_flag=True, help="Only the big file (no database).")
@click.option("--force", is_flag=True, help="Wipe a database whose name is not *_test/*_bench.")
def main(ini: str, rows: int, per_commune: int, skip_ckan: bool, force: bool) -> None:
    figures = big_file(rows)
    if not skip_ckan:
        figures += territory_consolidation(ini, per_commune, force, rows)
    click.echo(
        f"\nMachine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}; peak RSS {rss_mb():.0f} MB\n"
    )
    click.echo("| step | size | time | peak RSS after it |")
    click.echo("| --- | --- | --- | --- |")
    for step, size, seconds, memory in figures:
        click.echo(f"| {step} | {size} | {seconds} | {memory} |")


if __name__ == "__main__":
    main()
