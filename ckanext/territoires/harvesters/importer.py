"""Import stage shared by every source kind: record -> dataset.

The source kind maps its record to a dataset dict of the portal's schema
and tells what it knows about places (:class:`~.territorialise.PlaceHints`);
here the coverage is resolved, provenance added, the publishing
organisation chosen (the commune's organisation when the publisher is a
commune of the territory and has one, else the source's), and the dataset
created or updated through CKAN's actions (so validation, memberships of
commune groups, indexing and activity happen as for any dataset).
Withdrawn records go to :mod:`.archive`.
"""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any

import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from ckan import authz, model
from ckan.lib.munge import munge_title_to_name
from ckanext.harvest.model import HarvestObject, HarvestObjectError, HarvestSource

from ckanext.territoires import licences, urls

from . import archive, identity, mapping, provenance, warnings
from .messages import N_, HarvestProblem, Message
from .source_config import PUBLISH_FOR_COMMUNES, TAKE_OVER, SourceConfigError
from .territorialise import territorialise

log = logging.getLogger(__name__)

#: Fields of the dataset the harvester never writes (the portal's own).
KEPT_ON_UPDATE = ("name", "groups")


def commune_organization(insee: str | None) -> str | None:
    """Id of the active organisation whose extra ``insee`` is the commune."""
    if not insee:
        return None
    row = (
        model.Session.query(model.Group.id)
        .join(model.GroupExtra, model.GroupExtra.group_id == model.Group.id)
        .filter(
            model.Group.is_organization.is_(True),
            model.Group.state == "active",
            model.GroupExtra.key == "insee",
            model.GroupExtra.state == "active",
            model.GroupExtra.value == insee,
        )
        .order_by(model.Group.name)
        .first()
    )
    return row[0] if row else None


def source_organization(source) -> str | None:
    """The organisation a harvest source belongs to (its dataset's owner)."""
    if source.publisher_id:
        return source.publisher_id
    package = model.Package.get(source.id)
    return package.owner_org if package is not None else None


def may_publish_in(source, organization_id: str) -> bool:
    """May the source's creator create datasets in ``organization_id``?"""
    package = model.Package.get(source.id)
    creator = source.user_id or (package.creator_user_id if package is not None else None)
    user = model.User.get(creator) if creator else None
    if user is None:
        return False
    return user.sysadmin or authz.has_user_permission_for_group_or_org(
        organization_id, user.name, "create_dataset"
    )


def choose_owner(
    source, publisher_commune: str | None, config
) -> tuple[str | None, Message | None]:
    """The organisation of a harvested dataset, and why it is not the
    publisher's when it could have been.

    The commune's organisation when the publisher is a commune that has one
    and the source's creator may publish there (or a sysadmin set the source
    option ``publish_for_communes``); otherwise the source's own, the
    publisher staying in the dataset's metadata.
    """
    own = source_organization(source)
    wanted = commune_organization(publisher_commune)
    if not wanted or wanted == own:
        return own or wanted, None
    if config.get(PUBLISH_FOR_COMMUNES) or may_publish_in(source, wanted):
        return wanted, None
    group = model.Group.get(wanted)
    return own, Message(
        N_(
            "Published by %(organization)s, but kept in the source's organisation: the "
            "source's creator may not publish in %(organization)s."
        ),
        organization=group.title if group is not None else wanted,
    )


def object_error(obj: HarvestObject, message: Message, stage: str) -> None:
    HarvestObjectError(message=message.render(), object=obj, stage=stage).save()


def extras_of(obj: HarvestObject) -> dict[str, str]:
    return {extra.key: extra.value for extra in obj.extras}


