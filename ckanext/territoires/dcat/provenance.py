"""Provenance of harvested datasets in DCAT-AP 3, both ways.

A harvested dataset keeps where it came from in the fields the harvesters
write (``ckanext.territoires.harvesters.provenance``):
``territoires_source_url`` (its page at the origin),
``territoires_source_uri`` and ``territoires_source_identifier`` (its
identity there), ``territoires_harvest_source`` (the harvest source's title)
and ``territoires_harvested`` (last harvest, UTC). They may be schema
fields or extras: both are read.

DCAT-AP describes "the original metadata that was used in creating
metadata for the Dataset" with a catalogue record::

    <catalogue> dcat:record <record> .
    <record> a dcat:CatalogRecord ;
        foaf:primaryTopic <dataset> ; dct:modified "..." ;
        dct:source [ a dcat:CatalogRecord ;
                     foaf:primaryTopic <origin URI, else its page> ;  # a dcat:Resource
                     foaf:page <origin page> ;
                     dct:identifier "origin identifier" ;
                     dct:modified "last harvest" ] .
    <dataset> adms:identifier [ a adms:Identifier ; skos:notation "origin identifier" ] ;
        dct:provenance [ a dct:ProvenanceStatement ;
                         rdfs:label "Moissonné depuis « source » le 2026-11-23"@fr ] .

The origin is deliberately not typed ``dcat:Dataset`` (which the SHACL
shapes would demand of a dataset-level ``dct:source``): every DCAT
harvester, data.gouv.fr's included, would import it as one more dataset.
"""

from __future__ import annotations

import json
import re

from ckanext.dcat.profiles import ADMS, DCAT, DCT, FOAF
from ckanext.dcat.utils import catalog_uri
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from ckanext.territoires.translations import N_, in_every_locale

from .iris import valid_iri

SOURCE_URL = "territoires_source_url"
SOURCE_URI = "territoires_source_uri"
SOURCE_IDENTIFIER = "territoires_source_identifier"
SOURCE_TITLE = "territoires_harvest_source"
HARVESTED = "territoires_harvested"


def _alternate_identifiers(profile, dataset_dict) -> list[str]:
    value = profile._get_dataset_value(dataset_dict, "alternate_identifier")
    return [str(item) for item in profile._read_list_value(value)] if value else []


def _value(profile, dataset_dict, key) -> str:
    return str(profile._get_dataset_value(dataset_dict, key) or "").strip()


def _web(value: str) -> bool:
    return value.startswith(("http://", "https://"))


def add_to_graph(profile, dataset_dict, dataset_ref) -> None:
    url = _value(profile, dataset_dict, SOURCE_URL)
    uri = _value(profile, dataset_dict, SOURCE_URI)
    identifier = _value(profile, dataset_dict, SOURCE_IDENTIFIER)
    if not url and not identifier and not uri:
        return
    g = profile.g
    if identifier and identifier not in _alternate_identifiers(profile, dataset_dict):
        node = BNode()
        g.add((dataset_ref, ADMS.identifier, node))
        g.add((node, RDF.type, ADMS.Identifier))
        g.add((node, SKOS.notation, Literal(identifier)))

    record = URIRef(f"{catalog_uri().rstrip('/')}/dataset/{dataset_dict.get('id')}#record")
    g.add((record, RDF.type, DCAT.CatalogRecord))
    g.add((record, FOAF.primaryTopic, dataset_ref))
    # a record's topic is a dcat:Resource; say that datasets are resources
    g.add((DCAT.Dataset, RDFS.subClassOf, DCAT.Resource))
    profile._add_date_triple(record, DCT.modified, dataset_dict.get("metadata_modified"))
    if dataset_dict.get("metadata_created"):
        profile._add_date_triple(record, DCT.issued, dataset_dict["metadata_created"])

    harvested = _value(profile, dataset_dict, HARVESTED)
    _add_origin(profile, record, dataset_dict, dataset_ref, harvested)
    title = _value(profile, dataset_dict, SOURCE_TITLE)
    if title:
        _add_statement(g, dataset_ref, title, harvested)

    catalogues = list(g.subjects(RDF.type, DCAT.Catalog))
    if len(catalogues) == 1:
        g.add((catalogues[0], DCAT.record, record))


