"""``ckan territoires geometry import FILE``: replace the commune outlines."""

from __future__ import annotations

import sys
from pathlib import Path

import ckan.plugins.toolkit as tk
import click

from ckanext.territoires import config
from ckanext.territoires.referential import get_referential

from . import outlines as outline_store
from .build import BuildError
from .importer import import_outlines

#: How many names each part of the report lists.
LISTED = 20


@click.group(short_help="Commune outlines (maps, coverage from geometry).")
def geometry():
    """Commune outlines: where they come from, how to replace them."""


def _names(codes: list[str]) -> str:
    ref = get_referential()
    listed = ", ".join(f"{ref.communes[code].name} ({code})" for code in codes[:LISTED])
    more = len(codes) - LISTED
    return listed + (tk._(" and %(count)s more") % {"count": more} if more > 0 else "")


@geometry.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--output-dir",
    type=click.Path(file_okay=False),
    default=None,
    help="where to write (default: ckanext.territoires.geography.directory)",
)
@click.option("--edition", default=None, help='edition for the attribution, e.g. "2025"')
@click.option("--dry-run", is_flag=True, help="report what would change, write nothing")
@click.option("--force", is_flag=True, help="write even if many communes lose their outline")
def import_command(files, output_dir, edition, dry_run, force):
    """Build the outlines from IGN's ADMIN EXPRESS COG CARTO (COMMUNE layer,
    GeoJSON in WGS 84) and report what changed."""
    target = output_dir or config.geography_directory()
    if not target:
        click.echo(
            tk._(
                "Set ckanext.territoires.geography.directory (or ckan.storage_path), "
                "or give --output-dir."
            ),
            err=True,
        )
        sys.exit(1)
    before = outline_store.get_outlines()
    try:
        report = import_outlines(
            [Path(name) for name in files], Path(target), before, edition, dry_run, force
        )
    except BuildError as error:
        click.echo(tk._("The file cannot be imported: %(error)s") % {"error": error}, err=True)
        sys.exit(1)
    lines = [
        (tk._("communes that gain an outline: %(count)d"), report.added),
        (tk._("communes that lose their outline: %(count)d"), report.removed),
        (tk._("outlines that changed: %(count)d"), report.changed),
        (tk._("communes without an outline: %(count)d"), report.missing),
    ]
    click.echo(tk._("Outlines in use: %(attribution)s") % {"attribution": before.attribution})
    click.echo(tk._("Imported: %(attribution)s") % {"attribution": report.attribution})
    for template, codes in lines:
        click.echo(template % {"count": len(codes)})
        if codes:
            click.echo("  " + _names(codes))
    click.echo(tk._("outlines unchanged: %(count)d") % {"count": report.unchanged})
    if report.unused:
        click.echo(
            tk._("INSEE codes of the file that are no current commune: %(codes)s")
            % {"codes": ", ".join(report.unused[:LISTED])}
        )
    if report.refused:
        click.echo(
            tk._(
                "Nothing was written: the file would leave %(count)d communes without an "
                "outline. Import the whole of France, or give --force."
            )
            % {"count": len(report.removed)},
            err=True,
        )
        sys.exit(1)
    if report.written is None:
        click.echo(tk._("Dry run: nothing was written."))
    else:
        outline_store.forget()
        click.echo(
            tk._("Written to %(folder)s: restart the web workers to use them.")
            % {"folder": report.written}
        )
