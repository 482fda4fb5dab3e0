#!/usr/bin/env python
"""Benchmark of the harvesters of ckanext-territoires.

WARNING: this script WIPES the database named in the ini (every table's rows,
migrations kept). It refuses unless that database's name ends in ``_test`` or
``_bench``, or contains ``_test_`` or ``_bench_`` (``--force`` overrides).

It loads CKAN from the ini with the harvest plugins added (as the test suite
does), loads the territory (so harvested datasets join their commune groups,
as in production), starts a local HTTP server on 127.0.0.1 (allow-listed) and
measures, through ckanext-harvest's stages run in this process (gather, then
fetch and import of each object: what the queue consumers do):

1. a **DCAT source** of N datasets (default 1,000; Turtle, Hydra-paged by
   100; each dataset with an INSEE URI as dct:spatial, a publisher, keywords
   and two distributions): first harvest in datasets/s, then an unchanged
   re-harvest, and the ratio of the two;
2. a **CKAN source** of N datasets (a local emulation of CKAN's action API:
   ``package_search`` with ``fl`` paging, ``package_show``): same figures;
3. **peak RSS** while gathering a **paged source of M records** (default
   20,000; DCAT Turtle, 200 pages of 100): the stage that reads the whole
   listing; the import stage then handles one record at a time. ``ru_maxrss``
   is the peak of the whole process, so it bounds the figures above too.

Targets: >= 5 datasets/s first import, re-harvest >= 10x faster, RSS <= 500 MB.
The last thing printed is a Markdown table for the README.

    make bench-harvest                       # test database, N=1,000, M=20,000
    .venv/bin/python bench/harvest.py --ini test.ini --n 200 --paged 5000
"""

from __future__ import annotations

import json
import os
import platform
import resource
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import click

SAFE_DB_SUFFIXES = ("_test", "_bench")
PAGE = 100
PLUGINS = (
    "territoires_search territoires scheming_datasets scheming_groups dcat harvest "
    "territoires_harvest territoires_ckan_harvester territoires_dcat_harvester"
)


# -- the remote catalogues ----------------------------------------------------


def communes() -> list[str]:
    from ckanext.territoires import territory

    return sorted(territory.configured_scope().communes)


def turtle_page(base: str, path: str, start: int, count: int, total: int, codes) -> bytes:
    lines = [
        "@prefix dcat: <http://www.w3.org/ns/dcat#> .",
        "@prefix dct: <http://purl.org/dc/terms/> .",
        "@prefix foaf: <http://xmlns.com/foaf/0.1/> .",
        "@prefix hydra: <http://www.w3.org/ns/hydra/core#> .",
        "",
    ]
    for number in range(start, min(start + count, total)):
        code = codes[number % len(codes)]
        uri = f"https://bench.example/dataset/{number}"
        lines.append(
            f'<{uri}> a dcat:Dataset ; dct:identifier "bench-{number}" ;\n'
            f'  dct:title "Jeu de données {number} : équipements de la commune {code}"@fr ;\n'
            f'  dct:description "Description du jeu {number}, avec des accents : é è à ç."@fr ;\n'
            f'  dcat:keyword "équipements"@fr, "bench"@fr ;\n'
            f'  dct:publisher [ a foaf:Organization ; foaf:name "Service des données" ] ;\n'
            f"  dct:spatial <http://id.insee.fr/geo/commune/{code}> ;\n"
            f"  dcat:landingPage <https://bench.example/page/{number}> ;\n"
            f'  dcat:distribution [ a dcat:Distribution ; dct:title "CSV" ; '
            f'dcat:downloadURL <https://bench.example/{number}.csv> ; dct:format "CSV" ],\n'
            f'    [ a dcat:Distribution ; dct:title "GeoJSON" ; '
            f'dcat:downloadURL <https://bench.example/{number}.geojson> ; dct:format "GeoJSON" ] .'
        )
    if start + count < total:
        lines.append(
            f"<{base}{path}?start={start}> a hydra:PagedCollection ; "
            f'hydra:next "{base}{path}?start={start + count}" .'
        )
    return "\n".join(lines).encode("utf-8")


