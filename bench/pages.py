"""Benchmark of the territory pages: render times and SQL statements per page.

    make bench-pages                          # database ckan_territoires_bench
    BENCH_DB_NAME=my_bench make bench-pages
    .venv/bin/python bench/pages.py --ini test.ini --n 10000 --runs 50

**It wipes the database it runs against** (every table emptied, migration
versions kept); it refuses a database whose name does not end in ``_bench``
or ``_test`` unless given ``--force``. ``--keep`` reuses the data of a
previous run (same --n and --commune-datasets).

What it does:

1. loads CKAN from the ini with the territory plugins (``territoires_search
   territoires scheming_datasets scheming_groups dcat``) and the scope
   ``epci:200067106`` (CA du Pays Basque, 158 communes: the largest EPCI);
2. loads the territory (158 commune groups + 1 intercommunality group),
   creates organisations (one is Bayonne's, one the EPCI's) and a plain
   CKAN group ``bench-stock-group``;
3. bulk-inserts --n datasets (SQLAlchemy core, not through the actions):
   --commune-datasets public ones in Bayonne (a fifth published by
   Bayonne's organisation, a fifth covering the whole territory, the rest
   covering Bayonne and 0-2 other communes), 5 % more private ones in
   Bayonne, and the rest spread over the other communes (1-3 each, 10 %
   private); every dataset of Bayonne is also in ``bench-stock-group``;
   then rebuilds the search index with the project's parallel rebuild
   (``ckan territoires search-index rebuild``);
4. renders each page --runs times (after warm-up) through CKAN's Flask app,
   anonymously, and prints p50/p95 (wall), the p50 of this process's CPU time
   and the number of SQL statements of one
   rendering; the statements are also counted on the page of a commune
   with few datasets, which must give the same number (constant in the
   number of datasets);
5. prints a Markdown table for the README, with the targets: p95 <= 300 ms
   and commune page p95 <= 1.2 x the stock ``/group/<name>`` page's.
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import random
import resource
import sys
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import click

SCOPE = "epci:200067106"  # CA du Pays Basque: 158 communes
TARGET_INSEE = "64102"  # Bayonne
SMALL_INSEE = "64024"  # Anglet: another commune, with fewer datasets
PLUGINS = "territoires_search territoires scheming_datasets scheming_groups dcat"
STOCK_GROUP = "bench-stock-group"
SAFE_SUFFIXES = ("_bench", "_test")
THEME = "http://publications.europa.eu/resource/authority/data-theme/"
THEMES = [
    "AGRI",
    "ECON",
    "EDUC",
    "ENER",
    "ENVI",
    "GOVE",
    "HEAL",
    "JUST",
    "REGI",
    "SOCI",
    "TECH",
    "TRAN",
]
FORMATS = ["CSV", "JSON", "GeoJSON", "XLSX", "PDF", "SHP"]
TAGS = [
    "voirie",
    "budget",
    "écoles",
    "vélo",
    "eau",
    "déchets",
    "culture",
    "sport",
    "urbanisme",
    "transport",
    "énergie",
    "santé",
]
P95_TARGET_MS = 300
STOCK_RATIO_TARGET = 1.2
CHUNK = 1000
#: Pages with a speed target (the others are printed for information).
TARGETED = ("commune page", "communes index (158)")


@dataclass
class Timing:
    label: str
    url: str
    times_ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)
    statements: int = 0

    def percentile(self, p: float, values: list[float] | None = None) -> float:
        values = sorted(self.times_ms if values is None else values)
        return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def load_app(ini: str):
    """CKAN's WSGI app (its middleware, then Flask) from the ini, with the
    territory plugins and scope."""
    import logging

    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    config = load_config(ini)
    config["ckan.plugins"] = PLUGINS
    config["ckanext.territoires.scope"] = SCOPE
    config["ckan.site_url"] = "http://bench.invalid"
    app = make_app(config)
    for name in ("ckan", "ckanext"):
        logging.getLogger(name).setLevel(logging.WARNING)
    logging.getLogger("ckan.lib.datapreview").setLevel(logging.ERROR)
    return app


def check_database(force: bool) -> str:
    from ckan import model

    name = model.meta.engine.url.database or ""
    if not name.endswith(SAFE_SUFFIXES) and not force:
        raise click.ClickException(
            f"Refusing to wipe database {name!r}: its name does not end in "
            f"{' or '.join(SAFE_SUFFIXES)} (--force to insist)."
        )
    return name


def wipe() -> None:
    import sqlalchemy as sa
    from ckan import model

    model.Session.remove()
    with model.meta.engine.begin() as conn:
        tables = [
            name
            for (name,) in conn.execute(
                sa.text(
                    "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
                    " AND tablename NOT LIKE '%alembic_version'"
                )
            )
        ]
        conn.execute(
            sa.text("TRUNCATE %s RESTART IDENTITY CASCADE" % ", ".join(f'"{t}"' for t in tables))
        )


def set_up_places() -> dict[str, Any]:
    """Territory groups, organisations and the stock group, through CKAN."""
    import ckan.plugins.toolkit as tk
    from ckan import model

    from ckanext.territoires import territory
    from ckanext.territoires.communes import groups, load
    from ckanext.territoires.referential import get_referential

    report = load.load_territory(territory.configured_scope(), get_referential())
    if report.errors:
        raise click.ClickException("; ".join(report.errors))
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    context = lambda: {"user": site_user["name"], "ignore_auth": True}  # noqa: E731
    orgs = []
    for number in range(20):
        extras = []
        if number == 0:
            extras = [{"key": "insee", "value": TARGET_INSEE}]
        elif number == 1:
            extras = [{"key": "siren", "value": SCOPE.split(":")[1]}]
        orgs.append(
            tk.get_action("organization_create")(
                context(),
                {
                    "name": f"bench-org-{number:02d}",
                    "title": f"Producteur {number:02d}",
                    "extras": extras,
                },
            )["id"]
        )
    stock = tk.get_action("group_create")(
        context(), {"name": STOCK_GROUP, "title": "Bayonne (stock group)"}
    )
    by_insee = {insee: group.id for insee, group in groups.commune_groups_by_insee().items()}
    epci = groups.intercommunality_group(SCOPE.split(":")[1])
    model.Session.remove()
    return {
        "orgs": orgs,
        "stock": stock["id"],
        "communes": by_insee,
        "epci": epci.id,
        "site_user": model.User.get(site_user["name"]).id,
    }


def dataset_rows(places: dict[str, Any], n: int, commune_datasets: int, seed: int):
    """(package, extras, resources, members) rows of the generated datasets."""
    rng = random.Random(seed)
    others = sorted(code for code in places["communes"] if code != TARGET_INSEE)
    everywhere = sorted(places["communes"])
    private_in_target = max(1, commune_datasets // 20)
    now = datetime.datetime(2026, 6, 1, 12, 0, 0)
    for index in range(n):
        in_target = index < commune_datasets + private_in_target
        private = index >= commune_datasets if in_target else rng.random() < 0.10
        org = places["orgs"][rng.randrange(2, 20)]
        whole = False
        if in_target and not private:
            share = index % 5
            if share == 0:
                org, coverage = places["orgs"][0], [TARGET_INSEE]
            elif share == 1:
                whole, coverage = True, everywhere
            else:
                coverage = [TARGET_INSEE, *rng.sample(others, rng.randint(0, 2))]
        elif in_target:
            coverage = [TARGET_INSEE]
        else:
            coverage = rng.sample(others, rng.randint(1, 3))
        package_id = str(uuid.uuid4())
        modified = now - datetime.timedelta(minutes=rng.randrange(2 * 365 * 24 * 60))
        themes = [THEME + code for code in rng.sample(THEMES, rng.randint(1, 2))]
        package = {
            "id": package_id,
            "name": f"bench-{index:06d}",
            "title": f"Jeu de données {index}",
            "notes": f"Données de démonstration n° {index} ({', '.join(coverage[:3])}).",
            "license_id": "odc-odbl",
            "type": "dataset",
            "owner_org": org,
            "creator_user_id": places["site_user"],
            "metadata_created": modified,
            "metadata_modified": modified,
            "private": private,
            "state": "active",
            "version": None,
            "url": None,
            "author": None,
            "author_email": None,
            "maintainer": None,
            "maintainer_email": None,
            "plugin_data": None,
        }
        extras = [
            {
                "id": str(uuid.uuid4()),
                "package_id": package_id,
                "key": "territoires_coverage",
                "value": json.dumps(coverage),
                "state": "active",
            },
            {
                "id": str(uuid.uuid4()),
                "package_id": package_id,
                "key": "theme",
                "value": json.dumps(themes),
                "state": "active",
            },
        ]
        resources = [
            {
                "id": str(uuid.uuid4()),
                "package_id": package_id,
                "url": f"https://example.org/{index}/{position}",
                "format": rng.choice(FORMATS),
                "name": f"Fichier {position}",
                "description": "",
                "position": position,
                "state": "active",
                "created": modified,
                "metadata_modified": modified,
                "url_type": None,
                "extras": None,
            }
            for position in range(rng.randint(1, 4))
        ]
        group_ids = [places["communes"][code] for code in coverage]
        if whole:
            group_ids.append(places["epci"])
        if in_target:
            group_ids.append(places["stock"])
        members = [
            {
                "id": str(uuid.uuid4()),
                "table_name": "package",
                "table_id": package_id,
                "capacity": "organization",
                "group_id": org,
                "state": "active",
            }
        ]
        members += [
            {
                "id": str(uuid.uuid4()),
                "table_name": "package",
                "table_id": package_id,
                "capacity": "public" if group_id == places["stock"] else "territoires",
                "group_id": group_id,
                "state": "active",
            }
            for group_id in group_ids
        ]
        tags = rng.sample(TAGS, rng.randint(0, 3))
        yield package, extras, resources, members, tags


def insert_datasets(places: dict[str, Any], n: int, commune_datasets: int) -> float:
    import sqlalchemy as sa
    from ckan import model

    started = time.perf_counter()
    tag_ids = {}
    for name in TAGS:
        tag_ids[name] = str(uuid.uuid4())
    model.Session.execute(
        model.tag_table.insert(),
        [{"id": i, "name": t, "vocabulary_id": None} for t, i in tag_ids.items()],
    )
    batch: dict[str, list] = {"package": [], "extra": [], "resource": [], "member": [], "tag": []}

    def flush():
        session = model.Session
        session.execute(model.package_table.insert(), batch["package"])
        session.execute(model.package_extra_table.insert(), batch["extra"])
        session.execute(model.resource_table.insert(), batch["resource"])
        session.execute(model.member_table.insert(), batch["member"])
        if batch["tag"]:
            session.execute(model.package_tag_table.insert(), batch["tag"])
        session.commit()
        for rows in batch.values():
            rows.clear()

    with click.progressbar(
        dataset_rows(places, n, commune_datasets, seed=5),
        length=n,
        label="  datasets (bulk insert)",
    ) as rows:
        for count, (package, extras, resources, members, tags) in enumerate(rows, 1):
            batch["package"].append(package)
            batch["extra"] += extras
            batch["resource"] += resources
            batch["member"] += members
            batch["tag"] += [
                {
                    "id": str(uuid.uuid4()),
                    "package_id": package["id"],
                    "tag_id": tag_ids[t],
                    "state": "active",
                }
                for t in tags
            ]
            if count % CHUNK == 0:
                flush()
    if batch["package"]:
        flush()
    model.Session.execute(sa.text("ANALYZE"))
    model.Session.commit()
    model.Session.remove()
    return time.perf_counter() - started


def rebuild_index(ini: str) -> float:
    """The project's parallel rebuild (``ckan territoires search-index
    rebuild``, one worker process per CPU), as a data team runs it, with this
    benchmark's plugins and scope: its workers load CKAN from an ini of
    their own that extends ``ini`` with them."""
    import subprocess
    import tempfile

    from ckan import model

    model.Session.remove()
    with open(ini) as base:  # its logging sections: CKAN's CLI reads them from the ini given
        text = base.read()
    logging_sections = text[text.index("[loggers]") :] if "[loggers]" in text else ""
    with tempfile.NamedTemporaryFile("w", suffix=".ini", delete=False) as extended:
        extended.write(
            "[app:main]\nuse = config:%s\nckan.plugins = %s\n"
            "ckanext.territoires.scope = %s\nckan.site_url = http://bench.invalid\n\n%s"
            % (os.path.abspath(ini), PLUGINS, SCOPE, logging_sections)
        )
    ckan_cli = os.path.join(os.path.dirname(sys.executable), "ckan")
    command = [ckan_cli, "-c", extended.name, "territoires", "search-index", "rebuild", "-q"]
    started = time.perf_counter()
    try:
        completed = subprocess.run(command, capture_output=True, text=True)
    finally:
        os.unlink(extended.name)
    if completed.returncode != 0:
        raise click.ClickException("%s failed:\n%s" % (" ".join(command), completed.stderr[-2000:]))
    click.echo("  " + completed.stdout.strip().splitlines()[-1])
    return time.perf_counter() - started


class StatementCounter:
    """SQL statements sent on CKAN's engine while active."""

    def __init__(self):
        from ckan import model

        self.engine = model.meta.engine
        self.count = 0

    def _count(self, *args, **kwargs):
        self.count += 1

    def __enter__(self):
        import sqlalchemy as sa

        sa.event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *exc):
        import sqlalchemy as sa

        sa.event.remove(self.engine, "before_cursor_execute", self._count)


