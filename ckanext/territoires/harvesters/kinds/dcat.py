"""Source kind: a DCAT catalogue (RDF/XML, Turtle, JSON-LD, N-Triples).

Parsing and mapping are ckanext-dcat's: its ``RDFParser`` and the RDF
profiles configured in ``ckanext.dcat.rdf.profiles`` (DCAT-AP with the
scheming fields of the portal's dataset schema). Around them:

- documents are read by the guarded client and checked before rdflib sees
  them: RDF/XML by :mod:`.safexml` (no external entities, bounded
  expansion); JSON-LD remote ``@context`` documents are fetched by the
  guarded client too (rdflib would fetch them itself, unguarded) and
  inlined;
- Hydra paging (``hydra:next`` / ``hydra:nextPage`` of a
  ``PagedCollection`` or ``PartialCollectionView``) is followed with loop
  detection (a page already read ends the harvest with an error) and a
  page-count limit; a page without datasets ends the listing;
- each dataset is mapped separately, so a malformed one is reported and
  the others go on.

Identity: ``dct:identifier``, else the dataset URI (blank nodes have none:
a blank-node dataset without identifier is reported and skipped).
Source URL: the catalogue (first page). Option: ``format`` (``xml``,
``turtle``, ``json-ld``, ``nt``, ``n3``) when the server's content type
is wrong.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any, ClassVar
from urllib.parse import urljoin, urlsplit

from ckanext.dcat.processors import RDFParser
from ckanext.dcat.profiles.base import DCT, RDFS, SKOS
from geomet import wkt
from rdflib import BNode, Literal, Namespace, URIRef

from .. import mapping, safexml
from ..base import TerritoiresHarvester, page_limit_problem, page_loop_problem
from ..http import Fetched, HarvestClient, InvalidDocument
from ..messages import N_, HarvestProblem, Message
from ..records import ItemError, RemoteRecord
from ..source_config import SourceConfig, Validator
from ..territorialise import PlaceHints

FORMATS = ("xml", "turtle", "json-ld", "nt", "n3")
ACCEPT = (
    "text/turtle, application/rdf+xml;q=0.9, application/ld+json;q=0.8, "
    "application/n-triples;q=0.7, */*;q=0.1"
)
MAX_REMOTE_CONTEXTS = 8
_BY_TYPE = {
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/rdf+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "application/ld+json": "json-ld",
    "application/json": "json-ld",
    "application/n-triples": "nt",
    "text/n3": "n3",
    "text/rdf+n3": "n3",
}
_BY_EXTENSION = {
    ".ttl": "turtle",
    ".rdf": "xml",
    ".xml": "xml",
    ".owl": "xml",
    ".jsonld": "json-ld",
    ".json": "json-ld",
    ".nt": "nt",
    ".n3": "n3",
}


def _format_option(value: Any) -> str:
    if value not in FORMATS:
        raise ValueError("must be one of " + ", ".join(FORMATS))
    return value


def detect_format(fetched: Fetched) -> str:
    if fetched.content_type in _BY_TYPE:
        return _BY_TYPE[fetched.content_type]
    path = urlsplit(fetched.url).path.lower()
    for extension, fmt in _BY_EXTENSION.items():
        if path.endswith(extension):
            return fmt
    start = fetched.content.lstrip()[:1]
    if start == b"<":
        return "xml"
    if start in (b"{", b"["):
        return "json-ld"
    return "turtle"


class _Contexts:
    """Remote JSON-LD contexts, read through the guarded client, once."""

    def __init__(self, client: HarvestClient):
        self.client = client
        self.cache: dict[str, Any] = {}

    def inline(self, node: Any, base: str) -> Any:
        if isinstance(node, list):
            return [self.inline(item, base) for item in node]
        if not isinstance(node, dict):
            return node
        result = {}
        for key, value in node.items():
            if key == "@context":
                result[key] = self._context(value, base)
            else:
                result[key] = self.inline(value, base)
        return result

    def _context(self, value: Any, base: str) -> Any:
        if isinstance(value, list):
            return [self._context(item, base) for item in value]
        if not isinstance(value, str):
            return value
        url = urljoin(base, value)
        if url not in self.cache:
            if len(self.cache) >= MAX_REMOTE_CONTEXTS:
                raise InvalidDocument(N_("%(url)s: too many remote JSON-LD contexts."), url=base)
            document = self.client.get(url, accept="application/ld+json, application/json").json()
            if not isinstance(document, dict) or "@context" not in document:
                raise InvalidDocument(N_("%(url)s is not a JSON-LD context."), url=url)
            context = document["@context"]
            if isinstance(context, (str, list)):
                context = self._context(context, url)
            self.cache[url] = context
        return self.cache[url]


class DcatHarvester(TerritoiresHarvester):
    harvester_type = "territoires_dcat"
    reads_files = True
    title = N_("DCAT catalogue")
    description = N_(
        "A DCAT / DCAT-AP catalogue in RDF/XML, Turtle or JSON-LD, with Hydra "
        "paging. URL: the catalogue (its first page)."
    )
    kind_options: ClassVar[dict[str, Validator]] = {"format": _format_option}

    def _parser(self) -> RDFParser:
        return RDFParser()  # profiles of ckanext.dcat.rdf.profiles

    def parse_page(self, fetched: Fetched, fmt: str, contexts: _Contexts) -> RDFParser:
        parser = self._parser()
        if fmt == "xml":
            safexml.check(fetched.content, fetched.url)
            data: Any = fetched.content
        elif fmt == "json-ld":
            document = contexts.inline(fetched.json(), fetched.url)
            data = json.dumps(document)
        else:
            data = fetched.text()
        try:
            parser.g.parse(data=data, format=fmt, publicID=fetched.url)
        except HarvestProblem:
            raise
        except Exception as error:  # rdflib raises many kinds, all mean "malformed"
            raise InvalidDocument(
                N_("%(url)s is not valid %(format)s: %(error)s"),
                url=fetched.url,
                format=fmt,
                error=str(error)[:300],
            ) from error
        return parser

    def records(
        self, source, config: SourceConfig, client: HarvestClient
    ) -> Iterator[RemoteRecord | ItemError]:
        url: str | None = source.url
        visited: set[str] = set()
        contexts = _Contexts(client)
        pages = 0
        while url:
            if url in visited:
                raise page_loop_problem(url)
            pages += 1
            if pages > config.max_pages:
                raise page_limit_problem(source.url, config.max_pages)
            visited.add(url)
            fetched = client.get(url, accept=ACCEPT)
            parser = self.parse_page(
                fetched, config.get("format") or detect_format(fetched), contexts
            )
            count = 0
            for item in self._page_records(parser, fetched.url):
                count += 1
                yield item
            next_page = parser.next_page()
            url = urljoin(fetched.url, next_page) if next_page and count else None

    def _page_records(self, parser: RDFParser, page_url: str):
        blank_nodes = {str(node) for node in parser.g.all_nodes() if isinstance(node, BNode)}
        for position, dataset_ref in enumerate(parser._datasets(), 1):
            uri = str(dataset_ref) if isinstance(dataset_ref, URIRef) else None
            label = uri or f"{page_url}#{position}"
            try:
                dataset: dict[str, Any] = {}
                for profile_class in parser._profiles:
                    profile = profile_class(
                        parser.g,
                        dataset_type=parser.dataset_type,
                        compatibility_mode=parser.compatibility_mode,
                    )
                    profile.parse_dataset(dataset, dataset_ref)
            except Exception as error:  # one malformed dataset must not stop the others
                yield ItemError(
                    label, Message(N_("Malformed DCAT dataset: %(error)s"), error=repr(error)[:300])
                )
                continue
            # Blank node ids are new at each parse: left in, no record would
            # ever look unchanged.
            dataset = _without_blank_nodes(dataset, blank_nodes)
            identifier = _extra(dataset, "identifier") or uri
            if not identifier:
                yield ItemError(
                    label,
                    Message(
                        N_('The dataset "%(title)s" has neither dct:identifier nor URI: skipped.'),
                        title=dataset.get("title") or "?",
                    ),
                )
                continue
            landing = landing_page(dataset.get("url"), uri)
            content = {
                "uri": uri,
                "dataset": dataset,
                "spatial": _spatial_values(parser.g, dataset_ref),
                "extents": _spatial_geometries(parser.g, dataset_ref),
            }
            yield RemoteRecord(
                identifier=str(identifier),
                content=content,
                uri=uri,
                landing_page=landing,
                modified=_extra(dataset, "modified"),
                source_url=landing or uri or page_url,
            )

    def to_package(
        self, content: dict[str, Any], source, config: SourceConfig
    ) -> tuple[dict[str, Any], PlaceHints]:
        dataset = content["dataset"]
        tags = [tag.get("name") for tag in dataset.get("tags") or [] if isinstance(tag, dict)]
        package: dict[str, Any] = {
            "title": mapping.first_text(dataset.get("title")),
            "notes": mapping.text_from_html(dataset.get("notes") or ""),
            "tags": tags,
            "license_id": mapping.license_id(dataset.get("license_id"), _extra(dataset, "license"))
            # ckanext-dcat only names a distribution's licence whose URL or
            # title is the register's, exactly
            or mapping.recognised_license_id(*_distribution_licences(dataset)),
            "resources": self._resources(dataset),
            **_repeating_fields(dataset),
            "frequency": mapping.frequency(
                dataset.get("frequency") or _extra(dataset, "frequency")
            ),
        }
        package.update(_descriptions(dataset))
        extents = _every_extent(content, package.get("spatial_coverage") or [])
        if extents:
            package["spatial_coverage"] = extents
        themes = _themes(dataset)
        if themes:
            package["theme"] = themes
        hints = PlaceHints(
            spatial=_coverage(content),
            publishers=_publisher_names(dataset),
            keywords=[tag for tag in tags if tag],
            title=package["title"] or "",
            extents=_extents(content),
        )
        return package, hints

    @classmethod
    def _resources(cls, dataset: dict[str, Any]) -> list[dict[str, Any]]:
        """The distributions that have a URL."""
        resources = [
            cls._resource(resource)
            for resource in dataset.get("resources") or []
            if isinstance(resource, dict)
        ]
        return [resource for resource in resources if resource["url"]]

    @staticmethod
    def _resource(resource: dict[str, Any]) -> dict[str, Any]:
        url = (
            mapping.first_text(
                resource.get("download_url"), resource.get("url"), resource.get("access_url")
            )
            or ""
        )
        result: dict[str, Any] = {
            "url": url,
            "name": mapping.first_text(resource.get("name"), url.rsplit("/", 1)[-1]) or "",
            "description": mapping.text_from_html(resource.get("description") or ""),
            "format": mapping.resource_format(resource.get("format") or resource.get("mimetype")),
        }
        for key in ("license", "availability", "issued", "modified", "mimetype"):
            if isinstance(resource.get(key), str) and resource[key]:
                result[key] = resource[key]
        services = _json_list(resource.get("access_services"))
        services = [_service(item) for item in services if isinstance(item, dict)]
        services = [item for item in services if item.get("endpoint_url")]
        if services:
            result["access_services"] = services
        return result


def landing_page(url: Any, uri: str | None) -> str | None:
    """The dataset's page: its ``dcat:landingPage``, unless that is a
    service endpoint (a WFS GetCapabilities seen as GeoNetwork's landing
    page), then its URI when it is a web address."""
    if isinstance(url, str) and url.strip() and mapping.service_of("", url) is None:
        return url.strip()
    if uri and uri.startswith(("http://", "https://")) and mapping.service_of("", uri) is None:
        return uri
    return None


def _json_list(value: Any) -> list:
    """A list, or the list a JSON text holds, or ``[value]``."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return [value] if value.strip() else []
    return mapping.as_list(value)