class Importer:
    def __init__(self, harvester, obj: HarvestObject):
        self.harvester = harvester
        self.obj = obj
        self.source = obj.source
        self.extras = extras_of(obj)
        self.notes: list[Message] = []

    def context(self) -> dict[str, Any]:
        return {
            "model": model,
            "session": model.Session,
            "ignore_auth": True,
            "user": self.harvester._get_user_name(),
            "territoires_harvest": True,
        }

    def run(self) -> bool | str:
        try:
            config = self.harvester.parse_config(self.source.config)
        except SourceConfigError as error:
            object_error(
                self.obj,
                Message(N_("Invalid source configuration: %(error)s"), error=str(error)),
                "Import",
            )
            return False
        if self.extras.get(provenance.EXTRA_ACTION) == provenance.ACTION_WITHDRAW:
            return self._withdraw(config)
        return self._import(config)

    # -- withdrawn records ------------------------------------------------

    def _withdraw(self, config) -> bool | str:
        try:
            outcome = archive.withdraw(self.obj.package_id, config.grace_days, self.context())
        except tk.ValidationError as error:
            model.Session.rollback()
            object_error(
                self.obj,
                Message(N_("The dataset could not be archived: %(error)s"), error=_summary(error)),
                "Import",
            )
            return False
        self.obj.current = False
        return True if outcome == archive.ARCHIVED else "unchanged"

    # -- new and changed records ------------------------------------------

    def _import(self, config) -> bool | str:
        obj = self.obj
        if obj.content is None:
            object_error(obj, Message(N_("Nothing was read for this record.")), "Import")
            return False
        try:
            content = json.loads(obj.content)
            package, hints = self.harvester.to_package(content, self.source, config)
        except HarvestProblem as problem:
            object_error(obj, problem.message, "Import")
            return False
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            log.info("Malformed record %s: %r", obj.guid, error)
            object_error(
                obj, Message(N_("Malformed record: %(error)s"), error=repr(error)[:300]), "Import"
            )
            return False
        if not package.get("title"):
            object_error(obj, Message(N_("The record has no title.")), "Import")
            return False
        coverage = territorialise(hints, config.pin_codes)
        package = self._complete(package, coverage, obj, config)

        package_id = obj.package_id or identity.current_package_id(self.source.id, obj.guid)
        existing = model.Package.get(package_id) if package_id else None
        if existing is None:
            elsewhere = identity.harvested_elsewhere(
                self.source.id, obj.guid, self.extras.get(provenance.EXTRA_URI)
            )
            if elsewhere is not None and not takes_over(config, elsewhere):
                warnings.record(obj, [_harvested_elsewhere(elsewhere, ALREADY_HARVESTED)])
                return "unchanged"
            if elsewhere is not None:
                self.notes.append(_harvested_elsewhere(elsewhere, TAKEN_OVER))
                existing = elsewhere
        try:
            if existing is not None:
                self._update(existing, package)
            else:
                self._create(package)
        except tk.ValidationError as error:
            model.Session.rollback()
            object_error(
                obj,
                Message(N_("The dataset is not valid: %(error)s"), error=_summary(error)),
                "Import",
            )
            return False
        warnings.record(obj, [*coverage.problems, *mapping_warnings(package), *self.notes])
        return True

    def _complete(self, package: dict, coverage, obj: HarvestObject, config) -> dict:
        package = {key: value for key, value in package.items() if value not in (None, "", [])}
        # always sent: resources gone at the source must go here too
        package.setdefault("resources", [])
        package["notes"] = package.get("notes") or package["title"]
        keywords = [
            tag.get("name") if isinstance(tag, dict) else tag for tag in package.get("tags", [])
        ]
        package["tags"] = mapping.tags(keywords)
        # a keyword that is no valid tag is kept as written too (exported so)
        originals = mapping.original_keywords(keywords)
        if originals:
            package["original_keywords"] = originals
        package["territoires_coverage"] = coverage.codes
        package.update(
            provenance.fields_for(
                self.source,
                obj.guid,
                self.extras.get(provenance.EXTRA_URI),
                self.extras.get(provenance.EXTRA_SOURCE_URL)
                or self.extras.get(provenance.EXTRA_LANDING),
                provenance.now(),
            )
        )
        # javascript:, data:... never become links (urls.py)
        dropped = urls.drop_unsafe(package)
        if dropped:
            self.notes.append(
                Message(
                    N_("Left out, as they are not links (http, https or mailto): %(fields)s"),
                    fields=", ".join(dropped),
                )
            )
        owner, kept = choose_owner(self.source, coverage.publisher_commune, config)
        if kept is not None:
            self.notes.append(kept)
        if owner:
            package["owner_org"] = owner
        package.setdefault("private", False)
        return package

    def _link(self, package_id: str) -> None:
        model.Session.query(HarvestObject).filter(
            HarvestObject.package_id == package_id,
            HarvestObject.id != self.obj.id,
            HarvestObject.current.is_(True),
        ).update({"current": False}, synchronize_session=False)
        self.obj.package_id = package_id
        self.obj.current = True

    def _update(self, existing: model.Package, package: dict) -> None:
        package["id"] = existing.id
        package["name"] = existing.name
        package.update(archive.restore_changes(existing))
        kept = tk.aslist(tk.config.get("ckan.harvest.not_overwrite_fields"))
        if kept:
            stored = tk.get_action("package_show")(
                dict(self.context(), use_cache=False), {"id": existing.id}
            )
            for field in kept:
                if field in stored:
                    package[field] = stored[field]
        # Keep resource ids when the URL is the same (links to them survive).
        by_url = {resource.url: resource.id for resource in existing.resources}
        for resource in package.get("resources", []):
            if resource.get("url") in by_url:
                resource["id"] = by_url.pop(resource["url"])
        self._link(existing.id)
        model.Session.flush()
        tk.get_action("package_update")(self.context(), package)

    def _create(self, package: dict) -> None:
        package["id"] = str(uuid.uuid4())
        package["name"] = self._new_name(package)
        self._link(package["id"])
        # The dataset is indexed at its creation; the harvest object must
        # already point to it then (ckanext-harvest indexes the source id).
        model.Session.execute(sa.text("SET CONSTRAINTS harvest_object_package_id_fkey DEFERRED"))
        model.Session.flush()
        tk.get_action("package_create")(self.context(), package)

    def _new_name(self, package: dict) -> str:
        wanted = package.get("name") or package["title"]
        ideal = munge_title_to_name(wanted).strip("-")[:90] or "dataset"
        return unique_name(ideal)