def render(client, url: str) -> tuple[float, float]:
    """Wall time and CPU time of this process (ms) of one rendering."""
    from ckan import model

    started, cpu = time.perf_counter(), time.process_time()
    response = client.get(url, expect_errors=True)
    elapsed = (time.perf_counter() - started) * 1000
    cpu = (time.process_time() - cpu) * 1000
    if response.status_code != 200:
        raise click.ClickException(f"{url}: HTTP {response.status_code}")
    model.Session.remove()
    return elapsed, cpu


def time_pages(app, pages: list[Timing], runs: int, warmup: int) -> None:
    from ckan.tests.helpers import CKANTestApp

    client = CKANTestApp(app)  # through CKAN's middleware, as a real request
    for timing in pages:
        for _ in range(warmup):
            render(client, timing.url)
        with StatementCounter() as counter:
            render(client, timing.url)
        timing.statements = counter.count
        with click.progressbar(range(runs), label=f"  {timing.label}") as bar:
            for _ in bar:
                elapsed, cpu = render(client, timing.url)
                timing.times_ms.append(elapsed)
                timing.cpu_ms.append(cpu)


def visible_count(flask_app, url_params: dict[str, Any]) -> int:
    import ckan.plugins.toolkit as tk

    with flask_app.test_request_context():
        return tk.get_action("territoires_package_search")({"user": ""}, url_params)["count"]


