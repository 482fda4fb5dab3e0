"""Source kind: an OpenDataSoft portal, through the Explore API v2.1.

Listing: ``/api/explore/v2.1/catalog/datasets`` pages (``limit``/``offset``,
ordered by ``dataset_id``); the API serves at most 10,000 datasets that
way, so a larger catalogue is read from ``catalog/exports/json`` in one
document (within the size cap). Each record is whole: no fetch stage.

Identity: ``dataset_uid`` (stable when a dataset is renamed), else
``dataset_id``. Coverage hints: ``territory`` labels and
``geographic_reference`` codes (``fr_40_<INSEE>``) of the default metas,
the DCAT ``spatial`` meta, the publisher. Resources: the CSV, JSON and,
for geographic datasets, GeoJSON exports, plus the attachments.

Source URL: the portal's root (``https://data.example.fr``). Options:
``where`` (an ODSQL filter on the catalogue, e.g. ``publisher="Ville de
Bron"``), ``lang``, plus the common ones.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar
from urllib.parse import quote

from .. import mapping
from ..base import TerritoiresHarvester, page_limit_problem
from ..http import HarvestClient, InvalidDocument
from ..messages import N_, Message
from ..records import ItemError, RemoteRecord
from ..source_config import SourceConfig, Validator, text
from ..territorialise import PlaceHints

API = "/api/explore/v2.1/catalog"
DEFAULT_LIMIT = 100  # the API's maximum page size
OFFSET_LIMIT = 10000  # offset + limit must stay below


def _lang(value: Any) -> str:
    value = text(value)
    if len(value) != 2 or not value.isalpha():
        raise ValueError("must be a two-letter language code")
    return value.lower()


class OdsHarvester(TerritoiresHarvester):
    harvester_type = "territoires_ods"
    portal_root = True
    title = N_("OpenDataSoft portal")
    description = N_(
        "The catalogue of an OpenDataSoft portal through its Explore API v2.1. "
        "URL: the portal's root."
    )
    kind_options: ClassVar[dict[str, Validator]] = {"where": text, "lang": _lang}

    def _params(self, config: SourceConfig) -> dict[str, Any]:
        params: dict[str, Any] = {}
        if config.get("where"):
            params["where"] = config.get("where")
        if config.get("lang"):
            params["lang"] = config.get("lang")
        return params

    def records(
        self, source, config: SourceConfig, client: HarvestClient
    ) -> Iterator[RemoteRecord | ItemError]:
        root = source.url.rstrip("/")
        url = root + API + "/datasets"
        limit = min(config.get("page_size", DEFAULT_LIMIT), DEFAULT_LIMIT)
        offset = 0
        pages = 0
        while True:
            pages += 1
            if pages > config.max_pages:
                raise page_limit_problem(url, config.max_pages)
            page = client.get_json(
                url,
                {
                    **self._params(config),
                    "limit": limit,
                    "offset": offset,
                    "order_by": "dataset_id",
                },
            )
            if not isinstance(page, dict) or not isinstance(page.get("results"), list):
                raise InvalidDocument(
                    N_("%(url)s is not an answer of the OpenDataSoft Explore API v2.1."), url=url
                )
            total = page.get("total_count")
            if isinstance(total, int) and total > OFFSET_LIMIT:
                yield from self._export(root, config, client)
                return
            for position, item in enumerate(page["results"], offset + 1):
                yield self._record(item, root, position)
            offset += len(page["results"])
            if not page["results"] or not isinstance(total, int) or offset >= total:
                return

    def _export(self, root: str, config: SourceConfig, client: HarvestClient):
        url = root + API + "/exports/json"
        items = client.get_json(url, self._params(config))
        if not isinstance(items, list):
            raise InvalidDocument(
                N_("%(url)s is not an export of the OpenDataSoft catalogue."), url=url
            )
        for position, item in enumerate(items, 1):
            yield self._record(item, root, position)

    def _record(self, item: Any, root: str, position: int) -> RemoteRecord | ItemError:
        if not isinstance(item, dict) or not isinstance(item.get("dataset_id"), str):
            return ItemError(
                f"#{position}",
                Message(
                    N_("Item %(position)s of the catalogue is not a dataset with a dataset_id."),
                    position=position,
                ),
            )
        dataset_id = item["dataset_id"]
        landing = f"{root}/explore/dataset/{quote(dataset_id)}/"
        default = (item.get("metas") or {}).get("default") or {}
        return RemoteRecord(
            identifier=item.get("dataset_uid") or dataset_id,
            content={"root": root, "dataset": item},
            uri=f"{root}{API}/datasets/{quote(dataset_id)}",
            landing_page=landing,
            modified=default.get("modified"),
            source_url=landing,
        )

    def to_package(
        self, content: dict[str, Any], source, config: SourceConfig
    ) -> tuple[dict[str, Any], PlaceHints]:
        root = content["root"]
        dataset = content["dataset"]
        dataset_id = dataset["dataset_id"]
        metas = dataset.get("metas") or {}
        default = metas.get("default") or {}
        dcat = metas.get("dcat") or {}
        keywords = mapping.texts(default.get("keyword"))
        package: dict[str, Any] = {
            "title": mapping.first_text(default.get("title"), dataset_id),
            "name": dataset_id,
            "notes": mapping.text_from_html(default.get("description") or ""),
            "tags": keywords,
            "license_id": mapping.license_id(default.get("license"), default.get("license_url")),
            "resources": self._resources(root, dataset),
        }
        themes = mapping.texts(default.get("theme"))
        if themes:
            package["theme"] = themes
        package.update(_descriptions(default, dcat))
        publisher = mapping.first_text(default.get("publisher"))
        package.update(
            mapping.parties(
                publisher,
                mapping.first_text(dcat.get("contact_name")),
                mapping.first_text(dcat.get("contact_email")),
            )
        )
        hints = PlaceHints(
            spatial=_coverage(default, dcat),
            publishers=[publisher] if publisher else [],
            keywords=keywords,
            title=package["title"] or "",
        )
        return package, hints

    @staticmethod
    def _resources(root: str, dataset: dict[str, Any]) -> list[dict[str, Any]]:
        base = f"{root}{API}/datasets/{quote(dataset['dataset_id'])}"
        resources = []
        if dataset.get("has_records", True):
            exports = [("csv", "CSV"), ("json", "JSON")]
            if "geo" in (dataset.get("features") or []):
                exports.append(("geojson", "GeoJSON"))
            # the exports are the data as last processed
            processed = ((dataset.get("metas") or {}).get("default") or {}).get("data_processed")
            for extension, fmt in exports:
                resources.append(
                    {
                        "url": f"{base}/exports/{extension}",
                        "format": fmt,
                        "name": f"Export {fmt}",
                        "description": "",
                        **(
                            {"modified": mapping.date(processed)} if mapping.date(processed) else {}
                        ),
                    }
                )
        for attachment in dataset.get("attachments") or []:
            if isinstance(attachment, dict) and attachment.get("id"):
                resources.append(
                    {
                        "url": f"{base}/attachments/{quote(attachment['id'])}",
                        "name": attachment.get("title") or attachment["id"],
                        "format": mapping.resource_format(attachment.get("mimetype")),
                        "description": "",
                    }
                )
        return resources


def _descriptions(default: dict[str, Any], dcat: dict[str, Any]) -> dict[str, Any]:
    """Dates, language, update frequency, temporal coverage, creator and
    reference systems of the default and DCAT metadata templates: issued
    and created are DCAT's, modified the default template's (else DCAT's)."""
    fields: dict[str, Any] = {
        "issued": mapping.date(dcat.get("issued")),
        "created": mapping.date(dcat.get("created")),
        "modified": mapping.date(default.get("modified")) or mapping.date(dcat.get("modified")),
        "language": mapping.languages(default.get("language")),
        "frequency": mapping.frequency(dcat.get("accrualperiodicity")),
        "temporal_coverage": mapping.temporal(
            dcat.get("temporal_coverage_start"), dcat.get("temporal_coverage_end")
        ),
        "conforms_to": [
            value for value in mapping.texts(dcat.get("conforms_to")) if value.startswith("http")
        ],
        "access_rights": mapping.first_text(dcat.get("accessRights"), dcat.get("access_rights")),
    }
    creator = mapping.first_text(dcat.get("creator"))
    if creator:
        fields["creator"] = [{"name": creator}]
    return {key: value for key, value in fields.items() if value}


def _coverage(default: dict[str, Any], dcat: dict[str, Any]) -> list[str]:
    """The places of the metadata: geographic references, territories not
    already among them, then DCAT's spatial."""
    references = mapping.texts(default.get("geographic_reference"))
    territories = [
        value for value in mapping.texts(default.get("territory")) if value not in references
    ]
    return references + territories + mapping.texts(dcat.get("spatial"))
