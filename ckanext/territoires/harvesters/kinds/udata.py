"""Source kind: a udata portal (data.gouv.fr), through its API 1.

Listing: ``/api/1/datasets/`` pages, following ``next_page`` (with loop
detection and the page limit), filtered by organisation and/or by
territory; each record is whole (no fetch stage). Datasets the portal
marks archived, deleted or private are not harvested (so they are
withdrawn here in turn).

Identity: the udata id; ``page`` (its page on the portal) helps recognise
a dataset whose id changed. Coverage hints: ``spatial.zones``
(``fr:commune:69123``...), the organisation, the tags.

Source URL: the portal's root (``https://www.data.gouv.fr``). Options:
``organization`` (id or slug), ``zones`` (places of the territory, any
form the resolver reads, or zone ids: one listing per commune), ``tag``,
plus the common ones.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, ClassVar
from urllib.parse import urljoin

from ckanext.territoires import territory
from ckanext.territoires.referential import PlaceError, resolve

from .. import mapping
from ..base import TerritoiresHarvester, page_limit_problem, page_loop_problem
from ..http import HarvestClient, InvalidDocument
from ..messages import N_, Message
from ..records import ItemError, RemoteRecord
from ..source_config import SourceConfig, Validator, text, text_list
from ..territorialise import PlaceHints

DEFAULT_PAGE_SIZE = 100


def _zones(value: Any) -> list[str]:
    """Places -> udata zone ids (one per commune); ValueError if one is unknown."""
    zones: list[str] = []
    for place in text_list(value):
        if place.lower().startswith("fr:"):
            zones.append(place)
            continue
        try:
            matches = resolve(place, territory.configured_scope())
        except PlaceError as error:
            raise ValueError(error.message) from error
        zones += [f"fr:commune:{match.insee}" for match in matches]
    return list(dict.fromkeys(zones))


class UdataHarvester(TerritoiresHarvester):
    harvester_type = "territoires_udata"
    portal_root = True
    title = N_("udata portal (data.gouv.fr)")
    description = N_(
        "Datasets of a udata portal such as data.gouv.fr through its API 1, by "
        "organisation and/or territory. URL: the portal's root."
    )
    kind_options: ClassVar[dict[str, Validator]] = {
        "organization": text,
        "zones": _zones,
        "tag": text,
    }

    def records(
        self, source, config: SourceConfig, client: HarvestClient
    ) -> Iterator[RemoteRecord | ItemError]:
        root = source.url.rstrip("/")
        zones = config.get("zones") or [None]
        yielded: set[str] = set()
        for zone in zones:
            for record in self._listing(root, zone, config, client):
                # a dataset covering several communes is in several listings
                if isinstance(record, RemoteRecord):
                    if len(zones) > 1 and record.identifier in yielded:
                        continue
                    yielded.add(record.identifier)
                yield record

    def _listing(self, root: str, zone: str | None, config: SourceConfig, client: HarvestClient):
        params: dict[str, Any] = {
            "page_size": config.get("page_size", DEFAULT_PAGE_SIZE),
            "page": 1,
        }
        if config.get("organization"):
            params["organization"] = config.get("organization")
        if config.get("tag"):
            params["tag"] = config.get("tag")
        if zone:
            params["geozone"] = zone
        query: dict[str, Any] | None = params
        url: str | None = root + "/api/1/datasets/"
        visited: set[str] = set()
        pages = 0
        while url:
            pages += 1
            if pages > config.max_pages:
                raise page_limit_problem(root + "/api/1/datasets/", config.max_pages)
            page = client.get_json(url, query)
            query = None  # next_page carries them
            if not isinstance(page, dict) or not isinstance(page.get("data"), list):
                raise InvalidDocument(N_("%(url)s is not an answer of the udata API 1."), url=url)
            visited.add(url)
            for position, item in enumerate(page["data"], 1):
                record = self._record(item, root, f"{url}#{position}")
                if record is not None:
                    yield record
            next_page = page.get("next_page")
            if not next_page or not page["data"]:
                return
            next_url = urljoin(url, next_page)
            if next_url in visited:
                raise page_loop_problem(next_url)
            url = next_url

    @staticmethod
    def _record(item: Any, root: str, label: str) -> RemoteRecord | ItemError | None:
        if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not item["id"]:
            return ItemError(
                label, Message(N_("An item of the listing is not a dataset with an id."))
            )
        if item.get("archived") or item.get("deleted") or item.get("private"):
            return None  # no longer published there
        page = item.get("page") or f"{root}/datasets/{item.get('slug') or item['id']}/"
        return RemoteRecord(
            identifier=item["id"],
            content={"dataset": item},
            uri=item.get("uri") or f"{root}/api/1/datasets/{item['id']}/",
            landing_page=page,
            modified=item.get("last_modified"),
            source_url=page,
        )

    def to_package(
        self, content: dict[str, Any], source, config: SourceConfig
    ) -> tuple[dict[str, Any], PlaceHints]:
        dataset = content["dataset"]
        organization = dataset.get("organization") or {}
        tags = [tag for tag in dataset.get("tags") or [] if isinstance(tag, str)]
        package: dict[str, Any] = {
            "title": mapping.first_text(dataset.get("title")),
            "name": dataset.get("slug"),
            "notes": dataset.get("description") or "",
            "tags": tags,
            "license_id": mapping.license_id(_licence(dataset)),
            "frequency": mapping.frequency(dataset.get("frequency")),
            "resources": [
                self._resource(resource)
                for resource in dataset.get("resources") or []
                if isinstance(resource, dict) and resource.get("url")
            ],
        }
        publisher = mapping.first_text(organization.get("name"))
        if publisher:
            package["publisher"] = [{"name": publisher, "url": organization.get("page") or ""}]
        package.update(_descriptions(dataset))
        hints = PlaceHints(
            spatial=mapping.texts((dataset.get("spatial") or {}).get("zones")),
            publishers=[publisher] if publisher else [],
            keywords=tags,
            title=package["title"] or "",
            extents=[geom for geom in [(dataset.get("spatial") or {}).get("geom")] if geom],
        )
        return package, hints

    @staticmethod
    def _resource(resource: dict[str, Any]) -> dict[str, Any]:
        fields = {
            "url": resource["url"],
            "name": resource.get("title") or "",
            "description": resource.get("description") or "",
            "format": mapping.resource_format(resource.get("format") or resource.get("mime")),
            "mimetype": mapping.first_text(resource.get("mime")),
            "issued": mapping.date(resource.get("created_at")),
            "modified": mapping.date(resource.get("last_modified")),
        }
        return {key: value for key, value in fields.items() if value is not None}


def _descriptions(dataset: dict[str, Any]) -> dict[str, Any]:
    """Dates (udata's own DCAT export: ``created_at`` is ``dct:issued``,
    ``last_modified`` ``dct:modified``), temporal coverage and the spatial
    extent (``spatial.geom``, GeoJSON)."""
    temporal = dataset.get("temporal_coverage") or {}
    fields: dict[str, Any] = {
        "issued": mapping.date(dataset.get("created_at")),
        "modified": mapping.date(dataset.get("last_modified") or dataset.get("last_update")),
        "temporal_coverage": mapping.temporal(temporal.get("start"), temporal.get("end"))
        if isinstance(temporal, dict)
        else [],
    }
    geom = (dataset.get("spatial") or {}).get("geom")
    if isinstance(geom, dict) and geom.get("type"):
        fields["spatial_coverage"] = [{"geom": json.dumps(geom)}]
    return {key: value for key, value in fields.items() if value}


def _licence(dataset: dict[str, Any]) -> Any:
    """The licence as udata names it (API 1 gives an id, some portals an object)."""
    value = dataset.get("license")
    if isinstance(value, dict):
        return value.get("id") or value.get("title")
    return value
