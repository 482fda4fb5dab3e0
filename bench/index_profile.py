#!/usr/bin/env python
"""Profile of this project's share of indexing one dataset (issue #18).

``bench/index_hooks.py`` times the steps of ``index_package``; this script
says where the time of two of them goes, with cProfile enabled only inside
them:

- ``index_package``'s validation with the show schema (``plugin_validate``,
  scheming's show schema with the territory's plugins);
- the ``territoires`` plugin's ``before_dataset_index`` (extent, communes,
  quality).

It loads the ini with the plugins of the territory tests
(``tests/conftest.py``: scheming's dataset, group and organisation types,
dcat), so that the dataset schema is this project's, not CKAN's default one
that test.ini lists. Two commands:

``create`` WIPES the database (a name ending in ``_bench`` only), loads the
territory (the ini's scope) and creates ``--n`` varied datasets through
``package_create``: coverage written as codes, names, postal codes or
``*``; DCAT spatial coverage geometries; themes, contact points, periods,
frequencies, licences, resources of several formats, publishing
organisations of a commune or an intercommunality, territorial groups.

``profile`` indexes every dataset as the rebuild does (``package_show``,
then ``index_package``) in one rolled-back transaction, prints the mean of
both steps per dataset and the profile's top entries (cumulative, then own
time), with the machine's load; ``--dump FILE`` writes each dataset's
``validated_data_dict`` and the ``territoires`` hook's output as JSON lines,
to compare two versions of the code byte for byte. Usage::

    export CKAN_SQLALCHEMY_URL=$(.venv/bin/python config/bootstrap.py database-url ckan_territoires_x_bench)
    .venv/bin/python bench/index_profile.py --ini test.ini create --n 300
    .venv/bin/python bench/index_profile.py --ini test.ini profile --dump /tmp/before.jsonl
"""

from __future__ import annotations

import cProfile
import io
import json
import os
import pstats
import random
import subprocess
import sys
import time
from typing import Any

import click

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import search as bench  # bench/search.py, beside this file

PLUGINS = (
    "territoires_search territoires scheming_datasets scheming_groups scheming_organizations dcat"
)
THEMES = (
    "http://publications.europa.eu/resource/authority/data-theme/ENVI",
    "http://publications.europa.eu/resource/authority/data-theme/TRAN",
    "ECON",
    "Mobilité douce",
    "santé",
)
FREQUENCIES = ("monthly", "annuelle", "MONTHLY", "http://purl.org/cld/freq/daily", "", "unknown")
LICENCES = ("lov2", "odc-odbl", "cc-by", "notspecified", "other-closed", "", "Licence Ouverte v2.0")
FORMATS = ("CSV", "JSON", "PDF", "XLS", "GeoJSON", "SHP", "", "WMS", "zip")
POINT = '{"type": "Point", "coordinates": [4.85, 45.75]}'
POLYGON = (
    '{"type": "Polygon", "coordinates": [[[4.80, 45.70], [4.95, 45.70], [4.95, 45.80],'
    " [4.80, 45.80], [4.80, 45.70]]]}"
)


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def load(ini: str, plugins: str = PLUGINS) -> Any:
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    conf = load_config(os.path.abspath(ini))
    if plugins != "ini":
        conf["ckan.plugins"] = plugins
    app = make_app(conf)
    import logging

    for name in ("ckan", "ckanext"):
        logging.getLogger(name).setLevel(logging.WARNING)
    logging.getLogger("ckan.lib.datapreview").setLevel(logging.ERROR)  # no image_view here
    return getattr(app, "_wsgi_app", app)


def _coverage(rng: random.Random, communes: list[Any]) -> Any:
    kind = rng.random()
    picked = rng.sample(communes, rng.randint(1, 4))
    if kind < 0.1:
        return ["*"]
    if kind < 0.4:
        return [c.name for c in picked]
    if kind < 0.5:
        return ";".join(c.insee for c in picked)
    if kind < 0.6:
        return None  # none given: from the geometry, or empty
    return [c.insee for c in picked]