#: What the job says of a record another source harvested first: kept by
#: that source, or taken over by this one (option take_over).
ALREADY_HARVESTED = N_(
    'This record was already harvested from the source "%(source)s" as the dataset '
    "%(dataset)s: it is not duplicated (the first source keeps it)."
)
TAKEN_OVER = N_(
    'This record was harvested from the source "%(source)s" as the dataset '
    "%(dataset)s: taken over by this source (option take_over)."
)


def _harvested_elsewhere(package: model.Package, msgid: str) -> Message:
    return Message(
        msgid, source=package.extras.get(provenance.SOURCE_TITLE) or "?", dataset=package.name
    )


def takes_over(config, package: model.Package) -> bool:
    """Whether this source (its option ``take_over``) takes a record from
    the source that harvested it first: not from a source that takes over
    too (the one that holds the record keeps it, no back and forth)."""
    if not config.get(TAKE_OVER):
        return False
    holder = HarvestSource.get(package.extras.get(provenance.SOURCE_ID) or "")
    if holder is None or not holder.active:
        return True
    try:
        options = json.loads(holder.config or "{}")
    except ValueError:
        return True
    return not (isinstance(options, dict) and options.get(TAKE_OVER) is True)


def unique_name(ideal: str) -> str:
    """``ideal``, else ``ideal-2``, ``ideal-3``... (a separator, so that
    "budget-2020" never becomes "budget-20201", a year-like number), else
    a random suffix."""

    def taken(name: str) -> bool:
        return (
            model.Session.query(model.Package.id).filter(model.Package.name == name).first()
            is not None
        )

    if not taken(ideal):
        return ideal
    for number in range(2, 100):
        candidate = f"{ideal[:86]}-{number}"
        if not taken(candidate):
            return candidate
    return f"{ideal[:80]}-{uuid.uuid4().hex[:8]}"


def mapping_warnings(package: dict[str, Any]) -> list[Message]:
    """What the mapping kept with a doubt: a licence the portal's register
    does not list (kept as the source writes it, exported labelled)."""
    found = []
    licence = package.get("license_id")
    if (
        isinstance(licence, str)
        and licence
        and licence not in licences.register_ids()
        and not licences.recognise(licence)
    ):
        found.append(
            Message(
                N_(
                    'The licence "%(licence)s" is not in the portal\'s register: kept as '
                    "the source writes it."
                ),
                licence=licence,
            )
        )
    return found


def _summary(error: tk.ValidationError) -> str:
    summary = error.error_summary if hasattr(error, "error_summary") else error.error_dict
    return "; ".join(f"{key}: {value}" for key, value in (summary or {}).items())[:1000]