def _descriptions(dataset: dict[str, Any]) -> dict[str, Any]:
    """Dates, languages, access rights, conformsTo, lineage, thumbnail,
    high-value dataset categories and, in the profile's extras layout, the
    temporal coverage, as the source gives them."""
    fields: dict[str, Any] = {}
    for key in ("issued", "modified", "access_rights", "provenance", "thumbnail"):
        value = _extra(dataset, key)
        if isinstance(value, str) and value.strip():
            fields[key] = value.strip()
    for key in ("language", "conforms_to", "hvd_category"):
        values = [str(item) for item in _json_list(_extra(dataset, key)) if item]
        if values:
            fields[key] = values
    start, end = _extra(dataset, "temporal_start"), _extra(dataset, "temporal_end")
    if (start or end) and not dataset.get("temporal_coverage"):
        fields["temporal_coverage"] = [
            {key: value for key, value in (("start", start), ("end", end)) if value}
        ]
    return fields


def _service(item: dict[str, Any]) -> dict[str, Any]:
    """An access service of a distribution, its text and list fields kept."""
    service: dict[str, Any] = {}
    for key in ("title", "endpoint_description"):
        if isinstance(item.get(key), str) and item[key]:
            service[key] = item[key]
    for key in ("endpoint_url", "conforms_to"):
        values = [str(value) for value in _json_list(item.get(key)) if value]
        if values:
            service[key] = values
    if service.get("endpoint_url") and not service.get("title"):
        service["title"] = service["endpoint_url"][0]
    return service


