"""Source kind: a CKAN portal, through its action API.

Listing: ``package_search`` pages (sorted by id, so that edits during the
harvest do not shift pages), asking only for ``id``, ``name`` and
``metadata_modified``; a dataset whose ``metadata_modified`` is the one
seen last time is not read again (incremental by metadata_modified), the
others are read with ``package_show`` in the fetch stage. Portals that
ignore ``fl`` send whole datasets, used as they come.

Source URL: the portal's root (``https://data.example.fr``). Options:
``organizations`` and ``tags`` (lists: datasets of any of them), ``q`` (a
search query), plus the common ones (see :mod:`.source_config`).
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from typing import Any, ClassVar

from ckanext.territoires.values import as_list

from .. import mapping
from ..base import TerritoiresHarvester, page_limit_problem
from ..http import HarvestClient, InvalidDocument
from ..messages import N_, HarvestProblem, Message
from ..records import ItemError, RemoteRecord
from ..source_config import SourceConfig, Validator, text, text_list
from ..territorialise import PlaceHints
from . import csw

DEFAULT_ROWS = 500


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def api_url(source_url: str, action: str) -> str:
    return source_url.rstrip("/") + "/api/3/action/" + action


def _result(document: Any, url: str) -> Any:
    if not isinstance(document, dict) or "result" not in document:
        raise InvalidDocument(N_("%(url)s is not an answer of the CKAN API."), url=url)
    if not document.get("success", True):
        raise HarvestProblem(
            N_("%(url)s: the CKAN API reports an error: %(error)s"),
            url=url,
            error=str(document.get("error"))[:300],
        )
    return document["result"]


class CkanHarvester(TerritoiresHarvester):
    harvester_type = "territoires_ckan"
    portal_root = True
    title = N_("CKAN portal")
    description = N_(
        "Datasets of a CKAN portal through its API, incremental by "
        "metadata_modified, optionally filtered by organisations, tags or a query. "
        "URL: the portal's root."
    )
    kind_options: ClassVar[dict[str, Validator]] = {
        "organizations": text_list,
        "tags": text_list,
        "q": text,
    }

    def _filters(self, config: SourceConfig) -> str:
        parts = []
        if config.get("organizations"):
            parts.append(
                "organization:(%s)" % " OR ".join(_quote(o) for o in config.get("organizations"))
            )
        if config.get("tags"):
            parts.append("tags:(%s)" % " OR ".join(_quote(t) for t in config.get("tags")))
        return " ".join("+" + part for part in parts)

    def records(
        self, source, config: SourceConfig, client: HarvestClient
    ) -> Iterator[RemoteRecord | ItemError]:
        url = api_url(source.url, "package_search")
        rows = config.get("page_size", DEFAULT_ROWS)
        base = source.url.rstrip("/")
        start = 0
        pages = 0
        while True:
            pages += 1
            if pages > config.max_pages:
                raise page_limit_problem(url, config.max_pages)
            params = {
                "q": config.get("q") or "*:*",
                "fq": self._filters(config),
                "rows": rows,
                "start": start,
                "sort": "id asc",
                "fl": ["id", "name", "metadata_modified"],
            }
            result = _result(client.get_json(url, params), url)
            if not isinstance(result, dict) or not isinstance(result.get("results"), list):
                raise InvalidDocument(N_("%(url)s is not an answer of the CKAN API."), url=url)
            results = result["results"]
            for position, item in enumerate(results, start + 1):
                yield self._record(item, base, position)
            start += len(results)
            count = result.get("count")
            if not results or not isinstance(count, int) or start >= count:
                return

    def _record(self, item: Any, base: str, position: int) -> RemoteRecord | ItemError:
        if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not item["id"]:
            return ItemError(
                f"#{position}",
                Message(
                    N_("Item %(position)s of the listing is not a dataset with an id."),
                    position=position,
                ),
            )
        whole = "title" in item  # the portal ignored "fl"
        name = item.get("name") or item["id"]
        return RemoteRecord(
            identifier=item["id"],
            content=item if whole else None,
            uri=f"{base}/dataset/{item['id']}",
            landing_page=f"{base}/dataset/{name}",
            modified=item.get("metadata_modified"),
            source_url=f"{base}/dataset/{name}",
        )

    def fetch_content(self, source, config, client, harvest_object, extras) -> dict[str, Any]:
        url = api_url(source.url, "package_show")
        result = _result(client.get_json(url, {"id": harvest_object.guid}), url)
        if not isinstance(result, dict) or result.get("id") != harvest_object.guid:
            raise InvalidDocument(
                N_("%(url)s did not answer with the dataset %(id)s."),
                url=url,
                id=harvest_object.guid,
            )
        return result

    def to_package(
        self, content: dict[str, Any], source, config: SourceConfig
    ) -> tuple[dict[str, Any], PlaceHints]:
        organization = content.get("organization") or {}
        tags = [
            tag.get("name") if isinstance(tag, dict) else tag for tag in content.get("tags") or []
        ]
        publisher = mapping.first_text(organization.get("title"), organization.get("name"))
        package = {
            "title": mapping.first_text(content.get("title"), content.get("name")),
            "name": content.get("name"),
            "notes": content.get("notes") or "",
            "tags": tags,
            "license_id": mapping.license_id(
                content.get("license_id"), content.get("license_title"), content.get("license_url")
            ),
            "resources": self._resources(content),
            **mapping.parties(publisher, *_contact(content)),
            **_descriptions(content),
        }
        hints = PlaceHints(
            spatial=_coverage(content),
            publishers=[name for name in (publisher, organization.get("name")) if name],
            keywords=[tag for tag in tags if isinstance(tag, str)],
            title=content.get("title") or "",
            extents=_extents(content),
        )
        return package, hints

    @classmethod
    def _resources(cls, content: dict[str, Any]) -> list[dict[str, Any]]:
        """The resources that have a URL."""
        return [
            cls._resource(resource)
            for resource in content.get("resources") or []
            if isinstance(resource, dict) and resource.get("url")
        ]

    @staticmethod
    def _resource(resource: dict[str, Any]) -> dict[str, Any]:
        fields = {
            "url": resource["url"],
            "name": resource.get("name") or "",
            "description": resource.get("description") or "",
            "format": mapping.resource_format(resource.get("format") or resource.get("mimetype")),
            "issued": _first_date(resource.get("issued"), resource.get("created")),
            "modified": _first_date(
                resource.get("modified"),
                resource.get("last_modified"),
                resource.get("metadata_modified"),
            ),
        }
        return {key: value for key, value in fields.items() if value is not None}


def _descriptions(content: dict[str, Any]) -> dict[str, Any]:
    """Dates, languages, update frequency, temporal coverage, reference
    systems, access rights, lineage, creators and HVD categories, from the
    DCAT fields of the portal's schema, else its extras (ckanext-dcat's
    legacy ``dcat_*`` ones, ckanext-spatial's ISO ones), else CKAN's own
    record dates."""
    extras = _extras(content)

    def value(*keys: str) -> Any:
        return next(
            (content.get(k) or extras.get(k) for k in keys if content.get(k) or extras.get(k)), None
        )

    iso = _iso_dates(extras.get("dataset-reference-date"))
    fields: dict[str, Any] = {
        "issued": _first_date(
            value("issued", "dcat_issued"),
            iso.get("publication"),
            iso.get("creation"),
            content.get("metadata_created"),
        ),
        "modified": _first_date(
            value("modified", "dcat_modified"),
            iso.get("revision"),
            iso.get("publication"),
            content.get("metadata_modified"),
        ),
        "created": _first_date(value("created"), iso.get("creation")),
        "thumbnail": mapping.first_text(value("thumbnail", "graphic-preview-file")),
        "language": mapping.languages(value("language", "metadata-language")),
        # EU, Dublin Core, ISO 19115 (ckanext-spatial's extra) or ISO 8601 frequencies
        "frequency": mapping.frequency(value("frequency", "frequency-of-update")),
        "temporal_coverage": _temporal(content, extras),
        "conforms_to": [
            iri
            for iri in (
                csw.reference_system(str(item))
                for item in as_list(value("conforms_to", "spatial-reference-system"))
            )
            if iri
        ],
        "access_rights": mapping.translated_text(value("access_rights")),
        "provenance": mapping.translated_text(value("provenance")),
        "hvd_category": [str(item) for item in as_list(value("hvd_category")) if item],
        "creator": _creators(content, extras),
    }
    return {key: item for key, item in fields.items() if item}


def _first_date(*values: Any) -> str | None:
    """The first value that is a date (:func:`mapping.date`)."""
    return next((found for value in values if (found := mapping.date(value))), None)


def _iso_dates(value: Any) -> dict[str, str]:
    """ckanext-spatial's ``dataset-reference-date`` extra (the ISO record's
    dates, a JSON list of ``{type, value}``, HTML-escaped by some portals):
    ``{"publication": ..., "revision": ..., "creation": ...}``."""
    if not isinstance(value, str):
        return {}
    dates: dict[str, str] = {}
    for item in as_list(html.unescape(value)):
        if isinstance(item, dict) and isinstance(item.get("type"), str):
            dates.setdefault(item["type"], str(item.get("value") or ""))
    return dates


def _temporal(content: dict[str, Any], extras: dict[str, Any]) -> list[dict[str, str]]:
    """The scheming ``temporal_coverage``, else ckanext-dcat's
    ``temporal_start``/``temporal_end``, else ckanext-spatial's
    ``temporal_coverage-from``/``-to`` (JSON lists)."""
    periods = [
        {key: item[key] for key in ("start", "end") if isinstance(item.get(key), str) and item[key]}
        for item in as_list(content.get("temporal_coverage"))
        if isinstance(item, dict)
    ]
    periods = [period for period in periods if period]
    if periods:
        return periods
    for start_key, end_key in (
        ("temporal_start", "temporal_end"),
        ("temporal_coverage-from", "temporal_coverage-to"),
    ):
        start = next(iter(as_list(content.get(start_key) or extras.get(start_key))), None)
        end = next(iter(as_list(content.get(end_key) or extras.get(end_key))), None)
        found = mapping.temporal(start, end)
        if found:
            return found
    return []


def _creators(content: dict[str, Any], extras: dict[str, Any]) -> list[dict[str, str]]:
    """The scheming ``creator`` agents, else the ``dcat_creator_*`` or
    ``creator_*`` extras."""
    agents = [
        {key: value for key, value in item.items() if isinstance(value, str) and value}
        for item in as_list(content.get("creator"))
        if isinstance(item, dict)
    ]
    agents = [agent for agent in agents if agent.get("name") or agent.get("email")]
    if agents:
        return agents
    for prefix in ("dcat_creator_", "creator_"):
        name, email = extras.get(prefix + "name"), extras.get(prefix + "email")
        if name or email:
            return [{key: v for key, v in (("name", name), ("email", email)) if v}]
    return []


def _contact(content: dict[str, Any]) -> tuple[str | None, str | None]:
    """Name and email of the contact: the maintainer's, else the author's."""
    return (
        mapping.first_text(content.get("maintainer"), content.get("author")),
        mapping.first_text(content.get("maintainer_email"), content.get("author_email")),
    )


#: Fields and extras where portals put a place as text (JSON ones are
#: geometries, not places).
SPATIAL_KEYS = ("spatial_uri", "spatial_text", "spatial-text", "spatial_coverage")


def _extras(content: dict[str, Any]) -> dict[str, Any]:
    return {
        str(extra.get("key")): extra.get("value")
        for extra in content.get("extras") or []
        if isinstance(extra, dict)
    }


def _extents(content: dict[str, Any]) -> list[Any]:
    """Geometries: ckanext-dcat's spatial coverage, ckanext-spatial's extras."""
    extras = {**_extras(content), **{key: content[key] for key in ("spatial",) if key in content}}
    return mapping.spatial_coverage_extents(
        content.get("spatial_coverage")
    ) + mapping.extras_extents(extras)


def _coverage(content: dict[str, Any]) -> list[str]:
    """The places the portal gives: this extension's coverage, ckanext-dcat's
    spatial coverage, then the spatial fields and extras."""
    extras = _extras(content)
    spatial = list(mapping.as_list(content.get("territoires_coverage")))
    spatial += mapping.spatial_coverage_values(content.get("spatial_coverage"))
    for key in SPATIAL_KEYS:
        value = content.get(key) or extras.get(key)
        if isinstance(value, str) and value and not value.lstrip().startswith(("[", "{")):
            spatial.append(value)
    return [str(value) for value in spatial]
