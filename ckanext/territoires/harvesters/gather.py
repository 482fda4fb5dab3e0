"""Gather stage shared by every source kind.

Reads the whole listing of the source through the kind's ``records()``
generator, and creates one harvest object per listed item:

- a record unchanged since the last harvest (same content digest, or the
  same modification date when the listing only gives dates) gets an object
  already COMPLETE / "not modified": nothing is fetched nor imported, which
  is what makes an unchanged re-run fast;
- a new or changed record gets an object queued for fetch and import;
- a malformed item gets an object in error, with the reason (job report);
- after a complete, non-empty listing, every known record the listing no
  longer holds gets a "withdraw" object (see :mod:`.archive`), unless a new
  identifier continues it (:func:`.identity.relink`).

A listing that fails midway, or an empty one, changes nothing: the objects
of the job are dropped and the reason is a gather error. Objects are written
in batches with SQL inserts, so memory stays flat on large sources.
"""

from __future__ import annotations

import json
import logging
from collections import Counter

from ckan import model
from ckan.model.types import make_uuid
from ckanext.harvest.model import (
    HarvestGatherError,
    HarvestObject,
    HarvestObjectError,
    HarvestObjectExtra,
)

from . import identity, provenance, stale
from .http import FetchError, HarvestClient
from .messages import N_, HarvestProblem, Message
from .records import ItemError, RemoteRecord, digest
from .source_config import SourceConfigError

log = logging.getLogger(__name__)
BATCH = 500


