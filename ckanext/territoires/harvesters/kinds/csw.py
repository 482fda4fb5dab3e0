"""Source kind: a CSW catalogue serving ISO 19139 records (GeoNetwork).

Listing: ``GetRecords`` (CSW 2.0.2, KVP GET, ``outputSchema`` gmd, full
element set), paged with ``startPosition`` / ``nextRecord`` (loop
detection, page limit); an ``ows:ExceptionReport`` stops the harvest.
Responses go through :mod:`.safexml`. Each ``gmd:MD_Metadata`` is turned
into a plain dict (title, abstract, keywords, places, contacts, dates,
online resources, constraints) kept as the record; a record that cannot
be read is reported and the others go on.

Identity: ``gmd:fileIdentifier``. Coverage hints: geographic identifiers
(``EX_GeographicDescription`` codes) and "place" keywords, then the
organisations of the points of contact. Source URL: the CSW endpoint
(``https://example.fr/geonetwork/srv/fre/csw``). Option: ``cql`` (a
CQL_TEXT constraint), plus the common ones.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar, cast
from urllib.parse import urlencode

from lxml import etree

from ckanext.territoires.geography.extents import ExtentError, read_extent

from .. import mapping, safexml
from ..base import TerritoiresHarvester, page_limit_problem, page_loop_problem
from ..http import HarvestClient, InvalidDocument
from ..messages import N_, HarvestProblem, Message
from ..records import ItemError, RemoteRecord
from ..source_config import SourceConfig, Validator, text
from ..territorialise import PlaceHints

NS = {
    "csw": "http://www.opengis.net/cat/csw/2.0.2",
    "gmd": "http://www.isotc211.org/2005/gmd",
    "gco": "http://www.isotc211.org/2005/gco",
    "gmx": "http://www.isotc211.org/2005/gmx",
    "srv": "http://www.isotc211.org/2005/srv",
    "ows": "http://www.opengis.net/ows",
    "xlink": "http://www.w3.org/1999/xlink",
}
GMD = "http://www.isotc211.org/2005/gmd"
DEFAULT_PAGE_SIZE = 50


def _texts(node, path: str) -> list[str]:
    """Text of gco:CharacterString / gmx:Anchor children found at ``path``."""
    values = []
    for element in node.xpath(path, namespaces=NS):
        for text_node in element.xpath(
            "gco:CharacterString|gmx:Anchor|gco:Date|gco:DateTime", namespaces=NS
        ):
            value = " ".join((text_node.text or "").split())
            if value:
                values.append(value)
    return values


def _first(node, path: str) -> str | None:
    values = _texts(node, path)
    return values[0] if values else None


def parse_record(record) -> dict[str, Any]:
    """An ISO 19139 ``gmd:MD_Metadata`` element -> a plain dict."""
    identification = (record.xpath("gmd:identificationInfo/*", namespaces=NS) or [None])[0]
    if identification is None:
        raise ValueError("no gmd:identificationInfo")
    citation = "gmd:citation/gmd:CI_Citation"
    keywords: list[str] = []
    places: list[str] = []
    for group in identification.xpath("gmd:descriptiveKeywords/gmd:MD_Keywords", namespaces=NS):
        kind = group.xpath("gmd:type/gmd:MD_KeywordTypeCode/@codeListValue", namespaces=NS)
        values = _texts(group, "gmd:keyword")
        (places if kind and kind[0] == "place" else keywords).extend(values)
    codes = _texts(
        identification,
        ".//gmd:geographicElement/gmd:EX_GeographicDescription/gmd:geographicIdentifier/*/gmd:code",
    )
    organisations, emails = [], []
    for party in record.xpath(
        "gmd:contact/gmd:CI_ResponsibleParty|gmd:identificationInfo/*/"
        "gmd:pointOfContact/gmd:CI_ResponsibleParty",
        namespaces=NS,
    ):
        organisations += _texts(party, "gmd:organisationName")
        emails += _texts(party, ".//gmd:electronicMailAddress")
    resources = []
    for online in record.xpath(".//gmd:distributionInfo//gmd:CI_OnlineResource", namespaces=NS):
        url = (online.xpath("gmd:linkage/gmd:URL/text()", namespaces=NS) or [""])[0].strip()
        if url:
            resources.append(
                {
                    "url": url,
                    "name": _first(online, "gmd:name") or "",
                    "description": _first(online, "gmd:description") or "",
                    "protocol": _first(online, "gmd:protocol") or "",
                }
            )
    bboxes = [
        _bbox(element)
        for element in identification.xpath(".//gmd:EX_GeographicBoundingBox", namespaces=NS)
    ]
    bboxes = [bbox for bbox in bboxes if bbox]
    return {
        "identifier": _first(record, "gmd:fileIdentifier"),
        "title": _first(identification, f"{citation}/gmd:title"),
        "abstract": _first(identification, "gmd:abstract") or "",
        "keywords": keywords,
        "places": places,
        "geographic_codes": codes,
        "organisations": list(dict.fromkeys(organisations)),
        "emails": list(dict.fromkeys(emails)),
        "date_stamp": _first(record, "gmd:dateStamp"),
        "constraints": _texts(identification, "gmd:resourceConstraints/*/gmd:otherConstraints")
        + _texts(identification, "gmd:resourceConstraints/*/gmd:useLimitation"),
        "resources": resources,
        "bbox": bboxes[0] if bboxes else {},
        "bboxes": bboxes,
    }


BBOX_SIDES = (
    "westBoundLongitude",
    "eastBoundLongitude",
    "southBoundLatitude",
    "northBoundLatitude",
)


def _bbox(element) -> dict[str, str]:
    """The four sides of one ``gmd:EX_GeographicBoundingBox``."""
    bbox = {}
    for side in BBOX_SIDES:
        value = element.xpath(f"gmd:{side}/gco:Decimal/text()", namespaces=NS)
        if value:
            bbox[side] = value[0].strip()
    return bbox


class CswHarvester(TerritoiresHarvester):
    harvester_type = "territoires_csw"
    title = N_("CSW catalogue (ISO 19139)")
    description = N_(
        "ISO 19139 metadata records of a CSW 2.0.2 catalogue such as GeoNetwork. "
        "URL: the CSW endpoint."
    )
    kind_options: ClassVar[dict[str, Validator]] = {"cql": text}

    def _params(self, config: SourceConfig, start: int) -> dict[str, Any]:
        params = {
            "service": "CSW",
            "version": "2.0.2",
            "request": "GetRecords",
            "typeNames": "gmd:MD_Metadata",
            "namespace": f"xmlns(gmd={GMD})",
            "resultType": "results",
            "elementSetName": "full",
            "outputSchema": GMD,
            "startPosition": start,
            "maxRecords": config.get("page_size", DEFAULT_PAGE_SIZE),
        }
        if config.get("cql"):
            params.update(
                {
                    "constraintLanguage": "CQL_TEXT",
                    "constraint_language_version": "1.1.0",
                    "constraint": config.get("cql"),
                }
            )
        return params

    def record_url(self, endpoint: str, identifier: str) -> str:
        return (
            endpoint
            + ("&" if "?" in endpoint else "?")
            + urlencode(
                {
                    "service": "CSW",
                    "version": "2.0.2",
                    "request": "GetRecordById",
                    "id": identifier,
                    "outputSchema": GMD,
                    "elementSetName": "full",
                }
            )
        )

    def records(
        self, source, config: SourceConfig, client: HarvestClient
    ) -> Iterator[RemoteRecord | ItemError]:
        endpoint = source.url.strip()
        start = 1
        starts: set[int] = set()
        pages = 0
        while True:
            if start in starts:
                raise page_loop_problem(f"{endpoint} (startPosition={start})")
            starts.add(start)
            pages += 1
            if pages > config.max_pages:
                raise page_limit_problem(endpoint, config.max_pages)
            fetched = client.get(endpoint, self._params(config, start), accept="application/xml")
            root = safexml.parse(fetched.content, fetched.url)
            if etree.QName(root).localname == "ExceptionReport":
                # text() selects strings (the stubs type every XPath result alike)
                texts = cast("list[str]", root.xpath(".//ows:ExceptionText/text()", namespaces=NS))
                raise HarvestProblem(
                    N_("%(url)s reports an error: %(error)s"),
                    url=endpoint,
                    error=" ".join(texts)[:300] or "ExceptionReport",
                )
            results = root.find("csw:SearchResults", NS)
            if results is None:
                raise InvalidDocument(
                    N_("%(url)s is not a CSW GetRecords response."), url=fetched.url
                )
            records = results.findall("gmd:MD_Metadata", NS)
            for position, record in enumerate(records, start):
                yield self._record(record, endpoint, position)
            matched = _int(results.get("numberOfRecordsMatched"))
            following = _int(results.get("nextRecord"))
            if not records or not following or (matched is not None and following > matched):
                return
            start = following

    def _record(self, record, endpoint: str, position: int) -> RemoteRecord | ItemError:
        try:
            content = parse_record(record)
        except (ValueError, etree.XPathError) as error:
            return ItemError(
                f"{endpoint}#{position}",
                Message(
                    N_("Record %(position)s cannot be read as ISO 19139: %(error)s"),
                    position=position,
                    error=str(error),
                ),
            )
        if not content["identifier"]:
            return ItemError(
                f"{endpoint}#{position}",
                Message(
                    N_('Record %(position)s ("%(title)s") has no fileIdentifier: skipped.'),
                    position=position,
                    title=content.get("title") or "?",
                ),
            )
        url = self.record_url(endpoint, content["identifier"])
        return RemoteRecord(
            identifier=content["identifier"],
            content=content,
            uri=url,
            landing_page=None,
            modified=content["date_stamp"],
            source_url=url,
        )

    def to_package(
        self, content: dict[str, Any], source, config: SourceConfig
    ) -> tuple[dict[str, Any], PlaceHints]:
        package: dict[str, Any] = {
            "title": content.get("title"),
            "notes": content.get("abstract") or "",
            "tags": content.get("keywords") or [],
            "license_id": mapping.license_id(*(content.get("constraints") or [])),
            "resources": [_resource(resource) for resource in content.get("resources") or []],
            **_parties(content),
        }
        bboxes = content.get("bboxes") or [content.get("bbox") or {}]
        valid = [bbox for bbox in bboxes if _is_box(bbox)]
        if valid:
            package["spatial_coverage"] = [{"bbox": _polygon(bbox)} for bbox in valid]
        hints = PlaceHints(
            spatial=(content.get("geographic_codes") or []) + (content.get("places") or []),
            publishers=content.get("organisations") or [],
            keywords=content.get("keywords") or [],
            title=content.get("title") or "",
            extents=[bbox for bbox in bboxes if bbox],
        )
        return package, hints


def _resource(resource: dict[str, Any]) -> dict[str, Any]:
    return {
        "url": resource["url"],
        "name": resource.get("name") or resource["url"].rsplit("/", 1)[-1],
        "description": resource.get("description") or "",
        "format": _format(resource),
    }


def _parties(content: dict[str, Any]) -> dict[str, list[dict[str, str]]]:
    """The first organisation as publisher; the first email as contact, under
    that organisation's name."""
    organisations = content.get("organisations") or []
    fields = {}
    if organisations:
        fields["publisher"] = [{"name": organisations[0]}]
    if content.get("emails"):
        fields["contact"] = [
            {"name": organisations[0] if organisations else "", "email": content["emails"][0]}
        ]
    return fields


