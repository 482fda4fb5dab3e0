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

import re
from collections.abc import Iterator
from typing import Any, ClassVar, cast
from urllib.parse import urlencode

from lxml import etree

from ckanext.territoires.geography.extents import ExtentError, read_extent

from .. import mapping, safexml, themes
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
    "gml": "http://www.opengis.net/gml",
    "gml32": "http://www.opengis.net/gml/3.2",
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
        **_contacts(record, identification),
        "date_stamp": _first(record, "gmd:dateStamp"),
        **constraints(identification),
        **details(record, identification),
        "resources": resources,
        "bbox": bboxes[0] if bboxes else {},
        "bboxes": bboxes,
    }


def _contacts(record, identification) -> dict[str, list]:
    """Organisations and e-mails of the contacts (the record's and the
    resource's), and the resource's responsible parties with their role."""
    citation = "gmd:citation/gmd:CI_Citation"
    organisations, emails = [], []
    for party in record.xpath(
        "gmd:contact/gmd:CI_ResponsibleParty|gmd:identificationInfo/*/"
        "gmd:pointOfContact/gmd:CI_ResponsibleParty",
        namespaces=NS,
    ):
        organisations += _texts(party, "gmd:organisationName")
        emails += _texts(party, ".//gmd:electronicMailAddress")
    parties = [
        {
            "role": (_codes(party, "gmd:role/gmd:CI_RoleCode") or [""])[0],
            "name": _first(party, "gmd:organisationName")
            or _first(party, "gmd:individualName")
            or "",
            "email": _first(party, ".//gmd:electronicMailAddress") or "",
        }
        for party in identification.xpath(
            "gmd:pointOfContact/gmd:CI_ResponsibleParty|"
            f"{citation}/gmd:citedResponsibleParty/gmd:CI_ResponsibleParty",
            namespaces=NS,
        )
    ]
    return {
        "organisations": list(dict.fromkeys(organisations)),
        "emails": list(dict.fromkeys(emails)),
        "parties": [party for party in parties if party["name"] or party["email"]],
    }


EPSG = "http://www.opengis.net/def/crs/EPSG/0/"


def _codes(node, path: str) -> list[str]:
    """``codeListValue`` (else the text) of the code elements at ``path``."""
    values = []
    for element in node.xpath(path, namespaces=NS):
        value = (element.get("codeListValue") or element.text or "").strip()
        if value:
            values.append(value)
    return values


def details(record, identification) -> dict[str, Any]:
    """Dates, update frequency, temporal extents, languages, reference
    systems, topic categories, INSPIRE themes, lineage, thumbnails and
    distribution formats of a record."""
    dates: dict[str, str] = {}
    for date in identification.xpath("gmd:citation/*/gmd:date/gmd:CI_Date", namespaces=NS):
        kinds = _codes(date, "gmd:dateType/gmd:CI_DateTypeCode")
        value = _first(date, "gmd:date")
        if kinds and value:
            dates.setdefault(kinds[0], value)
    inspire = []
    for group in identification.xpath("gmd:descriptiveKeywords/gmd:MD_Keywords", namespaces=NS):
        thesaurus = " ".join(_texts(group, "gmd:thesaurusName/*/gmd:title"))
        if "inspire" in thesaurus.lower():
            inspire += _texts(group, "gmd:keyword") + _anchors(group, "gmd:keyword")
    return {
        "dates": dates,
        "frequencies": _codes(
            identification,
            "gmd:resourceMaintenance/*/gmd:maintenanceAndUpdateFrequency/"
            "gmd:MD_MaintenanceFrequencyCode",
        ),
        "temporal": _temporal(identification),
        "languages": _codes(identification, "gmd:language/gmd:LanguageCode")
        or _texts(identification, "gmd:language"),
        "reference_systems": _anchors(
            record, "gmd:referenceSystemInfo/*/gmd:referenceSystemIdentifier/*/gmd:code"
        )
        + _texts(record, "gmd:referenceSystemInfo/*/gmd:referenceSystemIdentifier/*/gmd:code"),
        "topics": [
            value.strip()
            for value in identification.xpath(
                "gmd:topicCategory/gmd:MD_TopicCategoryCode/text()", namespaces=NS
            )
            if str(value).strip()
        ],
        "inspire_themes": list(dict.fromkeys(inspire)),
        "lineage": _first(record, "gmd:dataQualityInfo/*/gmd:lineage/*/gmd:statement") or "",
        "thumbnails": _texts(identification, "gmd:graphicOverview/*/gmd:fileName"),
        "formats": list(
            dict.fromkeys(_texts(record, "gmd:distributionInfo//gmd:distributionFormat/*/gmd:name"))
        ),
    }


