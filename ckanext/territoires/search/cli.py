"""``ckan territoires search-index``: rebuild the index with every CPU core."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

import ckan.plugins.toolkit as tk
import click
from ckan import model

from . import backend
from . import rebuild as rebuilding

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar

MAX_LISTED_FAILURES = 20


@click.group("search-index", short_help="Search index: parallel rebuild.")
def search_index():
    """Search index commands of ckanext-territoires (CKAN's own
    ``ckan search-index`` commands keep working as well)."""


@search_index.command("rebuild")
@click.option(
    "-w",
    "--workers",
    type=click.IntRange(min=1),
    default=lambda: os.cpu_count() or 1,
    show_default="number of CPUs",
    help="Worker processes, each with its own database connections.",
)
@click.option(
    "-o", "--only-missing", is_flag=True, help="Index only the datasets missing from the index."
)
@click.option(
    "-c", "--clear", is_flag=True, help="Clear this site's documents from the index first."
)
@click.option(
    "-i", "--force", is_flag=True, help="Go on after a dataset fails (the exit status is still 1)."
)
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
@click.option(
    "--chunk-size",
    type=click.IntRange(min=1),
    default=rebuilding.DEFAULT_CHUNK_SIZE,
    show_default=True,
    help="Datasets a worker indexes per transaction (one batch of the bulk path).",
)
@click.option(
    "--per-dataset",
    is_flag=True,
    help="Index dataset by dataset (package_show, then index_package) as"
    " `ckan search-index rebuild` does, not by batches.",
)
def rebuild(
    workers: int,
    only_missing: bool,
    clear: bool,
    force: bool,
    quiet: bool,
    chunk_size: int,
    per_dataset: bool,
):
    """Rebuild the search index as `ckan search-index rebuild` does, in
    parallel processes, by batches of datasets."""
    from ckan.lib import search

    ini_path = tk.config.get("__file__")
    if not ini_path:
        click.echo("The CKAN config file is unknown: run this through `ckan -c <ini>`.", err=True)
        sys.exit(1)
    if clear and only_missing:
        click.echo("--clear and --only-missing exclude each other.", err=True)
        sys.exit(1)
    if clear:
        search.clear_all()
    ids = rebuilding.dataset_ids(only_missing=only_missing)
    # No transaction left open (its snapshot would hold back VACUUM) while
    # the workers write.
    model.Session.remove()
    if not ids:
        click.echo("Nothing to index.")
        return

    def run(progress=None) -> rebuilding.RebuildReport:
        return rebuilding.rebuild(
            ids,
            ini_path=ini_path,
            workers=workers,
            chunk_size=chunk_size,
            force=force,
            progress=progress,
            bulk=not per_dataset,
        )

    if quiet:
        report = run()
    else:
        # Counted up by run(), not iterated: no item type to infer.
        bar: ProgressBar[int]
        with click.progressbar(
            length=len(ids), label="Indexing datasets", show_pos=True, file=sys.stderr
        ) as bar:
            report = run(bar.update)
    if backend.is_installed():
        backend.vacuum_index()

    click.echo(
        "Indexed %d of %d datasets in %.1f s (%.0f datasets/s, %d processes)."
        % (report.indexed, report.total, report.seconds, report.rate, min(workers, len(ids)))
    )
    for package_id, message in report.failed[:MAX_LISTED_FAILURES]:
        click.echo("Failed: %s: %s" % (package_id, message), err=True)
    if len(report.failed) > MAX_LISTED_FAILURES:
        click.echo(
            "... and %d more failures." % (len(report.failed) - MAX_LISTED_FAILURES), err=True
        )
    if report.stopped:
        click.echo("Stopped: %s" % report.stopped, err=True)
    if report.stopped or report.failed:
        sys.exit(1)