def _distribution_licences(dataset: dict[str, Any]) -> list[Any]:
    return [
        resource.get("license")
        for resource in dataset.get("resources") or []
        if isinstance(resource, dict)
    ]


#: Fields of the profile made of subfields (scheming repeating subfields).
REPEATING_FIELDS = (
    "contact",
    "publisher",
    "creator",
    "rights_holder",
    "temporal_coverage",
    "spatial_coverage",
)


def _repeating_fields(dataset: dict[str, Any]) -> dict[str, list[dict[str, str]]]:
    """Contacts, publishers, temporal and spatial coverage, their empty or
    non-text subfields left out."""
    fields = {}
    for key in REPEATING_FIELDS:
        value = dataset.get(key)
        if isinstance(value, list) and value:
            fields[key] = [
                {k: v for k, v in item.items() if isinstance(v, str) and v}
                for item in value
                if isinstance(item, dict)
            ]
    return fields


def _themes(dataset: dict[str, Any]) -> list[str]:
    """The themes, given as a list or as its JSON text (one theme otherwise)."""
    themes = dataset.get("theme") or _extra(dataset, "theme")
    if isinstance(themes, str):
        try:
            themes = json.loads(themes)
        except ValueError:
            themes = [themes]
    return [str(theme) for theme in themes] if isinstance(themes, list) else []


