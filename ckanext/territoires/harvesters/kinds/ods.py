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
Bron"``), ``lang``, ``api`` (``v1``: the older API's search,
``/api/datasets/1.0/search/``, for a portal that serves no v2.1; also
used when the v2.1 listing answers 404), plus the common ones. API v1
records (``datasetid``, flat ``metas``, ``interop_metas``) are read as
v2.1 ones; their exports and attachments keep the v1 addresses.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar
from urllib.parse import quote

from .. import mapping
from ..base import TerritoiresHarvester, page_limit_problem
from ..http import FetchError, HarvestClient, InvalidDocument
from ..messages import N_, Message
from ..records import ItemError, RemoteRecord
from ..source_config import SourceConfig, Validator, text
from ..territorialise import PlaceHints

API = "/api/explore/v2.1/catalog"
API_V1 = "/api/datasets/1.0"
DEFAULT_LIMIT = 100  # the API's maximum page size
OFFSET_LIMIT = 10000  # offset + limit must stay below


def _api(value: Any) -> str:
    value = text(value).lower()
    if value not in ("v1", "v2.1"):
        raise ValueError("must be v1 or v2.1")
    return value


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
    kind_options: ClassVar[dict[str, Validator]] = {"where": text, "lang": _lang, "api": _api}

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
        if config.get("api") == "v1":
            yield from self._records_v1(root, config, client)
            return
        url = root + API + "/datasets"
        limit = min(config.get("page_size", DEFAULT_LIMIT), DEFAULT_LIMIT)
        offset = 0
        pages = 0
        while True:
            pages += 1
            if pages > config.max_pages:
                raise page_limit_problem(url, config.max_pages)
            params = {**self._params(config), "limit": limit, "offset": offset}
            try:
                page = client.get_json(url, {**params, "order_by": "dataset_id"})
            except FetchError as error:
                if offset == 0 and error.status == 404:
                    # a portal of the older API only
                    yield from self._records_v1(root, config, client)
                    return
                raise
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

    def _records_v1(
        self, root: str, config: SourceConfig, client: HarvestClient
    ) -> Iterator[RemoteRecord | ItemError]:
        """The catalogue through API v1's search (``rows``/``start``)."""
        url = root + API_V1 + "/search/"
        rows = min(config.get("page_size", DEFAULT_LIMIT), DEFAULT_LIMIT)
        start = 0
        for pages in range(1, config.max_pages + 2):
            if pages > config.max_pages:
                raise page_limit_problem(url, config.max_pages)
            params = {"rows": rows, "start": start, "sort": "datasetid"}
            if config.get("lang"):
                params["lang"] = config.get("lang")
            if config.get("where"):
                params["q"] = config.get("where")
            page = client.get_json(url, params)
            if not isinstance(page, dict) or not isinstance(page.get("datasets"), list):
                raise InvalidDocument(
                    N_("%(url)s is not an answer of the OpenDataSoft API v1."), url=url
                )
            for position, item in enumerate(page["datasets"], start + 1):
                yield self._record(from_api_v1(item), root, position)
            start += len(page["datasets"])
            total = page.get("nhits")
            if not page["datasets"] or not isinstance(total, int) or start >= total:
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
        inspire = metas.get("inspire") or {}
        publisher = mapping.first_text(default.get("publisher"))
        package.update(
            mapping.parties(
                publisher,
                mapping.first_text(
                    dcat.get("contact_name"), inspire.get("contact_individual_name")
                ),
                mapping.first_text(dcat.get("contact_email"), inspire.get("contact_email")),
            )
        )
        box = _inspire_box(inspire)
        if box:
            package["spatial_coverage"] = [{"bbox": box}]
        hints = PlaceHints(
            spatial=_coverage(default, dcat),
            publishers=[publisher] if publisher else [],
            keywords=keywords,
            title=package["title"] or "",
        )
        return package, hints

    @staticmethod
    def _resources(root: str, dataset: dict[str, Any]) -> list[dict[str, Any]]:
        dataset_id = quote(dataset["dataset_id"])
        v1 = dataset.get(API_V1_MARK)
        base = f"{root}{API_V1}/{dataset_id}" if v1 else f"{root}{API}/datasets/{dataset_id}"
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
                        "url": (
                            f"{root}/explore/dataset/{dataset_id}/download/?format={extension}"
                            if v1
                            else f"{base}/exports/{extension}"
                        ),
                        "format": fmt,
                        "name": f"Export {fmt}",
                        "description": "",
                        **(
                            {"modified": mapping.date(processed)} if mapping.date(processed) else {}
                        ),
                    }
                )
        files = [("attachments", item) for item in dataset.get("attachments") or []]
        files += [
            ("alternative_exports", item) for item in dataset.get("alternative_exports") or []
        ]
        for kind, item in files:
            if isinstance(item, dict) and item.get("id"):
                resources.append(
                    {
                        "url": f"{base}/{kind}/{quote(item['id'])}" + ("/" if v1 else ""),
                        "name": item.get("title") or item["id"],
                        "format": mapping.resource_format(item.get("mimetype")),
                        "description": mapping.first_text(item.get("description")) or "",
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


#: Marks a record read through API v1 (its files keep the v1 addresses).
API_V1_MARK = "territoires_api_v1"


def from_api_v1(item: Any) -> Any:
    """An API v1 dataset (``datasetid``, flat ``metas``, ``interop_metas``)
    in the v2.1 shape the kind maps (``dataset_id``, ``metas.default``)."""
    if not isinstance(item, dict) or not isinstance(item.get("datasetid"), str):
        return item
    interop = item.get("interop_metas") or {}
    return {
        "dataset_id": item["datasetid"],
        "dataset_uid": item.get("dataset_uid"),
        "metas": {
            "default": item.get("metas") or {},
            **{name: value for name, value in interop.items() if isinstance(value, dict)},
        },
        "has_records": item.get("has_records", True),
        "features": item.get("features") or [],
        "attachments": item.get("attachments") or [],
        "alternative_exports": item.get("alternative_exports") or [],
        "fields": item.get("fields") or [],
        API_V1_MARK: True,
    }


def _inspire_box(inspire: dict[str, Any]) -> str | None:
    """The GeoJSON polygon of the INSPIRE metas' bounding box, if whole and sound."""
    sides: dict[str, float] = {}
    for side, axis in (
        ("west", "longitude"),
        ("east", "longitude"),
        ("south", "latitude"),
        ("north", "latitude"),
    ):
        try:
            sides[side[0]] = float(inspire[f"extend_bounding_box_{side}bound_{axis}"])
        except (KeyError, TypeError, ValueError):
            return None
    if not (-180 <= sides["w"] <= sides["e"] <= 180 and -90 <= sides["s"] <= sides["n"] <= 90):
        return None
    return (
        '{"type": "Polygon", "coordinates": [[[%(w)s, %(s)s], [%(e)s, %(s)s], '
        "[%(e)s, %(n)s], [%(w)s, %(n)s], [%(w)s, %(s)s]]]}" % sides
    )
