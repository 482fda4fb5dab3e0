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

from . import fidelity, identity, provenance
from .http import HarvestClient
from .importer import choose_owner
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
#: Each action as a verb, the answer to "the harvest would" (CLI, page).
LABELS = {
    CREATE: N_("create"),
    UPDATE: N_("update"),
    UNCHANGED: N_("unchanged"),
    RESTORE: N_("restore"),
    UNKNOWN: N_("to be read"),
    ARCHIVE: N_("archive"),
    WITHDRAW: N_("withdraw (grace period)"),
}


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
    preview = _Preview(source, limit, locale)
    error = preview.read_listing()
    withdrawn = preview.withdrawals() if error is None and preview.seen else []
    model.Session.rollback()  # nothing read may leave anything behind
    return {
        "source": {"id": source.id, "title": source.title, "url": source.url, "type": source.type},
        "complete": error is None,
        "error": error,
        "empty": error is None and not preview.seen,
        "listed": len(preview.seen),
        "counts": preview.counts,
        "items": preview.items,
        "item_errors": preview.item_errors,
        "withdrawn": withdrawn,
        "archive": sum(1 for item in withdrawn if item["action"] == ARCHIVE),
        "withdraw": sum(1 for item in withdrawn if item["action"] == WITHDRAW),
        "fidelity": preview.fidelity(),
    }


def _harvester(source, locale: str | None):
    """The source's harvester and its parsed configuration."""
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
    return harvester, config


class _Preview:
    """The walk through a source's listing: counts by action, the first
    ``limit`` records described, the identifiers seen."""

    def __init__(self, source, limit: int, locale: str | None):
        self.harvester, self.config = _harvester(source, locale)
        self.source = source
        self.limit = limit
        self.locale = locale
        self.salt = self.harvester.salt(source, self.config)
        self.known = identity.known_records(source.id)
        self.ref = get_referential()
        self.counts = {CREATE: 0, UPDATE: 0, UNCHANGED: 0, RESTORE: 0, UNKNOWN: 0, "errors": 0}
        self.items: list[dict[str, Any]] = []
        self.item_errors: list[str] = []
        self.seen: set[str] = set()
        #: (record, mapped dataset) of the records described
        self.mapped: list[tuple[dict[str, Any], dict[str, Any]]] = []

    def fidelity(self) -> dict[str, Any]:
        """The fidelity table (:mod:`.fidelity`) of the records described:
        what they carry, what the mapping keeps."""
        result = fidelity.tally(
            self.mapped, fidelity.carried_by(self.source, self.harvester, self.config)
        )
        for row in result["fields"]:
            row["label"] = Message(row["label"]).render(self.locale)
            row["reason"] = Message(row["reason"]).render(self.locale) if row["reason"] else ""
        return result

    def read_listing(self) -> str | None:
        """Read the whole listing; the reason it could not be completed, if any."""
        with HarvestClient() as client:
            try:
                for entry in self.harvester.records(self.source, self.config, client):
                    self._count(entry, client)
            except HarvestProblem as problem:
                return problem.render(self.locale)
        return None

    def _count(self, entry: RemoteRecord | ItemError, client: HarvestClient) -> None:
        if isinstance(entry, ItemError):
            self.counts["errors"] += 1
            if len(self.item_errors) < self.limit:
                self.item_errors.append(f"{entry.label}: {entry.message.render(self.locale)}")
            return
        if entry.identifier in self.seen:
            self.counts["errors"] += 1
            return
        self.seen.add(entry.identifier)
        known = self.known.get(entry.identifier)
        action = _action(entry, known, self.salt)
        if len(self.items) < self.limit:
            item = self._describe(client, entry, action, known)
            action = item["action"]
            self.items.append(item)
        self.counts[action] += 1

    def withdrawals(self) -> list[dict[str, Any]]:
        """The known datasets the listing no longer has: withdrawn, or archived
        once their grace period is over."""
        moment = provenance.now()
        withdrawn = []
        for guid, record in self.known.items():
            if guid in self.seen or record.status == provenance.ARCHIVED:
                continue
            package = model.Package.get(record.package_id)
            since = (
                provenance.parse_moment(package.extras.get(provenance.WITHDRAWN_SINCE))
                if package is not None and record.status == provenance.WITHDRAWN
                else None
            )
            due = (moment - (since or moment)) >= dt.timedelta(days=self.config.grace_days)
            withdrawn.append(
                {
                    "identifier": guid,
                    "dataset": package.name if package else None,
                    "title": package.title if package else None,
                    "action": ARCHIVE if due else WITHDRAW,
                }
            )
        return withdrawn

    def _describe(
        self,
        client: HarvestClient,
        record: RemoteRecord,
        action: str,
        known: identity.Known | None,
    ) -> dict[str, Any]:
        """One record as the import would see it: title, coverage, owner."""
        item: dict[str, Any] = {
            "identifier": record.identifier,
            "action": action,
            "source_url": record.source_url or record.landing_page,
        }
        try:
            content = record.content
            if content is None:
                content = self.harvester.fetch_content(
                    self.source, self.config, client, SimpleNamespace(guid=record.identifier), {}
                )
                if action == UNKNOWN:
                    action = (
                        UNCHANGED
                        if known is not None and known.digest == digest(content, self.salt)
                        else UPDATE
                    )
                    item["action"] = action
            package, hints = self.harvester.to_package(content, self.source, self.config)
        except HarvestProblem as problem:
            item.update(title=None, error=problem.render(self.locale))
            return item
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            item.update(
                title=None,
                error=Message(N_("Malformed record: %(error)s"), error=repr(error)[:300]).render(
                    self.locale
                ),
            )
            return item
        self.mapped.append((content, package))
        item.update(title=package.get("title"), **self._coverage(hints))
        return item

    def _coverage(self, hints) -> dict[str, Any]:
        """The communes covered, where that comes from, and the owner."""
        coverage = territorialise(hints, self.config.pin_codes)
        owner, _kept = choose_owner(self.source, coverage.publisher_commune, self.config)
        organization = model.Group.get(owner) if owner else None
        return {
            "coverage": [
                {"insee": code, "name": self.ref.communes[code].name} for code in coverage.codes
            ],
            "coverage_origin": coverage.origin,
            "coverage_origin_label": Message(ORIGIN_LABELS[coverage.origin]).render(self.locale),
            "coverage_whole": coverage.whole,
            "coverage_steps": [
                {
                    "rule": step.rule,
                    "label": Message(ORIGIN_LABELS[step.rule]).render(self.locale),
                    "codes": step.codes,
                    "note": step.note.render(self.locale) if step.note else "",
                }
                for step in coverage.steps
            ],
            "problems": [problem.render(self.locale) for problem in coverage.problems],
            "organization": organization.name if organization is not None else None,
            "organization_title": (organization.title or organization.name)
            if organization is not None
            else None,
        }