def _add_origin(profile, record, dataset_dict, dataset_ref, harvested: str) -> None:
    """The record at the origin, ``dct:source`` of ``record``."""
    g = profile.g
    # a harvested IRI holding spaces must not break the whole export
    url = valid_iri(_value(profile, dataset_dict, SOURCE_URL)) or ""
    uri = valid_iri(_value(profile, dataset_dict, SOURCE_URI)) or ""
    identifier = _value(profile, dataset_dict, SOURCE_IDENTIFIER)
    origin = BNode()
    g.add((record, DCT.source, origin))
    g.add((origin, RDF.type, DCAT.CatalogRecord))
    topic = URIRef(uri) if _web(uri) else URIRef(url) if _web(url) else dataset_ref
    g.add((origin, FOAF.primaryTopic, topic))
    if topic != dataset_ref:
        g.add((topic, RDF.type, DCAT.Resource))
    if _web(url):
        g.add((origin, FOAF.page, URIRef(url)))
        g.add((URIRef(url), RDF.type, FOAF.Document))
    if identifier:
        g.add((origin, DCT.identifier, Literal(identifier)))
    modified = (
        harvested
        or profile._get_dataset_value(dataset_dict, "modified")
        or dataset_dict.get("metadata_modified")
    )
    profile._add_date_triple(origin, DCT.modified, modified)


def _add_statement(g, dataset_ref, title: str, harvested: str) -> None:
    """``dct:provenance``: "harvested from <source> on <day>", in every language."""
    statement = BNode()
    g.add((dataset_ref, DCT.provenance, statement))
    g.add((statement, RDF.type, DCT.ProvenanceStatement))
    template = (
        N_('Harvested from "%(title)s" on %(day)s')
        if harvested
        else N_('Harvested from "%(title)s"')
    )
    values = {"title": title, "day": harvested[:10]}
    for lang, text in in_every_locale(template).items():
        g.add((statement, RDFS.label, Literal(text % values, lang=lang)))


def _harvest_statement_patterns() -> list[re.Pattern]:
    patterns = []
    for template in (
        N_('Harvested from "%(title)s" on %(day)s'),
        N_('Harvested from "%(title)s"'),
    ):
        for text in in_every_locale(template).values():
            pattern = re.escape(text).replace(re.escape("%(title)s"), ".*")
            patterns.append(re.compile(pattern.replace(re.escape("%(day)s"), r"[\d-]+") + "$"))
    return patterns


def is_harvest_statement(g, statement) -> bool:
    """Whether a ``dct:provenance`` statement is the "harvested from" one
    this plugin writes (not the lineage of the data)."""
    patterns = _harvest_statement_patterns()
    labels = [str(label) for label in g.objects(statement, RDFS.label)]
    return bool(labels) and all(any(p.match(label) for p in patterns) for label in labels)


def parse(profile, dataset_dict, dataset_ref) -> None:
    url, uri, identifier = _origin(profile, dataset_ref)
    if url is None:
        # other portals: a dataset-level dct:source
        sources = [
            str(o) for o in profile.g.objects(dataset_ref, DCT.source) if isinstance(o, URIRef)
        ]
        url = sources[0] if sources else None
    if url:
        profile._set_dataset_value(dataset_dict, SOURCE_URL, url)
    if uri:
        profile._set_dataset_value(dataset_dict, SOURCE_URI, uri)
    if identifier:
        profile._set_dataset_value(dataset_dict, SOURCE_IDENTIFIER, identifier)
        _drop_alternate_identifier(dataset_dict, identifier)


def _origin(profile, dataset_ref) -> tuple[str | None, str | None, str | None]:
    """``(page, URI, identifier)`` of the origin of the dataset's catalogue
    record (of the last one read, should there be several)."""
    g = profile.g
    url = uri = identifier = None
    for record in g.subjects(FOAF.primaryTopic, dataset_ref):
        if (record, RDF.type, DCAT.CatalogRecord) not in g:
            continue
        for origin in g.objects(record, DCT.source):
            url, origin_uri, identifier = _read_origin(profile, origin, dataset_ref)
            uri = origin_uri or uri
    return url, uri, identifier


def _read_origin(profile, origin, dataset_ref) -> tuple[str | None, str | None, str | None]:
    """``(page, URI, identifier)`` of one origin record: its topic is its URI
    when it has a page too, else its page."""
    g = profile.g
    topic = g.value(origin, FOAF.primaryTopic)
    page = g.value(origin, FOAF.page)
    url = str(page) if isinstance(page, URIRef) else None
    uri = None
    if isinstance(topic, URIRef) and topic != dataset_ref:
        if url is None:
            url = str(topic)
        elif str(topic) != url:
            uri = str(topic)
    return url, uri, profile._object_value(origin, DCT.identifier) or None


def _drop_alternate_identifier(dataset_dict, identifier: str) -> None:
    """The origin identifier was also written as ``adms:identifier``: it is
    not an alternate identifier of our own."""
    extras = dataset_dict.get("extras") or []
    for extra in extras:
        if extra["key"] == "alternate_identifier":
            values = [v for v in json.loads(extra["value"]) if v != identifier]
            extra["value"] = json.dumps(values)
    dataset_dict["extras"] = [
        e for e in extras if not (e["key"] == "alternate_identifier" and e["value"] == "[]")
    ]
    if isinstance(dataset_dict.get("alternate_identifier"), list):
        dataset_dict["alternate_identifier"] = [
            v for v in dataset_dict["alternate_identifier"] if v != identifier
        ]