def _is_box(bbox: dict[str, str]) -> bool:
    """Whether the four sides make a box (a swapped west/east is reported by
    the territorialisation, and not kept as the dataset's extent)."""
    if len(bbox) != 4:
        return False
    try:
        read_extent(bbox)
    except ExtentError:
        return False
    return True


def _polygon(bbox: dict[str, str]) -> str:
    """The GeoJSON polygon of an ISO 19139 bounding box."""
    return (
        '{"type": "Polygon", "coordinates": [[[%(w)s, %(s)s], [%(e)s, %(s)s], '
        "[%(e)s, %(n)s], [%(w)s, %(n)s], [%(w)s, %(s)s]]]}"
        % {
            "w": bbox["westBoundLongitude"],
            "e": bbox["eastBoundLongitude"],
            "s": bbox["southBoundLatitude"],
            "n": bbox["northBoundLatitude"],
        }
    )


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _format(resource: dict[str, Any]) -> str:
    protocol = (resource.get("protocol") or "").upper()
    for marker, fmt in (("WMS", "WMS"), ("WFS", "WFS"), ("WMTS", "WMTS"), ("ATOM", "ATOM")):
        if marker in protocol:
            return fmt
    url = resource["url"].lower().split("?")[0]
    for extension in (
        ".zip",
        ".csv",
        ".json",
        ".geojson",
        ".pdf",
        ".xlsx",
        ".xls",
        ".shp",
        ".kml",
        ".xml",
        ".html",
    ):
        if url.endswith(extension):
            return extension[1:].upper()
    return mapping.resource_format(resource.get("protocol") or "")
