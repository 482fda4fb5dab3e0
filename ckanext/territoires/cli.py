"""``ckan territoires``: load the territory, sync memberships, resolve places, rebuild the search index."""

from __future__ import annotations

import json
import sys
import time
from typing import TYPE_CHECKING

import ckan.plugins.toolkit as tk
import click
from ckan import model

from ckanext.territoires import territory
from ckanext.territoires.communes import load, membership, referential_cli
from ckanext.territoires.geography import cli as geography_cli
from ckanext.territoires.harvesters import cli as harvest_cli
from ckanext.territoires.pooling import cli as pooling_cli
from ckanext.territoires.quality import cli as quality_cli
from ckanext.territoires.referential import get_referential
from ckanext.territoires.search.cli import search_index

if TYPE_CHECKING:  # click exports the type of its progress bars from here only
    pass

__all__ = ["territoires"]


@click.group(short_help="Territory of the portal: communes, memberships, resolver.")
@click.pass_context
def territoires(ctx):
    """Territory of the portal (ckanext-territoires)."""
    # Messages in the portal's language (ckan.locale_default): CKAN's
    # gettext reads the language from a request.
    flask_app = ctx.meta.get("flask_app")
    if flask_app is not None:
        ctx.with_resource(flask_app.test_request_context())


territoires.add_command(quality_cli.quality)


territoires.add_command(search_index)


territoires.add_command(geography_cli.geometry)


territoires.add_command(referential_cli.referential)


@territoires.command()
@click.option(
    "--scope",
    default=None,
    help='Territory to resolve within: "all" for France, or entries like '
    '"epci:200046977" (default: ckanext.territoires.scope).',
)
@click.argument("text")
def resolve(text, scope):
    """Print the current communes TEXT designates, as JSON.

    A bare 5-digit code that is the INSEE code of one commune and the postal
    code of others is refused with both readings: write insee:CODE or cp:CODE.
    """
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


#: Communes named when a load would archive more (the rest are counted).
LEAVING_SHOWN = 20


@territoires.command("load")
@click.option(
    "--yes",
    is_flag=True,
    help="Archive the groups of the communes outside the territory without asking "
    "(their datasets are kept).",
)
def load_command(yes: bool):
    """Create or update the commune and intercommunality groups of the scope."""
    scope = territory.check_configured_scope()
    ref = get_referential()
    click.echo(
        tk._("Territory: %(label)s (%(count)d communes)")
        % {"label": scope.label, "count": len(scope.communes)}
    )
    leaving = load.communes_leaving(scope)
    if leaving:
        _show_leaving(leaving)
        if not yes:
            click.echo(
                tk._(
                    "They are not in ckanext.territoires.scope any more. Run the command "
                    "again with --yes to archive them (their datasets are kept); nothing "
                    "was changed."
                ),
                err=True,
            )
            sys.exit(1)
    report = referential_cli.load_with_bar(scope, ref)
    for error in report.errors:
        click.echo(error, err=True)
    if report.errors:
        click.echo(tk._("Nothing was changed."), err=True)
        sys.exit(1)
    click.echo(
        tk._(
            "groups created: %(created)d, updated: %(updated)d, archived: %(archived)d, "
            "unchanged: %(unchanged)d, time: %(seconds).1f s"
        )
        % {
            "created": report.created,
            "updated": report.updated,
            "archived": report.archived,
            "unchanged": report.unchanged,
            "seconds": report.seconds,
        }
    )


def _show_leaving(leaving: list[tuple[str, str]]) -> None:
    click.echo(
        tk.ungettext(
            "%(count)d commune leaves the territory and will be archived:",
            "%(count)d communes leave the territory and will be archived:",
            len(leaving),
            count=len(leaving),  # flask-babel's ngettext formats the message itself
        ),
        err=True,
    )
    for insee, name in leaving[:LEAVING_SHOWN]:
        click.echo(f"  - {name} ({insee})", err=True)
    if len(leaving) > LEAVING_SHOWN:
        click.echo(
            tk._("  … and %(count)d more") % {"count": len(leaving) - LEAVING_SHOWN}, err=True
        )


@territoires.command()
def sync():
    """Recompute the automatic memberships of every dataset."""
    started = time.monotonic()
    package_ids = membership.all_package_ids()
    changes = membership.Changes()
    with click.progressbar(package_ids, label=tk._("Datasets")) as bar:
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
    click.echo(
        tk._(
            "datasets: %(datasets)d, memberships added: %(added)d, removed: %(removed)d, "
            "time: %(seconds).1f s"
        )
        % {
            "datasets": len(package_ids),
            "added": len(changes.added),
            "removed": len(changes.removed),
            "seconds": time.monotonic() - started,
        }
    )


# Harvesting (ckanext-territoires harvesters): ``ckan territoires harvest ...``
# and ``ckan territoires demo``.
territoires.add_command(harvest_cli.harvest)
territoires.add_command(harvest_cli.demo)

# Pooled data (plugin territoires_pooling): ``ckan territoires pooling ...``.
territoires.add_command(pooling_cli.pooling)