def print_report(
    pages: list[Timing],
    n: int,
    commune_datasets: int,
    small: Timing,
    small_datasets: int,
    database: str,
    setup: dict[str, float],
) -> bool:
    by_label = {timing.label: timing for timing in pages}
    commune = by_label["commune page"]
    stock = by_label["stock /group page"]
    ratio = commune.percentile(95) / stock.percentile(95)
    ok = True
    click.echo("")
    click.secho("== Results", bold=True)
    click.echo(
        f"machine: {platform.node()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; load average {os.getloadavg()[0]:.2f}; "
        f"database {database}; peak RSS "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
    )
    click.echo(
        f"{n:,} datasets, {commune_datasets} public ones in Bayonne; "
        f"insert {setup['insert']:.0f} s, index {setup['index']:.0f} s"
    )
    click.echo("")
    click.echo("| page | p50 ms | p95 ms | CPU p50 ms | SQL statements | target |")
    click.echo("| --- | ---: | ---: | ---: | ---: | --- |")
    for timing in pages:
        p95 = timing.percentile(95)
        if timing is stock:
            target, passed = "reference: CKAN's group page, same datasets", True
        elif timing.label in TARGETED:
            target = f"p95 <= {P95_TARGET_MS} ms"
            passed = p95 <= P95_TARGET_MS
            if timing is commune:
                target += f", <= {STOCK_RATIO_TARGET} x stock ({ratio:.2f} x)"
                passed = passed and ratio <= STOCK_RATIO_TARGET
            target += ": " + ("ok" if passed else "MISSED")
        else:
            target, passed = "(no target)", True
        ok = ok and passed
        click.echo(
            f"| {timing.label} (`{timing.url}`) | {timing.percentile(50):.0f} | {p95:.0f} | "
            f"{timing.percentile(50, timing.cpu_ms):.0f} | {timing.statements} | {target} |"
        )
    constant = small.statements == commune.statements
    ok = ok and constant
    click.echo("")
    click.echo(
        f"SQL statements of the commune page: {commune.statements} for Bayonne "
        f"({commune_datasets} datasets), {small.statements} for {small.url} "
        f"({small_datasets} datasets): "
        f"{'constant' if constant else 'NOT constant'}"
    )
    return ok


