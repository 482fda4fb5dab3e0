"""Identity of harvested datasets: which dataset each source record is.

A record is known by its source and its identifier at the source (the
harvest object's ``guid``); the *current* harvest object of that pair points
to the dataset. What the previous harvest saw (content digest, URI, landing
page, modification date) is kept in the object's extras, so that a re-run
compares without reading any dataset.

An identifier can change at the source (a portal migration, a re-created
record): a new identifier whose URI, or whose landing page, is that of a
known record missing from the listing is the same dataset, not a new one
(:func:`relink`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import sqlalchemy as sa
from ckan import model
from ckanext.harvest.model import HarvestObject, HarvestObjectExtra

from . import provenance


@dataclass
class Known:
    guid: str
    object_id: str
    package_id: str
    package_state: str
    status: str = provenance.CURRENT
    digest: str | None = None
    uri: str | None = None
    landing_page: str | None = None
    modified: str | None = None

    @property
    def restorable(self) -> bool:
        """Seen again after being withdrawn or archived: must be imported."""
        return self.status in (provenance.WITHDRAWN, provenance.ARCHIVED)


_EXTRA_FIELDS = {
    provenance.EXTRA_DIGEST: "digest",
    provenance.EXTRA_URI: "uri",
    provenance.EXTRA_LANDING: "landing_page",
    provenance.EXTRA_MODIFIED: "modified",
}


def known_records(source_id: str) -> dict[str, Known]:
    """Records of ``source_id`` that have a dataset, by identifier."""
    rows = (
        model.Session.query(
            HarvestObject.id,
            HarvestObject.guid,
            HarvestObject.package_id,
            model.Package.state,
            HarvestObject.import_finished,
        )
        .join(model.Package, model.Package.id == HarvestObject.package_id)
        .filter(HarvestObject.harvest_source_id == source_id, HarvestObject.current.is_(True))
        .order_by(HarvestObject.import_finished.asc().nullsfirst())
    )
    known: dict[str, Known] = {}
    by_object: dict[str, Known] = {}
    for object_id, guid, package_id, state, _finished in rows:
        record = Known(guid, object_id, package_id, state)
        known[guid] = record  # the latest import wins
    for record in known.values():
        by_object[record.object_id] = record
    if not known:
        return known
    extras = (
        model.Session.query(
            HarvestObjectExtra.harvest_object_id, HarvestObjectExtra.key, HarvestObjectExtra.value
        )
        .join(HarvestObject, HarvestObject.id == HarvestObjectExtra.harvest_object_id)
        .filter(
            HarvestObject.harvest_source_id == source_id,
            HarvestObject.current.is_(True),
            HarvestObjectExtra.key.in_(list(_EXTRA_FIELDS)),
        )
    )
    for object_id, key, value in extras:
        found = by_object.get(object_id)
        if found is not None:
            setattr(found, _EXTRA_FIELDS[key], value)
    statuses = (
        model.Session.query(HarvestObject.id, model.PackageExtra.value)
        .join(model.PackageExtra, model.PackageExtra.package_id == HarvestObject.package_id)
        .filter(
            HarvestObject.harvest_source_id == source_id,
            HarvestObject.current.is_(True),
            model.PackageExtra.key == provenance.STATUS,
            model.PackageExtra.state == "active",
        )
    )
    for object_id, value in statuses:
        found = by_object.get(object_id)
        if found is not None and value:
            found.status = value
    return known


def current_package_id(source_id: str, guid: str) -> str | None:
    row = (
        model.Session.query(HarvestObject.package_id)
        .join(model.Package, model.Package.id == HarvestObject.package_id)
        .filter(
            HarvestObject.harvest_source_id == source_id,
            HarvestObject.guid == guid,
            HarvestObject.current.is_(True),
        )
        .order_by(HarvestObject.import_finished.desc().nullslast())
        .first()
    )
    return row[0] if row else None


@dataclass
class NewRecord:
    object_id: str
    guid: str
    uri: str | None
    landing_page: str | None


def relink(
    new_records: list[NewRecord], known: dict[str, Known], seen: set[str], landing_pages: Counter
) -> dict[str, Known]:
    """New records that are known records under a changed identifier.

    A known record missing from the listing is claimed by the new record
    with the same URI, else by the one with the same landing page when that
    page belongs to one record only on both sides (a catalogue's home page
    shared by all its datasets identifies none). Returns object id -> the
    known record it continues.
    """
    missing = [record for guid, record in known.items() if guid not in seen]
    if not missing or not new_records:
        return {}
    by_uri = {record.uri: record for record in missing if record.uri}
    known_landing = Counter(record.landing_page for record in known.values() if record.landing_page)
    by_landing = {
        record.landing_page: record
        for record in missing
        if record.landing_page and known_landing[record.landing_page] == 1
    }
    links: dict[str, Known] = {}
    claimed: set[str] = set()
    for new in new_records:
        match = by_uri.get(new.uri) if new.uri else None
        if match is None and new.landing_page and landing_pages[new.landing_page] == 1:
            match = by_landing.get(new.landing_page)
        if match is not None and match.guid not in claimed:
            claimed.add(match.guid)
            links[new.object_id] = match
    return links


def known_records_for(source_id: str, guid: str) -> Known | None:
    """The known record of one identifier (for the fetch stage)."""
    object_row = (
        model.Session.query(HarvestObject.id, HarvestObject.package_id, model.Package.state)
        .join(model.Package, model.Package.id == HarvestObject.package_id)
        .filter(
            HarvestObject.harvest_source_id == source_id,
            HarvestObject.guid == guid,
            HarvestObject.current.is_(True),
        )
        .order_by(HarvestObject.import_finished.desc().nullslast())
        .first()
    )
    if object_row is None:
        return None
    object_id, package_id, state = object_row
    record = Known(guid, object_id, package_id, state)
    for key, value in model.Session.query(HarvestObjectExtra.key, HarvestObjectExtra.value).filter(
        HarvestObjectExtra.harvest_object_id == object_id,
        HarvestObjectExtra.key.in_(list(_EXTRA_FIELDS)),
    ):
        setattr(record, _EXTRA_FIELDS[key], value)
    package = model.Package.get(package_id)
    if package is not None:
        record.status = package.extras.get(provenance.STATUS) or provenance.CURRENT
    return record


def remember_modified(known: Known, modified: str | None) -> None:
    """Store a new modification date on the current object of ``known``."""
    if not modified or modified == known.modified:
        return
    updated = (
        model.Session.query(HarvestObjectExtra)
        .filter(
            HarvestObjectExtra.harvest_object_id == known.object_id,
            HarvestObjectExtra.key == provenance.EXTRA_MODIFIED,
        )
        .update({"value": modified}, synchronize_session=False)
    )
    if not updated:
        model.Session.add(
            HarvestObjectExtra(
                harvest_object_id=known.object_id, key=provenance.EXTRA_MODIFIED, value=modified
            )
        )


def harvested_elsewhere(source_id: str, identifier: str, uri: str | None) -> model.Package | None:
    """The active dataset another harvest source already wrote for the same
    record: the same identifier at the source (one long enough to name one
    record: a UUID, a URI, GeoNetwork's fileIdentifier, not "3") or the same
    URI at the source. The first source keeps it."""
    conditions = []
    if identifier and (len(identifier) >= 16 or identifier.startswith(("http://", "https://"))):
        conditions.append(
            sa.and_(
                model.PackageExtra.key == provenance.SOURCE_IDENTIFIER,
                model.PackageExtra.value == identifier,
            )
        )
    if uri and uri.startswith(("http://", "https://")):
        conditions.append(
            sa.and_(
                model.PackageExtra.key == provenance.SOURCE_URI, model.PackageExtra.value == uri
            )
        )
    if not conditions:
        return None
    same_source = (
        model.Session.query(model.PackageExtra.package_id)
        .filter(
            model.PackageExtra.key == provenance.SOURCE_ID, model.PackageExtra.value == source_id
        )
        .scalar_subquery()
    )
    return (
        model.Session.query(model.Package)
        .join(model.PackageExtra, model.PackageExtra.package_id == model.Package.id)
        .filter(
            model.Package.state == "active",
            sa.or_(*conditions),
            model.Package.id.notin_(same_source),
        )
        .order_by(model.Package.metadata_created)
        .first()
    )