def _temporal(identification) -> list[dict[str, str]]:
    """``{"start", "end"}`` of each gml:TimePeriod (or TimeInstant) of the extents."""
    periods = []
    for extent in identification.xpath(".//gmd:temporalElement/*/gmd:extent/*", namespaces=NS):
        start = extent.xpath(
            "string(gml:beginPosition|gml32:beginPosition|gml:begin//gml:timePosition|"
            "gml32:begin//gml32:timePosition|gml:timePosition|gml32:timePosition)",
            namespaces=NS,
        ).strip()
        end = extent.xpath(
            "string(gml:endPosition|gml32:endPosition|gml:end//gml:timePosition|"
            "gml32:end//gml32:timePosition)",
            namespaces=NS,
        ).strip()
        if start or end:
            periods.append({"start": start, "end": end})
    return periods


#: An ISO otherConstraints text about access, not use (INSPIRE's "no
#: limitations on public access", the articles of the law restricting it).
_ACCESS_TEXT = re.compile(
    r"acc[eè]s|access|L\.?\s?124|article\s+13|restriction|nolimitations|"
    r"limitationsonpublicaccess|INSPIRE",
    re.I,
)


def _anchors(node, path: str) -> list[str]:
    """``xlink:href`` of the gmx:Anchor children found at ``path``."""
    return [
        str(href).strip()
        for href in node.xpath(f"{path}/gmx:Anchor/@xlink:href", namespaces=NS)
        if str(href).strip()
    ]


def constraints(identification) -> dict[str, list[str]]:
    """The resource constraints told apart: ``access`` (access constraints:
    the access rights) and, for the licence, ``licence_texts`` (other
    constraints of use) then ``licence_candidates`` (anchors' URIs, those
    texts, the use limitations), in the record's order."""
    access: list[str] = []
    use_texts: list[str] = []
    anchors: list[str] = []
    limitations: list[str] = []
    for block in identification.xpath("gmd:resourceConstraints/*", namespaces=NS):
        access_codes = block.xpath("gmd:accessConstraints", namespaces=NS)
        use_codes = block.xpath("gmd:useConstraints", namespaces=NS)
        access_only = bool(access_codes) and not use_codes
        for text_value, href in _other_constraints(block):
            if access_only or _ACCESS_TEXT.search(f"{text_value} {href}"):
                access.append(text_value)
            else:
                use_texts.append(text_value)
                anchors += [href] if href else []
        limitations += _texts(block, "gmd:useLimitation")
        anchors += _anchors(block, "gmd:useLimitation")
    return {
        "access": list(dict.fromkeys(access)),
        "licence_texts": list(dict.fromkeys(use_texts)),
        "licence_candidates": list(dict.fromkeys(anchors + use_texts + limitations)),
    }


def _other_constraints(block) -> list[tuple[str, str]]:
    """``(text, anchor URI)`` of each gmd:otherConstraints of a block."""
    found = []
    for element in block.xpath("gmd:otherConstraints/*", namespaces=NS):
        value = " ".join((element.text or "").split())
        href = str(element.get("{http://www.w3.org/1999/xlink}href") or "").strip()
        if value or href:
            found.append((value or href, href))
    return found


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
        landing = catalogue_page(content)
        return RemoteRecord(
            identifier=content["identifier"],
            content=content,
            uri=url,
            landing_page=landing,
            modified=content["date_stamp"],
            source_url=landing or url,
        )

    def to_package(
        self, content: dict[str, Any], source, config: SourceConfig
    ) -> tuple[dict[str, Any], PlaceHints]:
        package: dict[str, Any] = {
            "title": content.get("title"),
            "notes": content.get("abstract") or "",
            "tags": content.get("keywords") or [],
            **_licence_and_access(content),
            "resources": [
                _resource(resource, content.get("formats") or [])
                for resource in content.get("resources") or []
            ],
            **_parties(content),
            "url": catalogue_page(content),
            **_dates(content),
            **_descriptions(content),
        }
        bboxes = content.get("bboxes") or [content.get("bbox") or {}]
        valid = [bbox for bbox in bboxes if is_box(bbox)]
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


def _resource(resource: dict[str, Any], formats: list[str]) -> dict[str, Any]:
    name = resource.get("name") or resource["url"].rsplit("/", 1)[-1]
    return {
        "url": resource["url"],
        "name": name,
        "description": resource.get("description") or "",
        **mapping.protocol_resource(resource["url"], name, resource.get("protocol") or "", formats),
    }