@click.command(help=__doc__)
@click.option("--ini", default="test.ini", show_default=True)
@click.option("--n", "n", default=10_000, show_default=True, help="datasets in all")
@click.option(
    "--commune-datasets",
    default=500,
    show_default=True,
    help="public datasets of the commune page (Bayonne)",
)
@click.option("--runs", default=50, show_default=True, help="renderings per page")
@click.option("--warmup", default=5, show_default=True)
@click.option("--keep", is_flag=True, help="reuse the data of a previous run")
@click.option("--force", is_flag=True, help="wipe a database not named *_bench or *_test")
def main(ini, n, commune_datasets, runs, warmup, keep, force):
    if commune_datasets * 1.05 + 1 > n:
        raise click.UsageError("--n must exceed --commune-datasets by 5 % at least")
    click.secho(f"== Loading CKAN from {ini}", bold=True)
    app = load_app(os.path.abspath(ini))
    flask_app = app._wsgi_app
    setup = {"insert": 0.0, "index": 0.0}
    with flask_app.test_request_context():
        database = check_database(force)
        if not keep:
            click.secho(f"== Wiping {database} and generating {n:,} datasets", bold=True)
            wipe()
            places = set_up_places()
            setup["insert"] = insert_datasets(places, n, commune_datasets)
            setup["index"] = rebuild_index(ini)
        visible = visible_count(flask_app, {"id": TARGET_INSEE})
        small_datasets = visible_count(flask_app, {"id": SMALL_INSEE})
        if visible != commune_datasets:
            raise click.ClickException(
                f"Bayonne shows {visible} datasets to visitors, expected {commune_datasets}: "
                "run again without --keep"
            )
        from ckan import model

        from ckanext.territoires.communes import groups as territorial_groups

        by_insee = territorial_groups.commune_groups_by_insee()
        commune_name = by_insee[TARGET_INSEE].name
        small_name = by_insee[SMALL_INSEE].name
        epci_name = territorial_groups.intercommunality_group(SCOPE.split(":")[1]).name
        dataset_name = (
            model.Session.query(model.Package.name)
            .filter(
                model.Package.private.is_(False),
                model.Package.state == "active",
                model.Package.owner_org.isnot(None),
            )
            .order_by(model.Package.name)
            .limit(1)
            .scalar()
        )
        model.Session.remove()

    pages = [
        Timing("commune page", f"/commune/{commune_name}"),
        Timing("stock /group page", f"/group/{STOCK_GROUP}"),
        Timing("communes index (158)", "/communes"),
        Timing("commune page, filtered, page 2", f"/commune/{commune_name}?res_format=CSV&page=2"),
        Timing("intercommunality page", f"/intercommunalite/{epci_name}"),
        Timing("home page", "/"),
        Timing("dataset page", f"/dataset/{dataset_name}"),
    ]
    small = Timing("small commune page", f"/commune/{small_name}")
    click.secho(
        f"== Rendering each page {runs} times (after {warmup} warm-up renderings)", bold=True
    )
    time_pages(app, [*pages, small], runs=runs, warmup=warmup)
    ok = print_report(pages, n, commune_datasets, small, small_datasets, database, setup)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
