"""``ckan territoires harvest ...`` and ``ckan territoires demo``.

Their messages are in the portal's language (``ckan.locale_default``), as
the job reports are.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Iterable, Iterator

import ckan.plugins as p
import ckan.plugins.toolkit as tk
import click
from ckan import model

from ckanext.territoires.referential import get_referential

from .messages import N_, HarvestProblem, Message, report_locale

__all__ = ["demo", "harvest"]

log = logging.getLogger(__name__)


def _t(msgid: str, locale: str | None = None, **params) -> str:
    return Message(msgid, **params).render(locale or report_locale())


def _say(msgid: str, err: bool = False, **params) -> None:
    click.echo(_t(msgid, **params), err=err)


def _require_plugins() -> None:
    if not p.plugin_loaded("territoires_harvest") or not p.plugin_loaded("harvest"):
        _say(
            N_(
                "This command needs the plugins harvest and territoires_harvest "
                "(and the harvester plugins) in ckan.plugins."
            ),
            err=True,
        )
        sys.exit(2)


def _source(identifier: str):
    from ckanext.harvest.model import HarvestSource

    source = HarvestSource.get(identifier)
    if source is None:
        package = model.Package.get(identifier)
        source = HarvestSource.get(package.id) if package is not None else None
    if source is None:
        _say(N_("No harvest source is known as %(source)s."), err=True, source=identifier)
        sys.exit(1)
    return source


@click.group(short_help="Harvest sources: preview, run, schedule, close stale jobs.")
def harvest():
    """Harvesting communes' catalogues (ckanext-territoires)."""


@harvest.command()
@click.argument("source")
@click.option(
    "--limit",
    default=10,
    show_default=True,
    type=click.IntRange(1, 1000),
    help="Records described in detail.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the preview as JSON.")
@click.option("--locale", default=None, help="Language of the messages (default: the portal's).")
def preview(source, limit, as_json, locale):
    """Show what harvesting SOURCE (id or name) would do, writing nothing."""
    _require_plugins()
    from .preview import PreviewError, preview_source

    locale = locale or report_locale()
    harvest_source = _source(source)
    try:
        result = preview_source(harvest_source, limit, locale)
    except PreviewError as error:
        click.echo(str(error), err=True)
        sys.exit(1)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        _print_preview(result, locale)
    sys.exit(0 if result["complete"] else 1)


def _print_preview(result: dict, locale: str) -> None:
    from .preview import LABELS as labels

    echo = click.echo
    echo(
        _t(
            N_("Source: %(title)s (%(url)s)"),
            locale,
            title=result["source"]["title"],
            url=result["source"]["url"],
        )
    )
    if result["error"]:
        echo(
            _t(N_("The source cannot be read: %(error)s"), locale, error=result["error"]), err=True
        )
        echo(_t(N_("A harvest now would change nothing."), locale))
        return
    if result["empty"]:
        echo(_t(N_("The source lists no dataset: a harvest now would change nothing."), locale))
        return
    counts = result["counts"]
    echo(
        _t(
            N_(
                "Datasets listed: %(listed)s; to create: %(create)s, to update: %(update)s, "
                "unchanged: %(unchanged)s, to restore: %(restore)s, to read: %(unknown)s, "
                "errors: %(errors)s; to withdraw: %(withdraw)s, to archive: %(archive)s."
            ),
            locale,
            listed=result["listed"],
            withdraw=result["withdraw"],
            archive=result["archive"],
            **counts,
        )
    )
    identifier_label = _t(N_("identifier"), locale)
    error_label = _t(N_("error"), locale)
    coverage_label = _t(N_("coverage"), locale)
    organisation_label = _t(N_("organisation"), locale)
    for item in result["items"]:
        action = _t(labels.get(item["action"], item["action"]), locale)
        echo(f"\n[{action}] {item.get('title') or item['identifier']}")
        echo(f"  {identifier_label}: {item['identifier']}")
        if item.get("error"):
            echo(f"  {error_label}: {item['error']}")
            continue
        communes = ", ".join(f"{c['name']} ({c['insee']})" for c in item["coverage"][:8])
        if len(item["coverage"]) > 8:
            communes += _t(N_(" and %(count)s more"), locale, count=len(item["coverage"]) - 8)
        if item.get("coverage_whole"):
            communes = _t(
                N_("the whole territory (%(count)s communes)"), locale, count=len(item["coverage"])
            )
        echo(f"  {coverage_label}: {communes or '-'} [{item['coverage_origin_label']}]")
        for step in item.get("coverage_steps") or []:
            if not step["codes"] and not step["note"]:
                continue  # "outside", "none": the coverage line says it
            note = f" ({step['note']})" if step["note"] else ""
            echo(
                "    - "
                + _t(
                    N_("%(rule)s: %(count)s communes"),
                    locale,
                    rule=step["label"],
                    count=len(step["codes"]),
                )
                + note
            )
        for problem in item["problems"]:
            echo(f"  ! {problem}")
        if item.get("organization"):
            echo(f"  {organisation_label}: {item['organization']}")
    for line in result["item_errors"]:
        echo(f"\n! {line}")
    for item in result["withdrawn"][:50]:
        action = _t(labels[item["action"]], locale)
        echo(f"\n[{action}] {item['dataset'] or item['identifier']}")


@harvest.command()
@click.argument("source")
def run(source):
    """Harvest SOURCE (id or name) now, in this process, with a progress bar."""
    _require_plugins()
    from .runner import RunError, run_source

    harvest_source = _source(source)

    def progress(object_ids: Iterable[str]) -> Iterator[str]:
        with click.progressbar(object_ids, label=_t(N_("Records"))) as bar:
            yield from bar

    try:
        job = run_source(harvest_source.id, progress)
    except RunError as error:
        click.echo(error.render(report_locale()), err=True)
        sys.exit(1)
    _print_job(job)
    # warnings (coverage, mapping) are not errors: exit 0; 1 when a dataset
    # could not be created or updated, or the source could not be read
    sys.exit(1 if job.get("gather_errors") or job["stats"].get("errored") else 0)