class Gatherer:
    def __init__(self, harvester, job, client: HarvestClient | None = None):
        self.harvester = harvester
        self.job = job
        self.source = job.source
        self.client = client
        self.ids: list[str] = []
        self.seen: set[str] = set()
        self.new_records: list[identity.NewRecord] = []
        self.landing_pages: Counter = Counter()
        self.pending_objects: list[dict] = []
        self.pending_extras: list[dict] = []
        self.pending_errors: list[dict] = []
        self.counts: Counter[str] = Counter()

    # -- reporting ------------------------------------------------------

    def gather_error(self, message: Message) -> None:
        error = HarvestGatherError(message=message.render(), job=self.job)
        model.Session.add(error)
        model.Session.commit()

    # -- objects ----------------------------------------------------------
    # Rows are inserted with SQL, in batches: no ORM object per record (a
    # source of 20,000 records must not hold 20,000 objects in memory).

    def _object(
        self, guid: str, extras: dict | None = None, error: Message | None = None, **fields
    ) -> str:
        object_id = make_uuid()
        self.pending_objects.append(
            {
                "id": object_id,
                "guid": guid[:1000],
                "harvest_job_id": self.job.id,
                "harvest_source_id": self.source.id,
                "current": False,
                "content": None,
                "package_id": None,
                "state": "WAITING",
                "report_status": None,
                **fields,
            }
        )
        for key, value in (extras or {}).items():
            if value:
                self.pending_extras.append(
                    {
                        "id": make_uuid(),
                        "harvest_object_id": object_id,
                        "key": key,
                        "value": str(value),
                    }
                )
        if error is not None:
            self.pending_errors.append(
                {
                    "id": make_uuid(),
                    "harvest_object_id": object_id,
                    "message": error.render(),
                    "stage": "Gather",
                }
            )
        return object_id

    def _flush(self) -> None:
        for table, rows in (
            (HarvestObject.__table__, self.pending_objects),
            (HarvestObjectExtra.__table__, self.pending_extras),
            (HarvestObjectError.__table__, self.pending_errors),
        ):
            if rows:
                model.Session.execute(table.insert(), rows)
        self.pending_objects, self.pending_extras, self.pending_errors = [], [], []

    def _maybe_flush(self) -> None:
        if len(self.pending_objects) >= BATCH:
            self._flush()

    def _discard(self) -> None:
        """Drop every object of this job (the listing failed)."""
        self.pending_objects, self.pending_extras, self.pending_errors = [], [], []
        model.Session.rollback()
        object_ids = model.Session.query(HarvestObject.id).filter(
            HarvestObject.harvest_job_id == self.job.id
        )
        model.Session.query(HarvestObjectExtra).filter(
            HarvestObjectExtra.harvest_object_id.in_(object_ids.scalar_subquery())
        ).delete(synchronize_session=False)
        model.Session.query(HarvestObjectError).filter(
            HarvestObjectError.harvest_object_id.in_(object_ids.scalar_subquery())
        ).delete(synchronize_session=False)
        model.Session.query(HarvestObject).filter(
            HarvestObject.harvest_job_id == self.job.id
        ).delete(synchronize_session=False)
        model.Session.commit()

    # -- items ------------------------------------------------------------

    def _item_error(self, label: str, message: Message, extra: dict | None = None) -> None:
        self._object(
            label or "?", extras=extra, error=message, state="ERROR", report_status="errored"
        )
        self.counts["errored"] += 1

    def _record(self, record: RemoteRecord) -> None:
        guid = (record.identifier or "").strip()
        if not guid:
            self._item_error(
                record.source_url or record.uri or "?",
                Message(N_("A record without identifier was skipped.")),
            )
            return
        if guid in self.seen:
            self._item_error(
                guid,
                Message(
                    N_(
                        'The source lists the identifier "%(identifier)s" more than once: only the '
                        "first record was harvested."
                    ),
                    identifier=guid,
                ),
            )
            return
        self.seen.add(guid)
        if record.landing_page:
            self.landing_pages[record.landing_page] += 1
        known = self.known.get(guid)
        fingerprint = digest(record.content, self.salt) if record.content is not None else None
        if (
            known is not None
            and not known.restorable
            and self._unchanged(record, known, fingerprint)
        ):
            self._object(
                guid, state="COMPLETE", report_status="not modified", package_id=known.package_id
            )
            self.counts["not modified"] += 1
            return
        object_id = self._object(
            guid,
            extras={
                provenance.EXTRA_DIGEST: fingerprint,
                provenance.EXTRA_URI: record.uri,
                provenance.EXTRA_LANDING: record.landing_page,
                provenance.EXTRA_MODIFIED: record.modified,
                provenance.EXTRA_SOURCE_URL: record.source_url,
            },
            content=json.dumps(record.content, ensure_ascii=False)
            if record.content is not None
            else None,
            package_id=known.package_id if known is not None else None,
        )
        self.ids.append(object_id)
        if known is None:
            self.new_records.append(
                identity.NewRecord(object_id, guid, record.uri, record.landing_page)
            )
        self.counts["to import"] += 1

    @staticmethod
    def _unchanged(record: RemoteRecord, known: identity.Known, fingerprint: str | None) -> bool:
        if fingerprint is not None:
            return known.digest == fingerprint
        return bool(record.modified) and record.modified == known.modified

    # -- stage ------------------------------------------------------------

    def run(self) -> list[str]:
        try:
            config = self.harvester.parse_config(self.source.config)
        except SourceConfigError as error:
            self.gather_error(
                Message(N_("Invalid source configuration: %(error)s"), error=str(error))
            )
            return []
        self.config = config
        self.salt = self.harvester.salt(self.source, config)
        self.known = identity.known_records(self.source.id)
        stop = stale.StopCheck(self.job.id)
        client = self.client or HarvestClient(stop=stop)
        complete = gone = False
        try:
            for item in self.harvester.records(self.source, config, client):
                if stop():
                    log.warning("Harvest job %s was closed: its gather stops", self.job.id)
                    self._discard()
                    return []
                if isinstance(item, ItemError):
                    self._item_error(item.label, item.message, item.extra)
                else:
                    self._record(item)
                self._maybe_flush()
            complete = True
        except HarvestProblem as problem:
            failure = problem.message
            # HTTP 410 before any record: the source's datasets are gone for
            # good (404 and 5xx may be passing: they change nothing)
            status = problem.status if isinstance(problem, FetchError) else None
            complete = gone = status == 410 and not self.seen
        except Exception as error:  # a bug or an unforeseen document: report, change nothing
            log.exception("Harvest source %s: listing failed", self.source.id)
            failure = Message(
                N_("Unexpected error while reading the source: %(error)s"), error=repr(error)[:500]
            )
        finally:
            if self.client is None:
                client.close()
        if not complete:
            self._discard()
            self.gather_error(
                Message(
                    N_("%(error)s The harvest was stopped and nothing was changed."), error=failure
                )
            )
            return []
        self._flush()
        if gone:
            log.info(
                "Harvest source %s answers HTTP 410: its datasets are withdrawn", self.source.id
            )
        elif not self.seen:
            model.Session.commit()
            self.gather_error(
                Message(
                    N_("The source lists no dataset: nothing was changed (no dataset archived).")
                )
            )
            return []
        self._relink()
        self._withdrawals()
        self._flush()
        model.Session.commit()
        log.info("Harvest source %s: %s", self.source.id, dict(self.counts))
        return self.ids

    def _relink(self) -> None:
        links = identity.relink(self.new_records, self.known, self.seen, self.landing_pages)
        for object_id, old in links.items():
            model.Session.query(HarvestObject).filter(HarvestObject.id == object_id).update(
                {"package_id": old.package_id}, synchronize_session=False
            )
            model.Session.add(
                HarvestObjectExtra(
                    harvest_object_id=object_id, key=provenance.EXTRA_PREVIOUS, value=old.guid
                )
            )
            self.seen.add(old.guid)
            self.counts["identifier changed"] += 1

    def _withdrawals(self) -> None:
        for guid, known in self.known.items():
            if guid in self.seen or known.status == provenance.ARCHIVED:
                continue
            object_id = self._object(
                guid,
                extras={provenance.EXTRA_ACTION: provenance.ACTION_WITHDRAW},
                package_id=known.package_id,
            )
            self.ids.append(object_id)
            self.counts["withdrawn"] += 1