def ckan_dataset(number: int, code: str) -> dict:
    return {
        "id": f"bench-{number:06d}",
        "name": f"bench-{number}",
        "title": f"Jeu de données {number}",
        "notes": "Description, é è à ç.",
        "metadata_modified": "2026-01-01T00:00:00",
        "territoires_coverage": [code],
        "tags": [{"name": "equipements"}],
        "organization": {"name": "bench", "title": "Bench"},
        "resources": [
            {"url": f"https://bench.example/{number}.csv", "format": "CSV", "name": "CSV"}
        ],
    }


class Remote:
    def __init__(self, n: int, paged: int, codes):
        self.n, self.paged, self.codes = n, paged, codes
        remote = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                parts = urlsplit(self.path)
                query = parse_qs(parts.query)
                body, kind = remote.answer(parts.path, query)
                self.send_response(200 if body is not None else 404)
                body = body or b"not found"
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def answer(self, path: str, query: dict):
        start = int(query.get("start", ["0"])[0])
        if path in ("/dcat", "/paged"):
            total = self.n if path == "/dcat" else self.paged
            return turtle_page(self.base, path, start, PAGE, total, self.codes), "text/turtle"
        if path == "/ckan/api/3/action/package_search":
            rows = int(query.get("rows", ["10"])[0])
            results = [
                {
                    "id": f"bench-{i:06d}",
                    "name": f"bench-{i}",
                    "metadata_modified": "2026-01-01T00:00:00",
                }
                for i in range(start, min(start + rows, self.n))
            ]
            return json.dumps(
                {"success": True, "result": {"count": self.n, "results": results}}
            ).encode(), "application/json"
        if path == "/ckan/api/3/action/package_show":
            number = int(query["id"][0].split("-")[1])
            return json.dumps(
                {
                    "success": True,
                    "result": ckan_dataset(number, self.codes[number % len(self.codes)]),
                }
            ).encode(), "application/json"
        return None, "text/plain"


# -- CKAN ---------------------------------------------------------------------


def bench_ini(ini: str) -> str:
    handle, path = tempfile.mkstemp(suffix=".ini", prefix="bench-harvest-")
    with os.fdopen(handle, "w") as stream:
        stream.write(
            f"[app:main]\nuse = config:{os.path.abspath(ini)}\n"
            f"ckan.plugins = {PLUGINS}\n"
            "ckanext.territoires.harvest.allowed_hosts = 127.0.0.1\n"
            "[loggers]\nkeys = root\n[handlers]\nkeys = console\n"
            "[formatters]\nkeys = generic\n[logger_root]\nlevel = ERROR\n"
            "handlers = console\n[handler_console]\nclass = StreamHandler\n"
            "args = (sys.stderr,)\nlevel = NOTSET\nformatter = generic\n"
            "[formatter_generic]\nformat = %%(levelname)s %%(message)s\n"
        )
    return path


def load_ckan(ini: str):
    import logging

    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    app = make_app(load_config(ini))
    for name in ("ckan", "ckanext", "ckanext.harvest", "ckanext.territoires"):
        logging.getLogger(name).setLevel(logging.ERROR)
    return getattr(app, "_wsgi_app", app)


def wipe(force: bool) -> None:
    import sqlalchemy as sa
    from ckan import model

    name = model.meta.engine.url.database or ""
    safe = name.endswith(SAFE_DB_SUFFIXES) or "_test_" in name or "_bench_" in name
    if not safe and not force:
        raise click.ClickException(f"Refusing to wipe database {name!r} (use --force).")
    model.Session.remove()
    with model.meta.engine.begin() as conn:
        tables = [
            row[0]
            for row in conn.execute(
                sa.text(
                    "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
                    " AND tablename NOT LIKE '%alembic_version'"
                )
            )
        ]
        conn.execute(
            sa.text("TRUNCATE %s RESTART IDENTITY CASCADE" % ", ".join(f'"{t}"' for t in tables))
        )


