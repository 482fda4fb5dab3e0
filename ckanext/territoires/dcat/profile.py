"""DCAT-AP 3 profile of ckanext-territoires (``territoires_dcat_ap``).

Runs after ckanext-dcat's ``euro_dcat_ap_3`` and adds what a pooled
territorial catalogue needs and what the base profile lacks:

- ``dct:spatial``: the INSEE IRIs of the covered communes (field
  ``territoires_coverage``), plus the EPCI whose members are all covered;
- ``dct:publisher`` of a dataset published by a commune organisation
  (organisation extra ``insee``): SIREN as ``dct:identifier``, publisher
  type "local authority";
- provenance of harvested datasets (see :mod:`.provenance`): a
  ``dcat:CatalogRecord`` whose ``dct:source`` is the record at the origin
  (``foaf:primaryTopic`` the origin's URL, ``dct:identifier`` its
  identifier), and the origin identifier as ``adms:identifier``;
- EU vocabularies where DCAT-AP expects them: themes, frequencies,
  languages, file types, IANA media types, licences on distributions, and
  the classes the DCAT-AP 3 SHACL shapes require on every value;
- the catalogue's publisher (the territory), spatial coverage and theme
  taxonomy.

:meth:`parse_dataset` reads the same properties back, so that a catalogue
exported by one portal running this plugin harvests cleanly into another.
"""

from __future__ import annotations

import json
import logging
import re
from urllib.parse import unquote

import ckan.plugins.toolkit as tk
from ckan import model
from ckanext.dcat.profiles import (
    ADMS,
    DCAT,
    DCATAP,
    DCT,
    FOAF,
    GSP,
    LOCN,
    VCARD,
    CleanedURIRef,
    RDFProfile,
)
from ckanext.dcat.utils import catalog_uri, resource_uri
from geomet import wkt
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from ckanext.territoires import site, territory
from ckanext.territoires import vocabularies as vocab
from ckanext.territoires.communes import membership
from ckanext.territoires.referential import get_referential
from ckanext.territoires.tags import clean_tag
from ckanext.territoires.translations import N_, in_every_locale
from ckanext.territoires.values import as_list

from . import places, provenance, publishers

log = logging.getLogger(__name__)

COVERAGE_FIELD = membership.COVERAGE_FIELD
LOCAL_AUTHORITY = URIRef(vocab.PUBLISHER_TYPE_BASE + "LocalAuthority")
#: Keys of a dataset dict that CKAN itself takes, whatever the schema.
CORE_DATASET_FIELDS = frozenset(
    (
        "id",
        "name",
        "title",
        "notes",
        "url",
        "version",
        "tags",
        "license_id",
        "extras",
        "resources",
        "owner_org",
        "private",
        "state",
        "type",
        "groups",
        "author",
        "author_email",
        "maintainer",
        "maintainer_email",
    )
)


