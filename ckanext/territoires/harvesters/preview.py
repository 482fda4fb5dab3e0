"""Dry run of a harvest source: what a harvest would do, writing nothing.

Reads the source's whole listing (so that withdrawn datasets can be told),
then, for the first N records, reads them if needed, maps them and
resolves their coverage exactly as the import would. Nothing is written:
no job, no harvest object, no dataset.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from ckan import model
from ckanext.harvest.queue import get_harvester

from ckanext.territoires.referential import get_referential

from . import identity, provenance
from .http import HarvestClient
from .importer import commune_organization, source_organization
from .messages import N_, HarvestProblem, Message
from .records import ItemError, RemoteRecord, digest
from .source_config import SourceConfigError
from .territorialise import ORIGIN_LABELS, territorialise

CREATE = "create"
UPDATE = "update"
UNCHANGED = "unchanged"
RESTORE = "restore"
UNKNOWN = "unknown"  # would be read in the fetch stage to know
ARCHIVE = "archive"
WITHDRAW = "withdraw"


class PreviewError(ValueError):
    pass


def _action(record: RemoteRecord, known: identity.Known | None, salt: str) -> str:
    if known is None:
        return CREATE
    if known.restorable:
        return RESTORE
    if record.content is not None:
        return UNCHANGED if known.digest == digest(record.content, salt) else UPDATE
    if record.modified and record.modified == known.modified:
        return UNCHANGED
    return UNKNOWN


def preview_source(source, limit: int = 10, locale: str | None = None) -> dict[str, Any]:
    """What harvesting ``source`` now would do (see the module doc)."""
    harvester = get_harvester(source.type)
    if harvester is None or not hasattr(harvester, "to_package"):
        raise PreviewError(
            Message(
                N_("The source type %(type)s is not a territoires harvester."), type=source.type
            ).render(locale)
        )
    try:
        config = harvester.parse_config(source.config)
    except SourceConfigError as error:
        raise PreviewError(str(error)) from error
    salt = harvester.salt(source, config)
    known = identity.known_records(source.id)
    ref = get_referential()
    counts = {CREATE: 0, UPDATE: 0, UNCHANGED: 0, RESTORE: 0, UNKNOWN: 0, "errors": 0}
    items: list[dict[str, Any]] = []
    item_errors: list[str] = []
    seen: set[str] = set()
    error = None
    with HarvestClient() as client:
        try:
            for entry in harvester.records(source, config, client):
                if isinstance(entry, ItemError):
                    counts["errors"] += 1
                    if len(item_errors) < limit:
                        item_errors.append(f"{entry.label}: {entry.message.render(locale)}")
                    continue
                if entry.identifier in seen:
                    counts["errors"] += 1
                    continue
                seen.add(entry.identifier)
                action = _action(entry, known.get(entry.identifier), salt)
                if len(items) < limit:
                    item = _describe(
                        harvester,
                        source,
                        config,
                        client,
                        entry,
                        action,
                        ref,
                        salt,
                        known.get(entry.identifier),
                        locale,
                    )
                    action = item["action"]
                    items.append(item)
                counts[action] += 1
        except HarvestProblem as problem:
            error = problem.render(locale)
    withdrawn = []
    if error is None and seen:
        moment = provenance.now()
        for guid, record in known.items():
            if guid in seen or record.status == provenance.ARCHIVED:
                continue
            package = model.Package.get(record.package_id)
            since = (
                provenance.parse_moment(package.extras.get(provenance.WITHDRAWN_SINCE))
                if package is not None and record.status == provenance.WITHDRAWN
                else None
            )
            due = (moment - (since or moment)) >= dt.timedelta(days=config.grace_days)
            withdrawn.append(
                {
                    "identifier": guid,
                    "dataset": package.name if package else None,
                    "action": ARCHIVE if due else WITHDRAW,
                }
            )
    model.Session.rollback()  # nothing read may leave anything behind
    return {
        "source": {"id": source.id, "title": source.title, "url": source.url, "type": source.type},
        "complete": error is None,
        "error": error,
        "empty": error is None and not seen,
        "listed": len(seen),
        "counts": counts,
        "items": items,
        "item_errors": item_errors,
        "withdrawn": withdrawn,
        "archive": sum(1 for item in withdrawn if item["action"] == ARCHIVE),
        "withdraw": sum(1 for item in withdrawn if item["action"] == WITHDRAW),
    }


def _describe(
    harvester, source, config, client, record: RemoteRecord, action: str, ref, salt, known, locale
) -> dict[str, Any]:
    item: dict[str, Any] = {
        "identifier": record.identifier,
        "action": action,
        "source_url": record.source_url or record.landing_page,
    }
    try:
        content = record.content
        if content is None:
            content = harvester.fetch_content(
                source, config, client, SimpleNamespace(guid=record.identifier), {}
            )
            if action == UNKNOWN:
                action = (
                    UNCHANGED
                    if known is not None and known.digest == digest(content, salt)
                    else UPDATE
                )
                item["action"] = action
        package, hints = harvester.to_package(content, source, config)
    except HarvestProblem as problem:
        item.update(title=None, error=problem.render(locale))
        return item
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        item.update(
            title=None,
            error=Message(N_("Malformed record: %(error)s"), error=repr(error)[:300]).render(
                locale
            ),
        )
        return item
    coverage = territorialise(hints, config.pin_codes)
    owner = commune_organization(coverage.publisher_commune) or source_organization(source)
    organization = model.Group.get(owner) if owner else None
    item.update(
        title=package.get("title"),
        coverage=[{"insee": code, "name": ref.communes[code].name} for code in coverage.codes],
        coverage_origin=coverage.origin,
        coverage_origin_label=Message(ORIGIN_LABELS[coverage.origin]).render(locale),
        problems=[problem.render(locale) for problem in coverage.problems],
        organization=organization.name if organization is not None else None,
    )
    return item