def _coverage(content: dict[str, Any]) -> list[str]:
    """Every dct:spatial (the profile keeps only one URI and one label), then
    the profile's spatial fields, without repeats."""
    dataset = content["dataset"]
    spatial = list(content.get("spatial") or [])
    spatial += mapping.spatial_coverage_values(dataset.get("spatial_coverage"))
    for key in ("spatial_uri", "spatial_text"):
        value = dataset.get(key) or _extra(dataset, key)
        if value:
            spatial.append(value)
    return list(dict.fromkeys(str(value) for value in spatial))


def _extents(content: dict[str, Any]) -> list[Any]:
    """Every dct:spatial geometry (the profile keeps one), then the
    profile's; repeats are dropped when they are read."""
    extents = list(content.get("extents") or [])
    return extents or mapping.spatial_coverage_extents(content["dataset"].get("spatial_coverage"))


def _every_extent(content: dict[str, Any], items: list[dict[str, str]]) -> list[dict[str, str]]:
    """The profile's spatial coverage plus every dct:spatial geometry it
    left out (it keeps one; GeoNetwork's ``ogc:asWKT`` none)."""
    known = {" ".join(str(value).split()) for item in items for value in item.values()}
    result = list(items)
    for geometry in content.get("extents") or []:
        text = " ".join(str(geometry).split())
        if text and text not in known:
            known.add(text)
            geojson = _geojson(text)
            if geojson and geojson not in known:
                known.add(geojson)
                result.append({"geom": geojson})
    return result