class TerritoiresDCATAPProfile(RDFProfile):
    """Territories, commune publishers and provenance for DCAT-AP 3."""

    # --- catalogue -------------------------------------------------------------

    def graph_from_catalog(self, catalog_dict, catalog_ref):
        g = self.g
        ref = get_referential()
        scope = territory.configured_scope()
        catalog_dict = catalog_dict or {}

        if not catalog_dict.get("title") and site.is_default_title(tk.config.get(site.TITLE)):
            # the portal's catalogue, with CKAN's default title: the territory's
            g.remove((catalog_ref, DCT.title, None))
            for lang, text in in_every_locale(site.TITLES[site.phrasing(scope)]).items():
                g.add(
                    (catalog_ref, DCT.title, Literal(text.format(territory=scope.label), lang=lang))
                )

        publisher = publishers.catalogue_publisher(scope)
        if not any(g.objects(catalog_ref, DCT.publisher)):
            agent = URIRef(publisher.uri) if publisher.uri else BNode()
            g.add((catalog_ref, DCT.publisher, agent))
            self._describe_agent(agent, publisher.name, publisher.identifier)

        for place in catalog_dict.get("places") or places.scope_places(scope, ref):
            self._add_location(catalog_ref, place)

        scheme = URIRef(vocab.THEME_SCHEME)
        g.add((catalog_ref, DCAT.themeTaxonomy, scheme))
        g.add((scheme, RDF.type, SKOS.ConceptScheme))
        for lang, title in in_every_locale(N_("Data theme")).items():
            g.add((scheme, DCT.title, Literal(title, lang=lang)))

        if not any(g.objects(catalog_ref, DCT.description)):
            g.add(
                (
                    catalog_ref,
                    DCT.description,
                    Literal(f"Données ouvertes du territoire : {scope.label}", lang="fr"),
                )
            )

        for homepage in list(g.objects(catalog_ref, FOAF.homepage)):
            g.add((homepage, RDF.type, FOAF.Document))
        self._languages(catalog_ref)

    # --- datasets ----------------------------------------------------------------

    def graph_from_dataset(self, dataset_dict, dataset_ref):
        ref = get_referential()
        for place in places.coverage_places(
            membership.coverage_codes(self._get_dataset_value(dataset_dict, COVERAGE_FIELD)), ref
        ):
            self._add_location(dataset_ref, place)

        self._commune_publisher(dataset_dict, dataset_ref, ref)
        provenance.add_to_graph(self, dataset_dict, dataset_ref)
        self._themes(dataset_dict, dataset_ref)
        self._frequency(dataset_ref)
        self._languages(dataset_ref)
        self._distributions(dataset_dict, dataset_ref)
        self._source_dates(dataset_dict, dataset_ref)
        self._unlisted_licences(dataset_dict, dataset_ref)
        self._rights_holders(dataset_dict, dataset_ref)
        self._agents(dataset_dict, dataset_ref)
        self._geometries(dataset_ref)
        self._thumbnail(dataset_dict, dataset_ref)
        self._hvd_categories(dataset_ref)
        self._original_keywords(dataset_dict, dataset_ref)
        for identifier in list(self.g.objects(dataset_ref, DCT.identifier)):
            if isinstance(identifier, URIRef):  # DCAT-AP: a literal, even a URL
                self.g.remove((dataset_ref, DCT.identifier, identifier))
                self.g.add((dataset_ref, DCT.identifier, Literal(str(identifier))))

    def _add_location(self, subject, place: places.Place) -> None:
        g = self.g
        location = URIRef(place.iri)
        g.add((subject, DCT.spatial, location))
        g.add((location, RDF.type, DCT.Location))
        g.add((location, SKOS.prefLabel, Literal(place.name, lang="fr")))
        g.add((location, DCT.identifier, Literal(place.code)))

    def _describe_agent(
        self, agent, name: str, identifier: str | None = None, local_authority: bool = True
    ) -> None:
        g = self.g
        g.add((agent, RDF.type, FOAF.Agent))
        if name and not any(g.objects(agent, FOAF.name)):
            g.add((agent, FOAF.name, Literal(name)))
        if identifier and not any(g.objects(agent, DCT.identifier)):
            g.add((agent, DCT.identifier, Literal(identifier)))
        if local_authority and not any(g.objects(agent, DCT.type)):
            g.add((agent, DCT.type, LOCAL_AUTHORITY))
            self._concept(LOCAL_AUTHORITY, in_every_locale(N_("Local authority")))

    def _commune_publisher(self, dataset_dict, dataset_ref, ref) -> None:
        """A commune organisation publishes: say so with its SIREN and type.

        An explicit ``publisher`` of the dataset (DCAT field) wins; the base
        profile has then written it.
        """
        explicit = dataset_dict.get("publisher")
        if explicit and any(
            any((item or {}).values()) for item in explicit if isinstance(item, dict)
        ):
            return
        organisation = dataset_dict.get("organization") or {}
        insee = publishers.commune_organisations(self.g).get(organisation.get("id") or "")
        if not insee:
            return
        commune = ref.current_commune(insee)
        if commune is None:
            return
        agents = list(self.g.objects(dataset_ref, DCT.publisher))
        if agents:
            agent = agents[0]
        else:
            agent = URIRef(f"{catalog_uri().rstrip('/')}/organization/{organisation['id']}")
            self.g.add((dataset_ref, DCT.publisher, agent))
        self._describe_agent(agent, organisation.get("title") or commune.name, commune.siren)

    def _concept(self, iri, labels: dict[str, str], scheme: str | None = None) -> None:
        g = self.g
        g.add((iri, RDF.type, SKOS.Concept))
        if not any(g.objects(iri, SKOS.prefLabel)):
            for lang, label in labels.items():
                g.add((iri, SKOS.prefLabel, Literal(label, lang=lang)))
        if scheme:
            g.add((iri, SKOS.inScheme, URIRef(scheme)))

    def _themes(self, dataset_dict, dataset_ref) -> None:
        """EU data themes as IRIs (concepts of the EU scheme); other IRIs
        kept as concepts; free words become keywords (DCAT-AP wants IRIs)."""
        g = self.g
        g.remove((dataset_ref, DCAT.theme, None))
        values = self._get_dataset_value(dataset_dict, "theme") or []
        if isinstance(values, str):
            values = self._read_list_value(values)
        keywords = {str(k) for k in g.objects(dataset_ref, DCAT.keyword)}
        for value in values:
            term = vocab.theme(value)
            if term is not None:
                iri = URIRef(vocab.theme_uri(term))
                g.add((dataset_ref, DCAT.theme, iri))
                self._concept(iri, in_every_locale(term.label), vocab.THEME_SCHEME)
            elif str(value).startswith(("http://", "https://")):
                iri = URIRef(str(value).strip())
                g.add((dataset_ref, DCAT.theme, iri))
                self._concept(iri, {"en": _iri_tail(iri)})
            elif str(value).strip() and str(value).strip() not in keywords:
                g.add((dataset_ref, DCAT.keyword, Literal(str(value).strip())))

    def _frequency(self, dataset_ref) -> None:
        g = self.g
        for value in list(g.objects(dataset_ref, DCT.accrualPeriodicity)):
            g.remove((dataset_ref, DCT.accrualPeriodicity, value))
            iri = vocab.frequency_uri(str(value))
            if iri:
                g.add((dataset_ref, DCT.accrualPeriodicity, URIRef(iri)))
                g.add((URIRef(iri), RDF.type, DCT.Frequency))

    def _languages(self, subject) -> None:
        g = self.g
        for value in list(g.objects(subject, DCT.language)):
            iri = vocab.language_uri(str(value))
            g.remove((subject, DCT.language, value))
            if iri:
                g.add((subject, DCT.language, URIRef(iri)))
                g.add((URIRef(iri), RDF.type, DCT.LinguisticSystem))

    def _distributions(self, dataset_dict, dataset_ref) -> None:
        g = self.g
        licence = _licence(dataset_dict.get("license_id"))
        for resource in dataset_dict.get("resources") or []:
            distribution = CleanedURIRef(resource_uri(resource))
            if (dataset_ref, DCAT.distribution, distribution) not in g:
                continue
            if not any(g.objects(distribution, DCAT.accessURL)):
                # DCAT-AP requires an access URL: the resource's page here
                page = URIRef(
                    f"{catalog_uri().rstrip('/')}/dataset/{dataset_dict.get('id')}"
                    f"/resource/{resource.get('id')}"
                )
                g.add((distribution, DCAT.accessURL, page))
                g.add((page, RDF.type, RDFS.Resource))
            for predicate in (DCAT.accessURL, DCAT.downloadURL):
                for url in g.objects(distribution, predicate):
                    g.add((url, RDF.type, RDFS.Resource))
            if licence and not any(g.objects(distribution, DCT.license)):
                document = URIRef(licence[0])
                g.add((distribution, DCT.license, document))
                g.add((document, RDF.type, DCT.LicenseDocument))
                g.add((document, DCT.title, Literal(licence[1])))
            for document in list(g.objects(distribution, DCT.license)):
                for licence_type in g.objects(document, DCT.type):
                    self._concept(licence_type, {"en": _iri_tail(licence_type)})
            for predicate in (ADMS.status, DCATAP.availability):
                for concept in list(g.objects(distribution, predicate)):
                    if isinstance(concept, URIRef):
                        self._concept(concept, {"en": _iri_tail(concept)})
                    else:
                        g.remove((distribution, predicate, concept))
            self._format(resource, distribution)

    def _source_dates(self, dataset_dict, dataset_ref) -> None:
        """A harvested dataset states the dates of its source: without
        them, the portal's record dates (the harvest's) are not exported as
        the dataset's; ``created`` becomes ``dct:created``."""
        g = self.g
        harvested = bool(self._get_dataset_value(dataset_dict, provenance.HARVESTED))
        for key, predicate in (("issued", DCT.issued), ("modified", DCT.modified)):
            if harvested and not self._get_dataset_value(dataset_dict, key):
                g.remove((dataset_ref, predicate, None))
        created = self._get_dataset_value(dataset_dict, "created")
        if created:
            self._add_date_triple(dataset_ref, DCT.created, created)

    def _unlisted_licences(self, dataset_dict, dataset_ref) -> None:
        """A licence the register does not list, kept as the source wrote
        it, is a ``dct:LicenseDocument`` labelled with that text (an IRI when
        it is one), on every distribution without a licence; a distribution
        licence written as text is made one too (DCAT-AP wants a node)."""
        g = self.g
        licence_id = dataset_dict.get("license_id")
        unlisted = (
            licence_id
            and licence_id != "notspecified"
            and model.Package.get_license_register().get(licence_id) is None
        )
        for distribution in g.objects(dataset_ref, DCAT.distribution):
            for value in list(g.objects(distribution, DCT.license)):
                if isinstance(value, Literal):
                    g.remove((distribution, DCT.license, value))
                    g.add((distribution, DCT.license, _licence_document(g, str(value))))
            if unlisted and not any(g.objects(distribution, DCT.license)):
                g.add((distribution, DCT.license, _licence_document(g, str(licence_id))))
        _as_nodes(g, DCT.conformsTo, DCT.Standard)
        _as_nodes(g, DCAT.endpointDescription, RDFS.Resource)

    def _format(self, resource, distribution) -> None:
        """``dct:format`` as an EU file type, ``dcat:mediaType`` as an IANA IRI."""
        g = self.g
        known = None
        for value in list(g.objects(distribution, DCT["format"])):
            if isinstance(value, Literal) or (
                isinstance(value, URIRef) and not any(g.objects(value, RDF.type))
            ):
                g.remove((distribution, DCT["format"], value))
                known = vocab.file_type(str(value))
                if known is not None:
                    iri = URIRef(vocab.file_type_uri(known))
                    g.add((distribution, DCT["format"], iri))
                    g.add((iri, RDF.type, DCT.MediaTypeOrExtent))
                else:
                    node = BNode()
                    g.add((distribution, DCT["format"], node))
                    g.add((node, RDF.type, DCT.MediaTypeOrExtent))
                    g.add((node, RDFS.label, Literal(str(value))))
        media_types = list(g.objects(distribution, DCAT.mediaType))
        for value in media_types:
            if isinstance(value, Literal):
                g.remove((distribution, DCAT.mediaType, value))
                media_type = vocab.media_type_uri(str(value))
                if media_type:
                    g.add((distribution, DCAT.mediaType, URIRef(media_type)))
                    g.add((URIRef(media_type), RDF.type, DCT.MediaType))
        if not media_types:
            known = known or vocab.file_type(resource.get("format"))
            if known is not None and known.media_type:
                # the file types' media types are IANA's, written as its IRIs are
                iri = URIRef(vocab.IANA_MEDIA_TYPES + known.media_type)
                g.add((distribution, DCAT.mediaType, iri))
                g.add((iri, RDF.type, DCT.MediaType))
            if known is not None and not any(g.objects(distribution, DCT["format"])):
                iri = URIRef(vocab.file_type_uri(known))
                g.add((distribution, DCT["format"], iri))
                g.add((iri, RDF.type, DCT.MediaTypeOrExtent))

    def _agents(self, dataset_dict, dataset_ref) -> None:
        """Agents need a name and SKOS concepts as types; contact points are
        vCard kinds."""
        g = self.g
        self._one_publisher(dataset_dict, dataset_ref)
        for predicate in (DCT.publisher, DCT.creator, DCT.rightsHolder):
            for agent in g.objects(dataset_ref, predicate):
                g.add((agent, RDF.type, FOAF.Agent))
                if not any(g.objects(agent, FOAF.name)):
                    # the source named it not: DCAT-AP wants a name, none is
                    # invented from the IRI's path; the IRI itself stands for it
                    g.add((agent, FOAF.name, Literal(str(agent))))
                for agent_type in list(g.objects(agent, DCT.type)):
                    if isinstance(agent_type, URIRef):
                        self._concept(agent_type, {"en": _iri_tail(agent_type)})
                    else:
                        g.remove((agent, DCT.type, agent_type))
        for contact in g.objects(dataset_ref, DCAT.contactPoint):
            g.add((contact, RDF.type, VCARD.Kind))

    def _one_publisher(self, dataset_dict, dataset_ref) -> None:
        """DCAT-AP allows one ``dct:publisher``: the dataset's first (a
        source may name several; the dataset keeps them all)."""
        g = self.g
        agents = list(g.objects(dataset_ref, DCT.publisher))
        if len(agents) < 2:
            return
        first = next(
            (item for item in as_list(dataset_dict.get("publisher")) if isinstance(item, dict)), {}
        )

        def is_first(agent) -> bool:
            names = {str(name) for name in g.objects(agent, FOAF.name)}
            return str(agent) == first.get("uri") or first.get("name") in names

        kept = next((agent for agent in agents if is_first(agent)), agents[0])
        for agent in agents:
            if agent != kept:
                g.remove((dataset_ref, DCT.publisher, agent))

    def _rights_holders(self, dataset_dict, dataset_ref) -> None:
        """``rights_holder`` -> ``dct:rightsHolder`` agents (name, e-mail...)."""
        for item in as_list(self._get_dataset_value(dataset_dict, "rights_holder")):
            if isinstance(item, dict) and any(item.values()):
                self._add_agent_to_graph(
                    dataset_ref, DCT.rightsHolder, {k: v for k, v in item.items() if v}
                )

    def _thumbnail(self, dataset_dict, dataset_ref) -> None:
        """``thumbnail`` -> ``foaf:depiction`` (a ``foaf:Image``)."""
        url = self._get_dataset_value(dataset_dict, "thumbnail")
        if isinstance(url, str) and url.startswith(("http://", "https://")):
            image = CleanedURIRef(url)
            self.g.add((dataset_ref, FOAF.depiction, image))
            self.g.add((image, RDF.type, FOAF.Image))

    def _hvd_categories(self, dataset_ref) -> None:
        """High-value dataset categories are concepts (IRIs of the EU's HVD
        vocabulary); a text that names none is left out (DCAT-AP wants IRIs)."""
        g = self.g
        for value in list(g.objects(dataset_ref, DCATAP.hvdCategory)):
            if isinstance(value, URIRef):
                self._concept(value, {"en": _iri_tail(value)})
            else:
                g.remove((dataset_ref, DCATAP.hvdCategory, value))

    def _original_keywords(self, dataset_dict, dataset_ref) -> None:
        """A keyword the source wrote that is no valid CKAN tag (too long,
        forbidden characters) is exported as written, in place of its tag."""
        g = self.g
        originals = as_list(self._get_dataset_value(dataset_dict, "original_keywords"))
        for original in originals:
            if not isinstance(original, str) or not original.strip():
                continue
            tag = clean_tag(original)
            if tag:
                g.remove((dataset_ref, DCAT.keyword, Literal(tag)))
            g.add((dataset_ref, DCAT.keyword, Literal(original.strip())))

    def _geometries(self, dataset_ref) -> None:
        """DCAT-AP 3 wants ``locn:geometry`` to be a node: a rectangle becomes
        ``dcat:bbox`` (a literal, which data.gouv.fr reads), any other shape
        a ``locn:Geometry`` carrying the literal as ``gsp:asWKT``/``asGeoJSON``."""
        g = self.g
        for location in g.objects(dataset_ref, DCT.spatial):
            for value in list(g.objects(location, LOCN.geometry)):
                if not isinstance(value, Literal):
                    g.add((value, RDF.type, LOCN.Geometry))
                    continue
                g.remove((location, LOCN.geometry, value))
                if _is_rectangle(value) and not any(g.objects(location, DCAT.bbox)):
                    g.add((location, DCAT.bbox, value))
                    continue
                node = BNode()
                g.add((location, LOCN.geometry, node))
                g.add((node, RDF.type, LOCN.Geometry))
                predicate = GSP.asWKT if value.datatype == GSP.wktLiteral else GSP.asGeoJSON
                g.add((node, predicate, value))

    # --- parsing -------------------------------------------------------------------

    def parse_dataset(self, dataset_dict, dataset_ref):
        if not dataset_dict.get("notes"):
            # GeoNetwork writes the description as dct:abstract
            abstract = self._object_value(dataset_ref, DCT.abstract)
            if abstract:
                dataset_dict["notes"] = abstract
        self._parse_coverage(dataset_dict, dataset_ref)
        self._parse_alternate_identifiers(dataset_dict, dataset_ref)
        provenance.parse(self, dataset_dict, dataset_ref)
        self._parse_frequency(dataset_dict)
        self._parse_formats(dataset_dict)
        self._parse_lineage_thumbnail_rights(dataset_dict, dataset_ref)
        self._keep_unknown_fields(dataset_dict)
        return dataset_dict

    def _parse_lineage_thumbnail_rights(self, dataset_dict, dataset_ref) -> None:
        """``dct:provenance``: the lineage (its label, else its description;
        never the "harvested from" statement of a portal like this one),
        ``foaf:depiction`` and
        ``dct:rightsHolder`` (agents, as publishers are read)."""
        g = self.g
        lineage = ""
        for statement in g.objects(dataset_ref, DCT.provenance):
            if isinstance(statement, Literal):
                lineage = str(statement)
            elif not provenance.is_harvest_statement(g, statement):
                lineage = self._object_value(statement, RDFS.label) or self._object_value(
                    statement, DCT.description
                )
            if lineage:
                break
        # the base profile read one statement, maybe the "harvested from" one
        dataset_dict["extras"] = [
            e for e in dataset_dict.get("extras", []) if e["key"] != "provenance"
        ]
        dataset_dict.pop("provenance", None)
        if lineage:
            dataset_dict["provenance"] = lineage
        for image in g.objects(dataset_ref, FOAF.depiction):
            if isinstance(image, URIRef):
                dataset_dict["thumbnail"] = str(image)
                break
        self._parse_interval(dataset_dict, dataset_ref)
        holders = [
            {key: value for key, value in agent.items() if value}
            for agent in self._agents_details(dataset_ref, DCT.rightsHolder)
        ]
        holders = [holder for holder in holders if holder]
        if holders:
            dataset_dict["rights_holder"] = holders

    def _parse_interval(self, dataset_dict, dataset_ref) -> None:
        """``dct:temporal`` written as an ISO 8601 interval literal
        ("2009-09-01T12:00:00Z/2010-05-31T12:00:00Z", DCAT-US), which the
        base profiles do not read."""
        if dataset_dict.get("temporal_coverage") or any(
            extra["key"] in ("temporal_start", "temporal_end")
            for extra in dataset_dict.get("extras", [])
        ):
            return
        for value in self.g.objects(dataset_ref, DCT.temporal):
            if isinstance(value, Literal) and str(value).count("/") == 1:
                start, end = (part.strip() for part in str(value).split("/"))
                period = {key: v for key, v in (("start", start), ("end", end)) if v}
                if period:
                    dataset_dict["temporal_coverage"] = [period]
                    return

    def _keep_unknown_fields(self, dataset_dict) -> None:
        """Fields the base profiles set that this portal's schema lacks
        (``has_version``, ``qualified_relation``...) become extras: creating
        the dataset would otherwise fail, and nothing is lost."""
        if not self._dataset_schema:
            return
        known = {field["field_name"] for field in self._dataset_schema["dataset_fields"]}
        known |= CORE_DATASET_FIELDS
        extras = dataset_dict.setdefault("extras", [])
        taken = {extra["key"] for extra in extras}
        for key in [key for key in dataset_dict if key not in known]:
            value = dataset_dict.pop(key)
            if value in (None, "", [], {}) or key in taken:
                continue
            extras.append(
                {"key": key, "value": value if isinstance(value, str) else json.dumps(value)}
            )

    def _parse_coverage(self, dataset_dict, dataset_ref) -> None:
        """INSEE IRIs of ``dct:spatial`` -> ``territoires_coverage`` (communes
        of this portal's territory); places outside the territory and any
        other place stay in ``spatial_coverage``: nothing is lost."""
        codes, outside = self._insee_places(dataset_ref)
        if not codes and not outside:
            return
        if codes:
            self._set_dataset_value(dataset_dict, COVERAGE_FIELD, sorted(codes))
        # The base profile merged every dct:spatial into one item: keep what
        # came from other places (geometries, labels of non-INSEE places).
        kept = _without_insee_places(dataset_dict.get("spatial_coverage"))
        if kept or outside:
            dataset_dict["spatial_coverage"] = kept + outside
        else:
            dataset_dict.pop("spatial_coverage", None)
        dataset_dict["extras"] = [
            extra
            for extra in dataset_dict.get("extras", [])
            if extra["key"] not in ("spatial_uri", "spatial_text")
        ]

    def _insee_places(self, dataset_ref) -> tuple[set[str], list[dict[str, str]]]:
        """The communes of the territory named by the INSEE IRIs of
        ``dct:spatial``, and the places outside it (``uri`` and ``text``)."""
        ref = get_referential()
        scope = territory.configured_scope()
        codes: set[str] = set()
        outside = []
        for location in self.g.objects(dataset_ref, DCT.spatial):
            if not (isinstance(location, URIRef) and places.parse_insee_iri(str(location))):
                continue
            inside = [code for code in places.communes_of_iri(str(location), ref) if code in scope]
            if inside:
                codes.update(inside)
            else:
                label = self._object_value(location, SKOS.prefLabel) or ""
                outside.append({"uri": str(location), "text": label})
        return codes, outside

    def _parse_alternate_identifiers(self, dataset_dict, dataset_ref) -> None:
        """``adms:identifier`` nodes -> their ``skos:notation`` (the base
        profile keeps blank node ids, which mean nothing elsewhere)."""
        values = []
        for node in self.g.objects(dataset_ref, ADMS.identifier):
            notation = self._object_value(node, SKOS.notation)
            if notation:
                values.append(notation)
            elif isinstance(node, URIRef):
                values.append(str(node))
        extras = [e for e in dataset_dict.get("extras", []) if e["key"] != "alternate_identifier"]
        if values:
            extras.append({"key": "alternate_identifier", "value": json.dumps(values)})
        dataset_dict["extras"] = extras

    def _parse_frequency(self, dataset_dict) -> None:
        value = self._get_dataset_value(dataset_dict, "frequency")
        if not value:
            return
        iri = vocab.frequency_uri(value)
        dataset_dict["extras"] = [
            e for e in dataset_dict.get("extras", []) if e["key"] != "frequency"
        ]
        dataset_dict.pop("frequency", None)
        if iri:
            self._set_dataset_value(dataset_dict, "frequency", iri)
        else:
            log.info("Frequency %r is not in the EU vocabulary: not kept", value)

    def _parse_formats(self, dataset_dict) -> None:
        for resource in dataset_dict.get("resources") or []:
            known = vocab.file_type(resource.get("format"))
            if known is not None and str(resource.get("format", "")).startswith("http"):
                resource["format"] = (
                    known.code.split("_")[0]
                    if known.code in ("WMS_SRVC", "WFS_SRVC")
                    else known.code
                )
            mimetype = str(resource.get("mimetype") or "")
            if mimetype.startswith(vocab.IANA_MEDIA_TYPES):
                resource["mimetype"] = mimetype[len(vocab.IANA_MEDIA_TYPES) :]


