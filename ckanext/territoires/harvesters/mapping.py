"""Value cleaning shared by the source kinds: tags, licences, text, formats."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from typing import Any

from ckanext.territoires import licences
from ckanext.territoires.tags import clean_tag

_BLOCK_TAGS = re.compile(r"<\s*(br|/p|/div|/li|/h[1-6]|/tr)\b[^>]*>", re.I)
_LIST_ITEM = re.compile(r"<\s*li\b[^>]*>", re.I)
_TAGS = re.compile(r"<[^>]+>")
_BLANK_LINES = re.compile(r"\n\s*\n\s*\n+")


def recognised_license_id(*candidates: Any) -> str | None:
    """The licence register's id of the first candidate (title, id or URL)
    recognised (:func:`ckanext.territoires.licences.recognise`, as for
    datasets created by the API), or None."""
    for candidate in candidates:
        found = licences.recognise(candidate)
        if found:
            return found
    return None


def license_id(*candidates: Any) -> str | None:
    """:func:`recognised_license_id`, else the first candidate as the source
    names it."""
    found = recognised_license_id(*candidates)
    if found:
        return found
    for candidate in candidates:
        if isinstance(candidate, str) and candidate.strip():
            return candidate.strip()[:100]  # kept as the source names it
    return None


def original_keywords(values: Iterable[Any]) -> list[str]:
    """The keywords whose tag is not what the source wrote (too long,
    characters CKAN refuses): kept as written, once each."""
    found: dict[str, None] = {}
    for value in values or ():
        if isinstance(value, str) and value.strip() and clean_tag(value) != value.strip():
            found[value.strip()] = None
    return list(found)


def tags(values: Iterable[Any]) -> list[dict[str, str]]:
    """Distinct valid tags, in order; a keyword is one tag (never split at
    its commas: "Culture, Société, Service" is one keyword)."""
    seen: dict[str, None] = {}
    for value in values or ():
        tag = clean_tag(value)
        if tag and tag.lower() not in {existing.lower() for existing in seen}:
            seen[tag] = None
    return [{"name": tag} for tag in seen]


def text_from_html(value: Any) -> str:
    """Readable text (markdown-safe) from the HTML some portals use for descriptions."""
    if not isinstance(value, str):
        return ""
    if "<" not in value:
        return html.unescape(value).strip()
    text = _LIST_ITEM.sub("\n- ", value)
    text = _BLOCK_TAGS.sub("\n", text)
    text = html.unescape(_TAGS.sub("", text))
    text = "\n".join(line.strip() for line in text.replace("\r", "").split("\n"))
    return _BLANK_LINES.sub("\n\n", text).strip()


def as_list(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def texts(value: Any) -> list[str]:
    """The strings of a value or of a list of values (anything else left out)."""
    return [item for item in as_list(value) if isinstance(item, str)]


def spatial_coverage_values(items: Any) -> list[str]:
    """URIs and labels of ckanext-dcat's ``spatial_coverage`` items."""
    return [
        value
        for item in as_list(items)
        if isinstance(item, dict)
        for value in (item.get("uri"), item.get("text"))
        if value
    ]


def spatial_coverage_extents(items: Any) -> list[Any]:
    """Geometries of ckanext-dcat's ``spatial_coverage`` items: ``geom`` and
    ``bbox``, or their ``centroid`` when none has a shape."""
    items = [item for item in as_list(items) if isinstance(item, dict)]
    shapes = [item[key] for item in items for key in ("geom", "bbox") if item.get(key)]
    return shapes or [item["centroid"] for item in items if item.get("centroid")]


#: ckanext-spatial's ISO harvesters' bounding box extras.
BBOX_EXTRAS = ("bbox-west-long", "bbox-south-lat", "bbox-east-long", "bbox-north-lat")


def extras_extents(extras: dict[str, Any]) -> list[Any]:
    """Geometries in CKAN extras: ckanext-spatial's ``spatial`` (GeoJSON)
    and the four ``bbox-*`` extras of its ISO harvesters."""
    found: list[Any] = []
    spatial = extras.get("spatial")
    if isinstance(spatial, str) and spatial.lstrip().startswith("{"):
        found.append(spatial)
    if all(extras.get(key) not in (None, "") for key in BBOX_EXTRAS):
        found.append({key: extras[key] for key in BBOX_EXTRAS})
    return found


def parties(
    publisher: str | None, contact_name: str | None, contact_email: str | None
) -> dict[str, list[dict[str, str]]]:
    """The ``publisher`` and ``contact`` fields of a dataset, each left out
    when the source names nobody."""
    fields: dict[str, list[dict[str, str]]] = {}
    if publisher:
        fields["publisher"] = [{"name": publisher}]
    if contact_name or contact_email:
        fields["contact"] = [{"name": contact_name or "", "email": contact_email or ""}]
    return fields


