"""``ckan territoires quality``: check resource links, show a dataset's score."""

from __future__ import annotations

import json
import sys
import time

import ckan.plugins.toolkit as tk
import click
from ckan import model
from ckan.lib import search

from . import links


@click.group(short_help="Metadata quality: link checks, scores.")
def quality():
    """Metadata quality of the datasets (ckanext-territoires)."""


@quality.command("check-links")
@click.option(
    "--dataset",
    "datasets",
    multiple=True,
    metavar="NAME",
    help="Check only this dataset (name or id); repeatable. Default: all datasets.",
)
def check_links(datasets):
    """Check the resource links of the datasets, then re-score the datasets
    whose links changed state."""
    context = {"ignore_auth": True}
    if datasets:
        ids = []
        for name in datasets:
            package = model.Package.get(name)
            if package is None or package.state == "deleted":
                click.echo(f"Unknown dataset: {name}", err=True)
                sys.exit(1)
            ids.append(package.id)
    else:
        ids = [
            package_id
            for (package_id,) in model.Session.query(model.Package.id)
            .filter(model.Package.state == "active", model.Package.type == "dataset")
            .order_by(model.Package.name)
        ]
    started = time.monotonic()
    checked = broken = rescored = 0
    with click.progressbar(ids, label="Datasets") as bar:
        for package_id in bar:
            dataset = tk.get_action("package_show")(dict(context), {"id": package_id})
            if links.check_dataset(dataset):
                search.rebuild(package_id)
                rescored += 1
            results = links.last_checks(r["id"] for r in dataset.get("resources") or [])
            checked += len(results)
            broken += sum(1 for check in results.values() if not check.ok)
    click.echo(
        f"{checked} links checked in {len(ids)} datasets, {broken} not working, "
        f"{rescored} datasets re-scored ({time.monotonic() - started:.1f} s)"
    )


@quality.command("show")
@click.argument("dataset")
def show(dataset):
    """Print the quality of DATASET (name or id) as JSON."""
    try:
        result = tk.get_action("territoires_quality_show")({"ignore_auth": True}, {"id": dataset})
    except tk.ObjectNotFound:
        click.echo(f"Unknown dataset: {dataset}", err=True)
        sys.exit(1)
    click.echo(json.dumps(result, ensure_ascii=False, indent=2))