def _without_insee_places(parsed: str | list[dict] | None) -> list[dict]:
    """The base profile's ``spatial_coverage`` items (a list or its JSON)
    without INSEE IRIs and their labels: other places and geometries."""
    items: list[dict] = json.loads(parsed or "[]") if isinstance(parsed, str) else parsed or []
    kept = []
    for item in items:
        if places.parse_insee_iri(item.get("uri") or ""):
            item = {
                key: value for key, value in item.items() if key not in ("uri", "text") and value
            }
        if any(item.values()):
            kept.append(item)
    return kept


def _as_nodes(g, predicate, rdf_class) -> None:
    """Every object of ``predicate`` typed ``rdf_class`` (DCAT-AP's range); a
    text becomes a node of that class labelled with it."""
    for subject, value in list(g.subject_objects(predicate)):
        if isinstance(value, Literal):
            g.remove((subject, predicate, value))
            node = BNode()
            g.add((node, RDFS.label, Literal(str(value))))
            g.add((subject, predicate, node))
            value = node
        g.add((value, RDF.type, rdf_class))


def _licence_document(g, text: str):
    """A ``dct:LicenseDocument`` node for a licence named by ``text``."""
    node: URIRef | BNode
    if re.match(r"^https?://\S+$", text.strip()):
        node = URIRef(text.strip())
    else:
        node = BNode()
        g.add((node, RDFS.label, Literal(text)))
    g.add((node, RDF.type, DCT.LicenseDocument))
    return node


