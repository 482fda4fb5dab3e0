"""The base of the territoires harvesters (ckanext-harvest's IHarvester).

A source kind (one module each: ``ckan``, ``dcat``, ``ods``, ``udata``,
``csw``) subclasses :class:`TerritoiresHarvester` and provides:

- ``records(source, config, client)``: a generator over the source's whole
  listing, yielding :class:`~.records.RemoteRecord` and
  :class:`~.records.ItemError`; raising a
  :class:`~.messages.HarvestProblem` when the listing cannot be completed;
- ``to_package(content, source, config)``: a record's content -> a dataset
  dict of the portal's schema and the :class:`~.territorialise.PlaceHints`;
- optionally ``fetch_content(...)`` for listings that give only
  identifiers and dates, and ``kind_options`` (extra source options).

The stages themselves (identity, unchanged detection, withdrawals,
coverage, provenance) are shared: :mod:`.gather`, :mod:`.importer`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, ClassVar
from urllib.parse import urlsplit

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan import model
from ckan.exceptions import CkanConfigurationException
from ckanext.harvest.harvesters.base import HarvesterBase
from ckanext.harvest.model import HarvestObject, HarvestObjectExtra

from ckanext.territoires import territory

from . import identity, provenance, source_config, stale
from .gather import Gatherer
from .http import HarvestClient
from .importer import Importer, object_error, source_organization
from .messages import N_, HarvestProblem, Message
from .records import ItemError, RemoteRecord, digest
from .source_config import SourceConfig, Validator
from .territorialise import PlaceHints


class TerritoiresHarvester(HarvesterBase):
    """Shared machinery; see the module doc."""

    p.implements(p.IConfigurable, inherit=True)

    #: Harvester type stored in the source (``source_type``); not ``name``,
    #: which CKAN sets to the plugin's name.
    harvester_type = ""
    title = ""
    description = ""
    #: Bump when ``to_package`` changes, so that the next run re-imports all.
    mapping_version = "2"
    kind_options: ClassVar[dict[str, Validator]] = {}
    #: The source may be a local file (``file://``, inside the local roots).
    reads_files = False
    #: The source URL is a portal's address, under which its API is found.
    portal_root = False

    # -- plugin -----------------------------------------------------------

    def configure(self, config):
        if not p.plugin_loaded("territoires_harvest"):
            raise CkanConfigurationException(
                f"The harvester plugin {self.harvester_type} needs the plugin territoires_harvest "
                "(add it to ckan.plugins)."
            )

    # -- IHarvester -------------------------------------------------------

    def info(self) -> dict[str, str]:
        return {
            "name": self.harvester_type,
            "title": tk._(self.title),
            "description": tk._(self.description),
        }

    def url_problem(self, url: str) -> Message | None:
        """What this kind of source finds wrong with ``url`` at once (checked
        when the source is saved; nothing is read)."""
        parts = urlsplit(url)
        if parts.scheme == "file" and not self.reads_files:
            return Message(
                N_("A source of the kind %(kind)s is read over the web: give its http(s) address."),
                kind=Message(self.title),
            )
        if self.portal_root and "/api/" in parts.path.rstrip("/") + "/":
            return Message(
                N_(
                    "Give the portal's address without /api/... (for example "
                    "https://data.example.org): the harvester finds the API itself."
                )
            )
        return None

    def validate_config(self, config: str | None) -> str:
        return source_config.dump(self.parse_config(config))

    def get_original_url(self, harvest_object_id: str) -> str | None:
        row = (
            model.Session.query(HarvestObjectExtra.value)
            .filter(
                HarvestObjectExtra.harvest_object_id == harvest_object_id,
                HarvestObjectExtra.key.in_([provenance.EXTRA_SOURCE_URL, provenance.EXTRA_LANDING]),
            )
            .order_by(HarvestObjectExtra.key.desc())
            .first()
        )
        return row[0] if row else None

    def gather_stage(self, harvest_job) -> list[str]:
        return Gatherer(self, harvest_job).run()

    def fetch_stage(self, harvest_object: HarvestObject) -> bool | str:
        stop = stale.StopCheck(harvest_object.harvest_job_id)
        if stop():  # the job was closed as stale: this worker stops here
            return False
        if harvest_object.content is not None:
            return True
        extras = {extra.key: extra.value for extra in harvest_object.extras}
        if extras.get(provenance.EXTRA_ACTION) == provenance.ACTION_WITHDRAW:
            return True
        source = harvest_object.source
        try:
            config = self.parse_config(source.config)
            with HarvestClient(stop=stop) as client:
                content = self.fetch_content(source, config, client, harvest_object, extras)
        except (HarvestProblem, source_config.SourceConfigError) as problem:
            message = (
                problem.message
                if isinstance(problem, HarvestProblem)
                else Message(N_("Invalid source configuration: %(error)s"), error=str(problem))
            )
            object_error(harvest_object, message, "Fetch")
            return False
        harvest_object.content = json.dumps(content, ensure_ascii=False)
        fingerprint = digest(content, self.salt(source, config))
        known = identity.known_records_for(source.id, harvest_object.guid)
        _set_extra(harvest_object, provenance.EXTRA_DIGEST, fingerprint)
        if known is not None and known.digest == fingerprint and not known.restorable:
            # Same content under a new date: remember the date, skip the import.
            identity.remember_modified(known, extras.get(provenance.EXTRA_MODIFIED))
            harvest_object.package_id = known.package_id
            return "unchanged"
        return True

    def import_stage(self, harvest_object: HarvestObject) -> bool | str:
        if stale.job_closed(harvest_object.harvest_job_id):
            return False  # closed as stale: its objects are already reported
        return Importer(self, harvest_object).run()

    # -- for the stages ---------------------------------------------------

    def parse_config(self, raw: str | None) -> SourceConfig:
        return source_config.parse(raw, self.kind_options)

    def salt(self, source, config: SourceConfig) -> str:
        """What, besides the record, decides the dataset: a change re-imports."""
        return json.dumps(
            [
                self.harvester_type,
                self.mapping_version,
                config.options,
                config.pin_codes,
                territory.configured_scope_value(),
                source.title,
                source_organization(source),
            ],
            sort_keys=True,
            default=str,
        )

    # -- for the source kinds --------------------------------------------

    def records(
        self, source, config: SourceConfig, client: HarvestClient
    ) -> Iterator[RemoteRecord | ItemError]:
        raise NotImplementedError

    def fetch_content(
        self,
        source,
        config: SourceConfig,
        client: HarvestClient,
        harvest_object: HarvestObject,
        extras: dict[str, str],
    ) -> dict[str, Any]:
        raise HarvestProblem(N_("This source kind lists whole records; nothing to fetch."))

    def to_package(
        self, content: dict[str, Any], source, config: SourceConfig
    ) -> tuple[dict[str, Any], PlaceHints]:
        raise NotImplementedError

    @staticmethod
    def max_pages(config: SourceConfig) -> int:
        return config.max_pages


def _set_extra(harvest_object: HarvestObject, key: str, value: str) -> None:
    for extra in harvest_object.extras:
        if extra.key == key:
            extra.value = value
            return
    harvest_object.extras.append(HarvestObjectExtra(key=key, value=value))


def page_limit_problem(url: str, pages: int) -> HarvestProblem:
    return HarvestProblem(
        N_(
            "%(url)s: more than %(pages)s pages; the source may loop. Raise "
            "max_pages if it is really that large."
        ),
        url=url,
        pages=pages,
    )


def page_loop_problem(url: str) -> HarvestProblem:
    return HarvestProblem(N_("Paging loops: the next page %(url)s was already read."), url=url)