def catalogue_page(content: dict[str, Any]) -> str | None:
    """The record's page in its catalogue, among its online resources (it
    names the record's identifier): the dataset's landing page, rather than
    a service or a file."""
    identifier = content.get("identifier") or ""
    for resource in content.get("resources") or []:
        url = resource.get("url") or ""
        if identifier and identifier in url and mapping.is_catalogue_page(url):
            return url
    return None


def _dates(content: dict[str, Any]) -> dict[str, Any]:
    """issued: the publication (else creation) date; modified: the revision
    (else issued); created: the creation date; the temporal extents."""
    dates = content.get("dates") or {}
    issued = dates.get("publication") or dates.get("creation")
    fields: dict[str, Any] = {
        "issued": issued,
        "modified": dates.get("revision") or issued,
        "created": dates.get("creation"),
    }
    temporal = [
        {key: value for key, value in period.items() if value}
        for period in content.get("temporal") or []
    ]
    if temporal:
        fields["temporal_coverage"] = temporal
    return {key: value for key, value in fields.items() if value}


def _descriptions(content: dict[str, Any]) -> dict[str, Any]:
    """Update frequency, languages, reference systems, lineage, thumbnail
    (the first graphic overview that is a web address), themes."""
    fields: dict[str, Any] = {}
    for code in content.get("frequencies") or []:
        found = mapping.frequency(code)
        if found:
            fields["frequency"] = found
            break
    languages = mapping.languages(content.get("languages") or [])
    if languages:
        fields["language"] = languages
    systems = [reference_system(code) for code in content.get("reference_systems") or []]
    if any(systems):
        fields["conforms_to"] = list(dict.fromkeys(iri for iri in systems if iri))
    if content.get("lineage"):
        fields["provenance"] = content["lineage"]
    if thumbnail(content):
        fields["thumbnail"] = thumbnail(content)
    found_themes = themes.themes_of(
        content.get("inspire_themes") or [], content.get("topics") or []
    )
    if found_themes:
        fields["theme"] = found_themes
    return fields


def thumbnail(content: dict[str, Any]) -> str | None:
    """The record's first graphic overview that is a web address."""
    return next(
        (url for url in content.get("thumbnails") or [] if url.startswith(("http://", "https://"))),
        None,
    )


def reference_system(code: str) -> str | None:
    """The IRI of a reference system (EPSG codes written as numbers,
    ``EPSG:2154`` or IRIs); None for a code that names no IRI."""
    text = code.strip()
    if text.startswith(("http://", "https://")):
        return text
    match = re.fullmatch(r"(?:urn:ogc:def:crs:)?(?:EPSG:+)?(?:[\d.]*:)?(\d{4,6})", text, re.I)
    return EPSG + match.group(1) if match else None


def _licence_and_access(content: dict[str, Any]) -> dict[str, str]:
    """The licence from the use constraints (recognised in the register, else
    the first text of use kept as the source writes it), the access
    constraints as the access rights."""
    fields = {}
    licence = mapping.recognised_license_id(*content.get("licence_candidates") or ())
    licence = licence or mapping.first_text(*content.get("licence_texts") or ())
    if licence:
        fields["license_id"] = licence
    if content.get("access"):
        fields["access_rights"] = "; ".join(content["access"])
    return fields


#: ISO 19115 CI_RoleCode values of the resource's creators and rights holders.
CREATOR_ROLES = ("originator", "author")
RIGHTS_HOLDER_ROLES = ("owner", "rightsHolder")


def parties_in(content: dict[str, Any], roles: tuple[str, ...]) -> list[dict[str, str]]:
    """The resource's responsible parties of ``roles`` (name, email), once each."""
    found: dict[tuple[str, str], dict[str, str]] = {}
    for party in content.get("parties") or []:
        if party.get("role") in roles:
            item = {key: party[key] for key in ("name", "email") if party.get(key)}
            found.setdefault((item.get("name", ""), item.get("email", "")), item)
    return list(found.values())


def _parties(content: dict[str, Any]) -> dict[str, list[dict[str, str]]]:
    """The first organisation as publisher; the first email as contact, under
    that organisation's name; originators and authors as creators, owners
    and rights holders as rights holders."""
    organisations = content.get("organisations") or []
    fields = {}
    for key, roles in (("creator", CREATOR_ROLES), ("rights_holder", RIGHTS_HOLDER_ROLES)):
        found = parties_in(content, roles)
        if found:
            fields[key] = found
    if organisations:
        fields["publisher"] = [{"name": organisations[0]}]
    if content.get("emails"):
        fields["contact"] = [
            {"name": organisations[0] if organisations else "", "email": content["emails"][0]}
        ]
    return fields


def is_box(bbox: dict[str, str]) -> bool:
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
