"""Datasets withdrawn at their source: archived after a grace period, never purged.

When a complete, non-empty listing of a source no longer holds a record,
its dataset is marked ``withdrawn`` (with the date) and stays published for
the source's grace period; a source that stumbles for a day does not empty
the portal. After the grace period it is ``archived``: made private (hidden
from the public, still there for its organisation's members and the
sysadmins), or, for a dataset without organisation (which CKAN cannot make
private), soft-deleted (recoverable, never purged by the harvester). When
the record comes back, the import restores it (public, status current).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model

from . import provenance

#: Outcomes of :func:`withdraw`.
PENDING = "pending"
ARCHIVED = "archived"
ALREADY = "already"


def _patch(context: dict, package_id: str, changes: dict) -> None:
    # As package_patch, but from the database: the search index's cached
    # copy carries fields other plugins add for display (harvest_object_id...).
    stored = tk.get_action("package_show")(dict(context, use_cache=False), {"id": package_id})
    stored.update(changes)
    tk.get_action("package_update")(dict(context), stored)


def withdraw(
    package_id: str, grace_days: int, context: dict, moment: dt.datetime | None = None
) -> str:
    """Apply the withdrawal rules to a dataset missing at its source."""
    moment = moment or provenance.now()
    package = model.Package.get(package_id)
    if package is None:
        return ALREADY
    status = package.extras.get(provenance.STATUS) or provenance.CURRENT
    if status == provenance.ARCHIVED:
        return ALREADY
    since = provenance.parse_moment(package.extras.get(provenance.WITHDRAWN_SINCE))
    if status != provenance.WITHDRAWN or since is None:
        since = moment
    if moment - since >= dt.timedelta(days=grace_days):
        changes: dict[str, Any] = {
            provenance.STATUS: provenance.ARCHIVED,
            provenance.WITHDRAWN_SINCE: provenance.isoformat(since),
        }
        if package.owner_org:
            changes["private"] = True
        else:
            changes["state"] = "deleted"
        _patch(context, package_id, changes)
        return ARCHIVED
    if status != provenance.WITHDRAWN:
        _patch(
            context,
            package_id,
            {
                provenance.STATUS: provenance.WITHDRAWN,
                provenance.WITHDRAWN_SINCE: provenance.isoformat(since),
            },
        )
    return PENDING


def restore_changes(package: model.Package) -> dict:
    """What an import adds to bring back a withdrawn or archived dataset."""
    status = package.extras.get(provenance.STATUS)
    if status == provenance.ARCHIVED:
        return {"private": False, "state": "active"}
    return {}