def translated_text(value: Any) -> str | None:
    """A text, or the French (else English, else first) text of a
    multilingual field (``{"en": ..., "fr": ...}``)."""
    if isinstance(value, dict):
        value = first_text(value.get("fr"), value.get("en"), *value.values())
    return first_text(value)


def first_text(*values: Any) -> str | None:
    for value in values:
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def resource_format(value: Any) -> str:
    """ "text/csv" -> "CSV", "application/vnd.geo+json" -> "GEOJSON"."""
    if not isinstance(value, str) or not value.strip():
        return ""
    value = value.strip()
    lowered = value.lower().split(";")[0]
    known = {
        "text/csv": "CSV",
        "application/json": "JSON",
        "application/geo+json": "GeoJSON",
        "application/vnd.geo+json": "GeoJSON",
        "application/pdf": "PDF",
        "application/zip": "ZIP",
        "application/vnd.ms-excel": "XLS",
        "application/xml": "XML",
        "text/xml": "XML",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "XLSX",
        "application/vnd.google-earth.kml+xml": "KML",
        "text/html": "HTML",
        "application/x-shapefile": "SHP",
        "application/rdf+xml": "RDF",
        "text/turtle": "TTL",
    }
    if lowered in known:
        return known[lowered]
    if "/" in lowered:  # a media type or a URI of a format register
        return value.rstrip("/").rsplit("/", 1)[-1].upper()[:50]
    return value.upper()[:50] if len(value) <= 10 else value[:50]


#: ISO 639-2/B codes (ISO 19139 records, ckanext-spatial) -> the EU's (639-2/T).
LANGUAGES_639_2B = {"fre": "FRA", "ger": "DEU", "dut": "NLD", "cze": "CES", "gre": "ELL"}


def language(code: Any) -> str | None:
    """A language as the portal writes it (``fre``, ``fr``, ``FRA``, the
    EU or the Library of Congress IRI -> ``fr``; a language without a short code, its EU IRI); None
    for a value that names no language."""
    from ckanext.territoires import vocabularies

    if not isinstance(code, str) or not code.strip():
        return None
    text = code.strip()
    loc = re.match(r"^https?://id\.loc\.gov/vocabulary/iso639-[12]/([a-z]{2,3})$", text)
    text = loc.group(1) if loc else text  # the Library of Congress's IRIs (DCAT-US)
    iri = vocabularies.language_uri(LANGUAGES_639_2B.get(text.lower(), text))
    if not iri:
        return None
    return vocabularies.SHORT_LANGUAGES.get(iri.rsplit("/", 1)[-1], iri)


def languages(values: Any) -> list[str]:
    """:func:`language` of each value (a list, its JSON text, or codes
    separated by commas), once each."""
    from ckanext.territoires.values import as_list

    found: list[str] = []
    for value in as_list(values, split=lambda text: text.split(",")):
        code = language(value)
        if code and code not in found:
            found.append(code)
    return found


_ISO_DATE = re.compile(
    r"^\d{4}(-\d{2}(-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?)?)?$"
)
_DAY_FIRST = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})(?:\s*-\s*(\d{1,2}):(\d{2}))?")