def _job_summary(job: dict) -> str:
    stats = job["stats"]
    return _t(
        N_(
            "job %(id)s: %(status)s; added: %(added)s, updated: %(updated)s, not modified: "
            "%(unchanged)s, archived: %(deleted)s, errored: %(errored)s"
        ),
        id=job["id"],
        status=Message(job["status"]),
        added=stats.get("added", 0),
        updated=stats.get("updated", 0),
        unchanged=stats.get("not modified", 0),
        deleted=stats.get("deleted", 0),
        errored=stats.get("errored", 0),
    )


def _print_job(job: dict) -> None:
    click.echo(_job_summary(job))
    if job["stats"].get("warnings"):
        click.echo(
            _t(
                N_(
                    "%(count)s datasets harvested with warnings (coverage or mapping "
                    "problems): see the job's report."
                ),
                count=job["stats"]["warnings"],
            )
        )
    for error in job.get("gather_errors") or []:
        click.echo(f"! {error['message']}", err=True)


@harvest.command()
@click.option(
    "--interval",
    default=10,
    show_default=True,
    type=click.IntRange(1),
    help="Seconds between two rounds.",
)
@click.option("--once", is_flag=True, help="One round, then exit (from a cron).")
def scheduler(interval, once):
    """Start the harvests whose frequency is due and close the finished ones,
    every INTERVAL seconds (what `ckan harvester run` does once). The jobs are
    run by ckanext-harvest's gather and fetch consumers."""
    _require_plugins()
    from .scheduler import run_round

    # ckanext-harvest logs each round ("Harvest job run"): the lines below say
    # what a round did instead
    logging.getLogger("ckanext.harvest.logic.action.update").setLevel(logging.WARNING)
    if not once:
        _say(N_("Harvest scheduler: a round every %(seconds)s s."), seconds=interval)
    while True:
        try:
            done = run_round()
        except Exception:  # a failed round must not stop the scheduling (logged)
            log.exception("Harvest scheduler round failed")
            if once:
                sys.exit(1)
        else:
            for job in done.started:
                _say(N_("Harvest started: %(source)s."), source=job["source_title"])
            for job in done.finished:
                _say(
                    N_("Harvest finished: %(source)s: %(summary)s"),
                    source=job["source_title"],
                    summary=_job_summary(job),
                )
        if once:
            return
        time.sleep(interval)


@harvest.command()
@click.argument("source")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def fidelity(source, as_json):
    """Per field, how many records of SOURCE carried it and how many of its
    datasets kept it (from the last harvests)."""
    _require_plugins()
    from .fidelity import report

    result = report(_source(source).id)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    _say(
        N_(
            "%(records)s records harvested: per field, the records that carry it and the datasets that kept it."
        ),
        records=result["records"],
    )
    for row in result["fields"]:
        line = _t(
            N_("%(field)s: carried by %(carried)s, kept by %(kept)s"),
            field=row["field"],
            carried=row["carried"],
            kept=row["kept"],
        )
        lost = row["carried"] - row["kept"]
        if lost:
            line += " — " + _t(N_("%(count)s lost"), count=lost)
            if row["reason"]:
                line += f" ({_t(row['reason'])})"
        click.echo(line)


@harvest.command("close-stale")
@click.option(
    "--minutes",
    type=click.IntRange(0),
    default=None,
    help="Minutes without progress (default: ckanext.territoires.harvest.stale_minutes).",
)
def close_stale(minutes):
    """Close the harvest jobs left Running without progress (dead workers)."""
    _require_plugins()
    data = {} if minutes is None else {"minutes": minutes}
    closed = tk.get_action("territoires_harvest_close_stale")({"ignore_auth": True}, data)
    for job_id in closed:
        _say(N_("closed job %(id)s"), id=job_id)
    _say(N_("stale jobs closed: %(count)s"), count=len(closed))


@click.command(short_help="Load the demo catalogue through the DCAT harvester.")
@click.option(
    "--agent-password",
    default=None,
    help="Also create the demo's agent of the territory's most populous commune (on the "
    "Métropole de Lyon: agent-villeurbanne) with this password, and print their login.",
)
def demo(agent_password: str | None):
    """Harvest the demo catalogue of the portal's territory (the one shipped
    for the Métropole de Lyon, or one generated for any other territory)."""
    _require_plugins()
    from . import demo as demo_module
    from .runner import JobUnderWay

    try:
        job = demo_module.load_demo(progress=lambda ids: _bar(ids), agent_password=agent_password)
    except JobUnderWay:
        # a harvest of the demo started from the page before a restart: the
        # consumers of `make run` finish it; `make run` must go on serving
        _say(
            N_(
                "The demo source already has a harvest waiting or running: the processes "
                "of `make run` will finish it."
            )
        )
        return
    except HarvestProblem as error:
        click.echo(error.render(report_locale()), err=True)
        sys.exit(1)
    _print_job(job)
    if agent_password:
        user, _fullname, insee = demo_module.demo_agent()
        _say(
            N_("Agent login (%(commune)s): %(user)s / %(password)s"),
            commune=get_referential().communes[insee].name,
            user=user,
            password=agent_password,
        )
    sys.exit(1 if job.get("gather_errors") else 0)


def _bar(object_ids: Iterable[str]) -> Iterator[str]:
    with click.progressbar(object_ids, label=_t(N_("Demo datasets"))) as bar:
        yield from bar