def source(url: str, kind: str, name: str, config: dict) -> dict:
    import ckan.plugins.toolkit as tk

    user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return tk.get_action("harvest_source_create")(
        {"user": user["name"], "ignore_auth": True},
        {
            "name": name,
            "title": name,
            "url": url,
            "source_type": kind,
            "config": json.dumps(config),
        },
    )


def timed_run(source_id: str) -> tuple[float, dict]:
    from ckanext.territoires.harvesters import runner

    started = time.perf_counter()
    job = runner.run_source(source_id)
    return time.perf_counter() - started, job


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


@click.command()
@click.option("--ini", default="test.ini", show_default=True)
@click.option("--n", default=1000, show_default=True, help="Datasets of the DCAT and CKAN sources.")
@click.option("--paged", default=20000, show_default=True, help="Records of the paged source.")
@click.option("--force", is_flag=True, help="Wipe a database whose name is not *_test/*_bench.")
def main(ini: str, n: int, paged: int, force: bool) -> None:
    flask_app = load_ckan(bench_ini(ini))
    rows = []
    with flask_app.test_request_context():
        from ckan import model
        from ckanext.harvest import queue
        from ckanext.harvest.model import HarvestJob

        from ckanext.territoires import territory
        from ckanext.territoires.communes import load
        from ckanext.territoires.referential import get_referential

        wipe(force)
        load.load_territory(territory.configured_scope(), get_referential())
        remote = Remote(n, paged, communes())
        click.echo(
            f"machine: {platform.processor() or platform.machine()}, "
            f"{os.cpu_count()} cores, Python {platform.python_version()}"
        )
        for kind, url in (
            ("territoires_dcat", remote.base + "/dcat"),
            ("territoires_ckan", remote.base + "/ckan"),
        ):
            harvest_source = source(url, kind, f"bench-{kind}", {})
            first, job = timed_run(harvest_source["id"])
            assert job["stats"]["added"] == n, job["stats"]
            again, job = timed_run(harvest_source["id"])
            assert job["stats"]["not modified"] == n, job["stats"]
            rows.append((kind, n, first, n / first, again, first / again))
            click.echo(
                f"{kind}: first {first:.1f} s ({n / first:.1f} datasets/s), "
                f"unchanged re-run {again:.2f} s ({first / again:.0f}x faster)"
            )
        harvest_source = source(
            remote.base + "/paged",
            "territoires_dcat",
            "bench-paged",
            {"max_pages": paged // PAGE + 10},
        )
        from ckan.plugins import toolkit as tk

        job_dict = tk.get_action("harvest_job_create")(
            {"ignore_auth": True}, {"source_id": harvest_source["id"], "run": False}
        )
        job = HarvestJob.get(job_dict["id"])
        started = time.perf_counter()
        ids = queue.gather_stage(queue.get_harvester("territoires_dcat"), job)
        gather = time.perf_counter() - started
        assert len(ids) == paged, len(ids)
        peak = rss_mb()
        click.echo(
            f"paged source: {paged} records gathered in {gather:.1f} s "
            f"({paged / gather:.0f} records/s); peak RSS {peak:.0f} MB"
        )
        model.Session.remove()
    click.echo(
        "\n| source | datasets | first harvest | datasets/s | unchanged re-harvest | "
        "speed-up |\n| --- | --- | --- | --- | --- | --- |"
    )
    for kind, count, first, rate, again, ratio in rows:
        click.echo(
            f"| {kind} | {count:,} | {first:.1f} s | {rate:.1f} | {again:.2f} s | {ratio:.0f}x |"
        )
    click.echo(
        f"| paged DCAT source, gather | {paged:,} | {gather:.1f} s | "
        f"{paged / gather:.0f} records/s | peak RSS {peak:.0f} MB | |"
    )
    sys.exit(0)


if __name__ == "__main__":
    main()
