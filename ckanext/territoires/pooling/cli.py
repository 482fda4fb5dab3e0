"""``ckan territoires pooling ...``: the pooled data from the command line."""

from __future__ import annotations

import sys

import ckan.plugins as p
import click

from ckanext.territoires.harvesters.messages import translate
from ckanext.territoires.translations import N_

__all__ = ["pooling"]


@click.group(short_help="Pooled data: shared schemas and pooled datasets.")
def pooling():
    """Pooled data of the territory (plugin territoires_pooling)."""


def _require_plugin() -> None:
    if not p.plugin_loaded("territoires_pooling"):
        click.echo(
            translate(N_("This command needs the plugin territoires_pooling in ckan.plugins.")),
            err=True,
        )
        sys.exit(2)


@pooling.command(short_help="Publish, validate and pool the demo's car parks and deliberations.")
def demo():
    """Three communes publish car parks (one file not conforming) and
    council deliberations; the pooled datasets are built at once."""
    _require_plugin()
    from . import demo as demo_module

    report = demo_module.load_pooling_demo()
    if report.problem:
        click.echo(
            translate(N_("Pooled data demo not loaded: %(problem)s")) % {"problem": report.problem},
            err=True,
        )
        sys.exit(1)
    for schema, rows in report.pooled.items():
        click.echo(
            translate(N_("Pooled dataset %(schema)s: %(rows)s rows"))
            % {"schema": schema, "rows": rows}
        )


@pooling.command(short_help="Rebuild the pooled dataset of every offered schema.")
def consolidate():
    """Rebuild every pooled dataset (after a change of the territory's communes)."""
    _require_plugin()
    from ckan import model

    from . import consolidation, registry

    for offered in registry.offered():
        result = consolidation.consolidate(offered.id)
        model.Session.commit()
        if result.dataset:
            click.echo(
                translate(N_("Pooled dataset %(schema)s: %(rows)s rows"))
                % {"schema": offered.id, "rows": result.rows}
            )


@pooling.command("xloader-token", short_help="Print the API token of ckanext-xloader's jobs.")
def xloader_token():
    """Print the API token ckanext-xloader's jobs use (option
    ``ckanext.xloader.api_token``): the configured one while it is a valid
    token of the site user, else a new one (``make run`` writes it into
    ckan.ini)."""
    from . import tables

    click.echo(tables.job_token())