def _dataset(
    rng: random.Random, index: int, communes: list[Any], orgs: list[str], groups: list[str]
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "bench-%05d" % index,
        "title": "Jeu de données %d" % index,
        "notes": "Des données de la métropole. " * rng.choice((1, 3, 10)),
        "owner_org": rng.choice(orgs),
        "license_id": rng.choice(LICENCES),
        "resources": [
            {
                "url": "https://example.org/data/%d/%d" % (index, r),
                "name": "Ressource %d" % r,
                "format": rng.choice(FORMATS),
            }
            for r in range(rng.randint(0, 3))
        ],
        "tags": [{"name": t} for t in rng.sample(("voirie", "eau", "budget", "vélo"), 2)],
        "groups": [{"name": g} for g in rng.sample(groups, rng.randint(0, 2))],
    }
    coverage = _coverage(rng, communes)
    if coverage is not None:
        data["territoires_coverage"] = coverage
    if rng.random() < 0.4:
        data["spatial_coverage"] = [{"geom": rng.choice((POINT, POLYGON)), "text": "Lyon"}]
    if rng.random() < 0.7:
        data["theme"] = rng.sample(THEMES, rng.randint(1, 2))
    if rng.random() < 0.7:
        data["frequency"] = rng.choice(FREQUENCIES)
    if rng.random() < 0.6:
        data["contact"] = [{"name": "Service", "email": "donnees@example.org"}]
    if rng.random() < 0.5:
        data["temporal_coverage"] = [{"start": "2020-01-01", "end": "2024-12-31"}]
    if rng.random() < 0.5:
        data["publisher"] = [{"name": "Métropole", "url": "https://example.org"}]
    if rng.random() < 0.4:
        data["language"] = ["fr"]
        data["issued"] = "2021-03-04"
        data["modified"] = "2024-05-06T07:08:09"
    return data


@click.group()
@click.option("--ini", required=True, type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--plugins",
    default=PLUGINS,
    show_default=True,
    help="CKAN's plugins; 'ini': the ini's (test.ini's: CKAN's default dataset schema).",
)
@click.pass_context
def main(ctx: click.Context, ini: str, plugins: str) -> None:
    ctx.obj = load(ini, plugins)


@main.command()
@click.option("--n", default=300, show_default=True, type=click.IntRange(min=1))
@click.option("--seed", default=18, show_default=True, type=int)
@click.pass_obj
def create(flask_app: Any, n: int, seed: int) -> None:
    import ckan.tests.helpers as helpers
    from ckan import model

    from ckanext.territoires import territory
    from ckanext.territoires.communes import load as communes_load
    from ckanext.territoires.referential import get_referential

    with flask_app.test_request_context():
        if not bench.database_name().endswith("_bench"):
            raise click.ClickException("Refused: not a _bench database")
        bench.wipe_database()
        scope = territory.configured_scope()
        ref = get_referential()
        report = communes_load.load_territory(scope, ref)
        click.echo("territory: %s" % (report.errors or "loaded"))
        communes = [ref.communes[code] for code in sorted(scope.communes)]
        rows = model.Session.execute(
            model.group_table.select().where(model.group_table.c.is_organization.is_(False))
        )
        groups = [row.name for row in rows]
        bench._ensure_user("bench-admin", sysadmin=True)
        context = {"ignore_auth": True, "user": "bench-admin"}
        orgs = []
        for name, key, value in (
            ("metropole", "siren", "200046977"),
            ("ville-de-bron", "insee", "69029"),
            ("ville-de-villeurbanne", "insee", "69266"),
            ("association", None, None),
        ):
            extras = [{"key": key, "value": value}] if key else []
            org = helpers.call_action(
                "organization_create", dict(context), name=name, title=name, extras=extras
            )
            orgs.append(org["id"])
        rng = random.Random(seed)
        started = time.perf_counter()
        for index in range(n):
            helpers.call_action(
                "package_create", dict(context), **_dataset(rng, index, communes, orgs, groups)
            )
        click.echo("%d datasets in %.1f s (%s)" % (n, time.perf_counter() - started, uptime()))