def date(value: Any) -> str | None:
    """An ISO 8601 date or date-time as the source gives it (a space before
    the time becomes a ``T``), or a DKAN date ("mar, 10/12/2019 - 09:23",
    day first) in ISO 8601; None for anything else (never a wrong date)."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if _ISO_DATE.match(text):
        return text.replace(" ", "T", 1)
    found = _DAY_FIRST.search(text)
    if found:
        day, month, year, hour, minute = found.groups()
        if 1 <= int(month) <= 12 and 1 <= int(day) <= 31:
            iso = f"{year}-{int(month):02d}-{int(day):02d}"
            return f"{iso}T{int(hour):02d}:{minute}" if hour else iso
    return None


def temporal(start: Any, end: Any) -> list[dict[str, str]]:
    """The ``temporal_coverage`` of a period (either end may be missing)."""
    period = {
        key: found for key, value in (("start", start), ("end", end)) if (found := date(value))
    }
    return [period] if period else []


def frequency(value: Any) -> str | None:
    """The EU frequency IRI of a source's update frequency, or None when the
    portal's vocabulary does not know it (the field is then left out rather
    than refusing the whole dataset)."""
    from ckanext.territoires import vocabularies

    return vocabularies.frequency_uri(value) if isinstance(value, str) else None


# --- GeoNetwork protocols and service endpoints ------------------------------

#: Services: a marker of the protocol (or of the URL's SERVICE= parameter)
#: -> (format, standard the endpoint conforms to).
SERVICES = (
    ("WMTS", "WMTS", "http://www.opengeospatial.org/standards/wmts"),
    ("WMS", "WMS", "http://www.opengeospatial.org/standards/wms"),
    ("WFS", "WFS", "http://www.opengeospatial.org/standards/wfs"),
    ("WCS", "WCS", "http://www.opengeospatial.org/standards/wcs"),
    ("SOS", "SOS", "http://www.opengeospatial.org/standards/sos"),
    ("CSW", "CSW", "http://www.opengeospatial.org/standards/cat"),
    ("OGC-API-FEATURES", "OGC API Features", "http://www.opengis.net/doc/IS/ogcapi-features-1/1.0"),
    ("OGCAPI", "OGC API Features", "http://www.opengis.net/doc/IS/ogcapi-features-1/1.0"),
    ("ESRI:", "ESRI REST", ""),
    ("ARCGIS", "ESRI REST", ""),
    ("ATOM", "ATOM", "https://www.ietf.org/rfc/rfc4287.txt"),
)
_EXTENSIONS = (
    ".zip",
    ".csv",
    ".geojson",
    ".json",
    ".pdf",
    ".xlsx",
    ".xls",
    ".ods",
    ".shp",
    ".kml",
    ".kmz",
    ".gpkg",
    ".gml",
    ".xml",
    ".html",
    ".htm",
    ".tif",
    ".png",
    ".jpg",
)
_SERVICE_PARAMETER = re.compile(r"[?&]service=([a-z]+)", re.I)


def service_of(protocol: str, url: str) -> tuple[str, str] | None:
    """``(format, standard)`` when a protocol string (GeoNetwork's
    ``OGC:WMS``, ``OGC:WFS-1.0.0-http-get-capabilities``, ``ESRI:REST``,
    ``ATOM``...) or, without protocol, the URL's ``SERVICE=`` parameter names
    a service endpoint; None for a file or a page."""
    marker = (protocol or "").upper()
    if not marker or marker.startswith(("WWW:", "FILE", "DOWNLOAD", "LINK", "HTTP")):
        found = _SERVICE_PARAMETER.search(url or "")
        if not found or marker.startswith("WWW:DOWNLOAD"):
            return None
        marker = found.group(1).upper()
    for key, fmt, standard in SERVICES:
        if key in marker:
            return fmt, standard
    return None


def protocol_resource(
    url: str, name: str, protocol: str, formats: Iterable[str] = ()
) -> dict[str, Any]:
    """Format, media type and service description of an online resource
    described by a protocol string: a service endpoint is typed as such
    (``access_services``), a download gets the format of its file name
    else of the record's distribution formats, a link a web page's."""
    service = service_of(protocol, url)
    fields: dict[str, Any] = {}
    if service is not None:
        fmt, standard = service
        fields["format"] = fmt
        endpoint: dict[str, Any] = {"title": name or fmt, "endpoint_url": [url]}
        if standard:
            endpoint["conforms_to"] = [standard]
        fields["access_services"] = [endpoint]
        return fields
    lowered = (url or "").lower()
    if "request=getrecordbyid" in lowered:
        return {"format": "XML", "mimetype": "application/xml"}  # the record's XML
    if is_catalogue_page(url):
        return {"format": "HTML", "mimetype": "text/html"}
    fmt = file_format(url, protocol, formats)
    fields["format"] = "HTML" if fmt == "HTM" else fmt
    media_type = _media_type(fields["format"])
    if media_type:
        fields["mimetype"] = media_type
    return fields


def file_format(url: str, protocol: str, formats: Iterable[str] = ()) -> str:
    """The format of a file or page: its name's extension; else, for a
    download, the record's first distribution format; for a link or a
    page's anchor, HTML; else what the protocol names."""
    path = (url or "").lower().split("?")[0].split("#")[0]
    fmt = next((ext[1:].upper() for ext in _EXTENSIONS if path.endswith(ext)), "")
    marker = (protocol or "").upper()
    if not fmt and marker.startswith("WWW:DOWNLOAD"):
        fmt = next((value for value in formats if value), "")
    if not fmt and (marker.startswith("WWW:LINK") or "#" in (url or "")):
        fmt = "HTML"
    if not fmt and protocol and not marker.startswith("WWW:"):
        fmt = protocol
    return resource_format(fmt) if fmt else ""


def _media_type(fmt: str) -> str | None:
    from ckanext.territoires import vocabularies

    found = vocabularies.file_type(fmt) if fmt else None
    return found.media_type if found is not None else None


_CATALOGUE_PAGE = re.compile(r"catalog\.search|#/metadata/|/api/records/[^/?]+/?$|/dataset/", re.I)


def is_catalogue_page(url: str | None) -> bool:
    """Whether a URL is a catalogue's page of a record (GeoNetwork's
    ``catalog.search#/metadata/<id>``, ``/api/records/<id>``, a portal's
    ``/dataset/<name>``), not a file nor a service."""
    return bool(url) and bool(_CATALOGUE_PAGE.search(url or "")) and not service_of("", url or "")
