"""``ckan territoires referential update PATH``: the yearly referential refresh.

Reads the data folder of a newer ``@etalab/decoupage-administratif``
release, shows what it changes (merges, renames, code changes, EPCI) in
France and in the territory, and what that does to the groups and datasets
of the portal. Dry run by default; ``--apply`` writes the release where the
portal reads it (``ckanext.territoires.referential.directory``), then
re-territorialises the datasets that cover a commune gone, re-loads the
groups (as ``ckan territoires load``) and re-syncs the memberships (as
``ckan territoires sync``). Restart the web workers afterwards.

The comparison itself is :mod:`ckanext.territoires.referential.refresh`
(pure Python); this module adds what the portal's database holds.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, NoReturn

import ckan.plugins.toolkit as tk
import click
from ckan import model

from ckanext.territoires import config, territory
from ckanext.territoires.referential import refresh, resolver, store
from ckanext.territoires.referential.errors import ScopeError
from ckanext.territoires.referential.scope import Scope, parse_scope

from . import groups, load, membership

__all__ = ["referential"]


@click.group(short_help="The administrative referential: refresh from a newer release.")
def referential():
    """The administrative referential (communes, EPCI, départements, régions)."""


@referential.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--apply", "apply_", is_flag=True, help="Apply the changes (default: dry run).")
@click.option(
    "--population-year",
    type=int,
    default=None,
    help="Year of the release's populations municipales (INSEE legal populations; "
    "the release of year N carries those of N-3), shown with the populations.",
)
def update(path: Path, apply_: bool, population_year: int | None):
    """Compare the release in PATH (its data folder) with the referential in use."""
    old = store.get_referential()
    try:
        new = refresh.read_release(path, old.former_names)
    except refresh.RefreshError as error:
        _fail(error.text.render(tk._))
    changes = refresh.compare(old, new)
    scope_value = territory.configured_scope_value()
    old_scope = parse_scope(scope_value, old)
    try:
        new_scope = parse_scope(scope_value, new)
    except ScopeError as error:
        _fail(
            tk._(
                "The scope of the portal (%(scope)s) is not valid with the new release: "
                "%(reason)s Change ckanext.territoires.scope first."
            )
            % {"scope": scope_value, "reason": error.message}
        )
    _echo_summary(changes)
    local = changes.touches(old_scope.communes | new_scope.communes)
    _echo_territory(local, old_scope)
    covering = _datasets_covering(changes.old_codes_gone())
    _echo_datasets(covering, changes)
    if not apply_:
        click.echo(tk._("Dry run: nothing was changed. Run again with --apply to apply."))
        return
    _apply(path, old, changes, covering, population_year)


def _fail(message: str) -> NoReturn:
    click.echo(message, err=True)
    sys.exit(1)


def _echo_summary(changes: refresh.Changes) -> None:
    click.echo(
        tk._(
            "Referential %(old)s -> %(new)s, in France: %(merges)d merges, %(renames)d renames, "
            "%(codes)d code changes, %(created)d communes created, %(removed)d removed, "
            "%(epcis)d EPCI changes."
        )
        % {
            "old": changes.old_version,
            "new": changes.new_version,
            "merges": len(changes.merges),
            "renames": len(changes.renames),
            "codes": len(changes.code_changes),
            "created": len(changes.created),
            "removed": len(changes.removed),
            "epcis": len(changes.epcis),
        }
    )


def _echo_territory(local: refresh.Changes, scope: Scope) -> None:
    click.echo(tk._("In the territory (%(label)s):") % {"label": scope.label})
    if not local:
        click.echo("  " + tk._("no change."))
    existing = groups.commune_groups_by_insee(
        codes=[c for m in local.merges for c in m.codes]
        + [c.old_code for c in local.code_changes]
        + [r.code for r in local.renames]
    )
    for merge in local.merges:
        merged = ", ".join(
            f"{name} ({code})" for code, name in zip(merge.codes, merge.names, strict=True)
        )
        click.echo(
            "  "
            + tk._("merge: %(merged)s -> %(name)s (%(code)s)")
            % {"merged": merged, "name": merge.into_name, "code": merge.into}
        )
        for code in merge.codes:
            _echo_archived(existing.get(code), merge.into_name)
    for change in local.code_changes:
        click.echo(
            "  "
            + tk._("code change: %(old_name)s (%(old)s) -> %(name)s (%(new)s)")
            % {
                "old_name": change.old_name,
                "old": change.old_code,
                "name": change.new_name,
                "new": change.new_code,
            }
        )
        _echo_archived(existing.get(change.old_code), change.new_name)
    for rename in local.renames:
        group = existing.get(rename.code)
        click.echo(
            "  "
            + tk._("rename: %(old)s -> %(new)s (%(code)s); group %(group)s: new title")
            % {
                "old": rename.old_name,
                "new": rename.new_name,
                "code": rename.code,
                "group": group.name if group else "-",
            }
        )
    for code, name in local.created:
        click.echo("  " + tk._("new commune: %(name)s (%(code)s)") % {"name": name, "code": code})
    for code, name in local.removed:
        click.echo("  " + tk._("removed: %(name)s (%(code)s)") % {"name": name, "code": code})
    for epci_change in local.epcis:
        click.echo("  " + _epci_line(epci_change))


def _echo_archived(group: groups.CommuneGroup | None, successor: str) -> None:
    if group is None:
        return
    click.echo(
        "    "
        + tk._(
            "group %(group)s (%(count)d datasets) archived, its datasets go to the group of %(successor)s"
        )
        % {"group": group.name, "count": _member_count(group.id), "successor": successor}
    )


def _epci_line(change: refresh.EpciChange) -> str:
    values = {
        "siren": change.siren,
        "old": change.old_name or "",
        "new": change.new_name or "",
        "joined": " ".join(change.joined),
        "left": " ".join(change.left),
    }
    templates = {
        "created": tk._("EPCI created: %(new)s (%(siren)s)"),
        "dissolved": tk._("EPCI dissolved: %(old)s (%(siren)s)"),
        "renamed": tk._("EPCI renamed: %(old)s -> %(new)s (%(siren)s)"),
        "members": tk._("EPCI %(new)s (%(siren)s): joined %(joined)s; left %(left)s"),
    }
    return templates[change.kind] % values


def _member_count(group_id: str) -> int:
    return (
        model.Session.query(model.Member)
        .filter(
            model.Member.group_id == group_id,
            model.Member.table_name == "package",
            model.Member.state == "active",
        )
        .count()
    )


def _datasets_covering(codes: dict[str, str]) -> dict[str, list[str]]:
    """Dataset id -> its stored coverage, for datasets covering a code gone."""
    if not codes:
        return {}
    rows = (
        model.Session.query(model.PackageExtra.package_id, model.PackageExtra.value)
        .join(model.Package, model.Package.id == model.PackageExtra.package_id)
        .filter(
            model.PackageExtra.key == membership.COVERAGE_FIELD,
            model.PackageExtra.state == "active",
            model.Package.state == "active",
        )
    )
    found = {}
    for package_id, value in rows:
        coverage = membership.coverage_codes(value)
        if set(coverage) & codes.keys():
            found[package_id] = coverage
    return found


def _echo_datasets(covering: dict[str, list[str]], changes: refresh.Changes) -> None:
    click.echo(
        tk._("Datasets whose coverage names a commune gone: %(count)d (their coverage is updated).")
        % {"count": len(covering)}
    )


def _apply(
    path: Path,
    old: store.Referential,
    changes: refresh.Changes,
    covering: dict[str, list[str]],
    population_year: int | None,
) -> None:
    target = config.referential_directory()
    if not target:
        _fail(
            tk._(
                "Nowhere to write the referential: set ckanext.territoires.referential.directory "
                "(or ckan.storage_path)."
            )
        )
    written = refresh.install(
        path, target, refresh.former_names_after(old, changes), population_year
    )
    store.use_directory(target)
    resolver.forget_parsed_scopes()
    territory.forget_scope()
    new = store.get_referential()
    click.echo(tk._("Referential written to %(path)s.") % {"path": written})
    gone = changes.old_codes_gone()
    with click.progressbar(sorted(covering.items()), label=tk._("Datasets")) as bar:
        for package_id, coverage in bar:
            # The stored value, as the coverage validator writes it.
            current = json.dumps(sorted({gone.get(code, code) for code in coverage}))
            model.Package.get(package_id).extras[membership.COVERAGE_FIELD] = current
    model.repo.commit()
    scope = territory.check_configured_scope()
    report = load_with_bar(scope, new)
    for error in report.errors:
        click.echo(error, err=True)
    if report.errors:
        sys.exit(1)
    synced = membership.Changes()
    with click.progressbar(membership.all_package_ids(), label=tk._("Datasets")) as ids:
        for package_id in ids:
            package = model.Package.get(package_id)
            if package is not None:
                membership.sync_package(package, synced)
    model.repo.commit()
    click.echo(
        tk._(
            "groups created: %(created)d, updated: %(updated)d, archived: %(archived)d; "
            "memberships added: %(added)d, removed: %(removed)d. Restart the web workers."
        )
        % {
            "created": report.created,
            "updated": report.updated,
            "archived": report.archived,
            "added": len(synced.added),
            "removed": len(synced.removed),
        }
    )


def load_with_bar(scope: Scope, ref) -> load.LoadReport:
    """``load.load_territory`` with a progress bar over the communes (the
    commands ``territoires load`` and ``referential update --apply``)."""
    bar: Any
    with click.progressbar(length=len(scope.communes), label=tk._("Communes")) as bar:

        def progress(items):
            for item in items:
                yield item
                bar.update(1)

        return load.load_territory(scope, ref, progress)