@main.command()
@click.option("--dump", type=click.Path(dir_okay=False), default=None)
@click.option("--top", default=30, show_default=True)
@click.option("--no-profile", is_flag=True, help="Time only (cProfile slows every call).")
@click.option(
    "--passes",
    default=1,
    show_default=True,
    type=click.IntRange(min=1),
    help="Index every dataset this many times; the best and the median pass"
    " are printed (the best is the least disturbed by a shared machine).",
)
@click.option(
    "--only",
    type=click.Choice(["validation", "territoires"]),
    default=None,
    help="Profile this step only (both are timed).",
)
@click.pass_obj
def profile(
    flask_app: Any, dump: str | None, top: int, no_profile: bool, only: str | None, passes: int
) -> None:
    import sqlalchemy as sa
    from ckan import logic, model, plugins
    from ckan.lib import plugins as lib_plugins
    from ckan.lib.search import index_for

    with flask_app.test_request_context():
        ids = [
            row[0]
            for row in model.Session.execute(
                sa.text("SELECT id FROM package WHERE type = 'dataset' ORDER BY id")
            )
        ]
        profiler = cProfile.Profile()
        totals = {"validation": 0.0, "territoires": 0.0}
        cpu = {"validation": 0.0, "territoires": 0.0}
        measured_passes: list[tuple[dict[str, float], dict[str, float]]] = []
        outputs: list[dict[str, Any]] = []
        territoires = plugins.get_plugin("territoires")
        original_validate = lib_plugins.plugin_validate
        original_hook = territoires.before_dataset_index
        profiling = [False]

        def measured(label: str, function: Any) -> Any:
            on = not no_profile and only in (None, label)

            def run(*args: Any, **kwargs: Any) -> Any:
                if profiling[0] and on:
                    profiler.enable()
                started, started_cpu = time.perf_counter(), time.process_time()
                try:
                    return function(*args, **kwargs)
                finally:
                    totals[label] += time.perf_counter() - started
                    cpu[label] += time.process_time() - started_cpu
                    if profiling[0] and on:
                        profiler.disable()

            return run

        def hook(pkg_dict: dict[str, Any]) -> dict[str, Any]:
            result = measured("territoires", original_hook)(pkg_dict)
            if dump and profiling[0]:
                outputs.append(json.loads(json.dumps(result, sort_keys=True, default=str)))
            return result

        lib_plugins.plugin_validate = measured("validation", original_validate)
        territoires.before_dataset_index = hook
        package_index = index_for(model.Package)
        package_show = logic.get_action("package_show")
        context = {"ignore_auth": True, "validate": False, "use_cache": False}
        load_before = uptime()
        try:
            for number in range(passes + 1):  # pass 0: a warm-up on 20 datasets
                profiling[0] = number == 1  # profiled and dumped: the first pass
                for key in totals:
                    totals[key] = cpu[key] = 0.0
                for package_id in ids if number else ids[:20]:
                    package_index.update_dict(package_show(dict(context), {"id": package_id}), True)
                if number:
                    measured_passes.append((dict(totals), dict(cpu)))
        finally:
            model.Session.rollback()
            lib_plugins.plugin_validate = original_validate
            territoires.before_dataset_index = original_hook
    count = len(ids)
    click.echo(
        "Per dataset over %d datasets, %d pass(es), cProfile %s (ms):"
        % (count, passes, "off" if no_profile else "on on the first pass")
    )
    click.echo("| step | best pass | median pass | CPU, best pass |")
    click.echo("| --- | --- | --- | --- |")
    for label in totals:
        walls = sorted(wall[label] * 1000 / count for wall, _cpu in measured_passes)
        cpus = sorted(times[label] * 1000 / count for _wall, times in measured_passes)
        click.echo(
            "| %s | %.2f | %.2f | %.2f |" % (label, walls[0], walls[len(walls) // 2], cpus[0])
        )
    click.echo("Load before: %s" % load_before)
    click.echo("Load after:  %s" % uptime())
    if not no_profile:
        for order in ("cumulative", "tottime"):
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(top)
            click.echo(out.getvalue())
    if dump:
        with open(dump, "w", encoding="utf-8") as handle:
            for output in outputs:
                handle.write(json.dumps(output, sort_keys=True, ensure_ascii=False) + "\n")
        click.echo("wrote %d documents to %s" % (len(outputs), dump))


if __name__ == "__main__":
    main()