def _licence(license_id: str | None) -> tuple[str, str] | None:
    """``(IRI, title)`` of a CKAN licence, when it has a URL."""
    if not license_id or license_id == "notspecified":
        return None
    licence = model.Package.get_license_register().get(license_id)
    if licence is None or not getattr(licence, "url", None):
        return None
    return licence.url, licence.title


def _iri_tail(iri) -> str:
    """Last segment of an IRI, readable: a label of last resort."""
    text = str(iri).rstrip("/#")
    tail = text.rsplit("#", 1)[-1] if "#" in text else text.rsplit("/", 1)[-1]
    return unquote(tail) or text


def _is_rectangle(value: Literal) -> bool:
    """A WKT or GeoJSON polygon that is an axis-aligned rectangle (a bbox)."""
    try:
        if value.datatype == GSP.wktLiteral or str(value).lstrip().upper().startswith("POLYGON"):
            geometry = wkt.loads(str(value))
        else:
            geometry = json.loads(str(value))
    except (ValueError, TypeError, AttributeError, KeyError):
        return False
    if not isinstance(geometry, dict) or geometry.get("type") != "Polygon":
        return False
    rings = geometry.get("coordinates") or []
    if len(rings) != 1 or len(rings[0]) != 5:
        return False
    xs = {round(point[0], 9) for point in rings[0]}
    ys = {round(point[1], 9) for point in rings[0]}
    return len(xs) == 2 and len(ys) == 2