def _geojson(text: str) -> str | None:
    """GeoJSON of a geometry literal (GeoJSON, or WKT with or without its
    CRS IRI); None when it cannot be read."""
    if text.startswith("{"):
        return text
    text = re.sub(r"^<[^>]*>\s*", "", text)
    text = re.sub(r"^[A-Za-z]+", lambda kind: kind.group(0).upper(), text)  # "Polygon(("
    try:
        return json.dumps(wkt.loads(text))
    except Exception:  # geomet raises several kinds on a malformed literal
        return None


def _publisher_names(dataset: dict[str, Any]) -> list[str]:
    names = [
        item["name"]
        for item in mapping.as_list(dataset.get("publisher"))
        if isinstance(item, dict) and item.get("name")
    ]
    name = _extra(dataset, "publisher_name")
    return [*names, name] if name else names


def _extra(dataset: dict[str, Any], key: str) -> Any:
    if dataset.get(key):
        return dataset[key]
    for extra in dataset.get("extras") or []:
        if isinstance(extra, dict) and extra.get("key") == key:
            return extra.get("value")
    return None


def _without_blank_nodes(value: Any, blank_nodes: set[str]) -> Any:
    """``value`` with every blank node id emptied (JSON texts included)."""
    if isinstance(value, dict):
        return {key: _without_blank_nodes(item, blank_nodes) for key, item in value.items()}
    if isinstance(value, list):
        return [_without_blank_nodes(item, blank_nodes) for item in value]
    if isinstance(value, str):
        if value in blank_nodes:
            return ""
        if value[:1] in "[{":
            try:
                parsed = json.loads(value)
            except ValueError:
                return value
            return json.dumps(_without_blank_nodes(parsed, blank_nodes))
    return value


LOCN = Namespace("http://www.w3.org/ns/locn#")


GSP = Namespace("http://www.opengis.net/ont/geosparql#")
OGC = Namespace("http://www.opengis.net/rdf#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
#: Where DCAT-AP, GeoDCAT-AP and GeoNetwork put a location's geometry.
GEOMETRY_PREDICATES = (
    LOCN.geometry,
    DCAT.bbox,
    GSP.asWKT,
    GSP.asGeoJSON,
    OGC.asWKT,
)


def _spatial_geometries(graph, dataset_ref) -> list[str]:
    """The geometry literals of every dct:spatial (WKT or GeoJSON), or their
    dcat:centroid when none has a shape."""
    shapes: list[str] = []
    centroids: list[str] = []
    for spatial in graph.objects(dataset_ref, DCT.spatial):
        nodes = [spatial, *graph.objects(spatial, GSP.hasGeometry)]
        for node in nodes:
            for predicate in GEOMETRY_PREDICATES:
                shapes += [
                    str(value)
                    for value in graph.objects(node, predicate)
                    if isinstance(value, Literal)
                ]
            centroids += [
                str(value)
                for value in graph.objects(node, DCAT.centroid)
                if isinstance(value, Literal)
            ]
    values = shapes or centroids
    return list(dict.fromkeys(value for value in values if value.strip()))


def _spatial_values(graph, dataset_ref) -> list[str]:
    """Every dct:spatial of a dataset: URIs, literals, labels of locations."""
    values: list[str] = []
    for spatial in graph.objects(dataset_ref, DCT.spatial):
        if isinstance(spatial, (URIRef, Literal)):
            values.append(str(spatial))
        for predicate in (SKOS.prefLabel, RDFS.label, LOCN.geographicName):
            values += [
                str(label)
                for label in graph.objects(spatial, predicate)
                if isinstance(label, Literal)
            ]
    return list(dict.fromkeys(value for value in values if value.strip()))
