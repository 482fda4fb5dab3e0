"""``ckan territoires``: load the territory, sync memberships, resolve places, rebuild the search index."""
from __future__ import annotations

import json
import sys
import time

import click

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.territoires import territory
from ckanext.territoires.communes import load, membership
from ckanext.territoires.referential import get_referential
from ckanext.territoires.search.cli import search_index

__all__ = ["territoires"]


@click.group(short_help="Territory of the portal: communes, memberships, resolver.")
def territoires():
    """Territory of the portal (ckanext-territoires)."""


territoires.add_command(search_index)


@territoires.command()
@click.option("--scope", default=None,
              help='Territory to resolve within: "all" for France, or entries like '
                   '"epci:200046977" (default: ckanext.territoires.scope).')
@click.argument("text")
def resolve(text, scope):
    """Print the current communes TEXT designates, as JSON."""
    data_dict = {"q": text}
    if scope:
        data_dict["scope"] = scope
    try:
        result = tk.get_action("territoires_resolve")({"ignore_auth": True}, data_dict)
    except tk.ValidationError as error:
        for messages in error.error_dict.values():
            for message in messages if isinstance(messages, list) else [messages]:
                click.echo(message, err=True)
        sys.exit(1)
    click.echo(json.dumps(result, ensure_ascii=False, indent=2))


@territoires.command("load")
def load_command():
    """Create or update the commune and intercommunality groups of the scope."""
    scope = territory.check_configured_scope()
    ref = get_referential()
    click.echo(f"Territory: {scope.label} ({len(scope.communes)} communes)")
    with click.progressbar(length=len(scope.communes), label="Communes") as bar:
        def progress(items):
            for item in items:
                yield item
                bar.update(1)
        report = load.load_territory(scope, ref, progress)
    for error in report.errors:
        click.echo(error, err=True)
    if report.errors:
        click.echo("Nothing was changed.", err=True)
        sys.exit(1)
    click.echo(f"groups created: {report.created}, updated: {report.updated}, "
               f"archived: {report.archived}, unchanged: {report.unchanged}, "
               f"time: {report.seconds:.1f} s")


@territoires.command()
def sync():
    """Recompute the automatic memberships of every dataset."""
    started = time.monotonic()
    package_ids = membership.all_package_ids()
    changes = membership.Changes()
    with click.progressbar(package_ids, label="Datasets") as bar:
        for count, package_id in enumerate(bar, 1):
            package = model.Package.get(package_id)
            if package is not None:
                membership.sync_package(package, changes)
            if count % 200 == 0:
                model.repo.commit()  # re-indexes the changed datasets
    model.repo.commit()
    for dataset, group in changes.added:
        click.echo(f"+ {dataset} -> {group}")
    for dataset, group in changes.removed:
        click.echo(f"- {dataset} -> {group}")
    click.echo(f"datasets: {len(package_ids)}, memberships added: {len(changes.added)}, "
               f"removed: {len(changes.removed)}, time: {time.monotonic() - started:.1f} s")
