"""DCAT export of the provenance of harvested datasets (profile
``territoires_provenance``, after ``euro_dcat_ap_2 euro_dcat_ap_scheming``
in ``ckanext.dcat.rdf.profiles``).

A harvested dataset republished by the portal keeps its origin, so that
those who harvest the portal in turn can recognise the original record:

- ``dct:identifier``: the identifier at the source (when the dataset has
  no identifier of its own);
- ``dct:source``: the dataset at the source (its URI, else its page);
- ``dcat:landingPage``: its page at the source, when it has none here;
- ``dct:provenance``: a statement naming the harvest source and the date
  of the last harvest.

Parsing adds nothing (the harvesters read provenance themselves).
"""
from __future__ import annotations

from rdflib import BNode, Literal, URIRef

from ckanext.dcat.profiles.base import DCAT, DCT, RDF, RDFS, RDFProfile

from . import provenance


def _uri_or_literal(value: str):
    return URIRef(value) if value.startswith(("http://", "https://")) else Literal(value)


class ProvenanceProfile(RDFProfile):
    def parse_dataset(self, dataset_dict, dataset_ref):
        return dataset_dict

    def graph_from_dataset(self, dataset_dict, dataset_ref):
        source_id = dataset_dict.get(provenance.SOURCE_ID)
        if not source_id:
            return
        g = self.g
        identifier = dataset_dict.get(provenance.SOURCE_IDENTIFIER)
        if identifier and not any(g.objects(dataset_ref, DCT.identifier)):
            g.add((dataset_ref, DCT.identifier, Literal(identifier)))
        origin = dataset_dict.get(provenance.SOURCE_URI) or dataset_dict.get(provenance.SOURCE_URL)
        if origin:
            g.add((dataset_ref, DCT.source, _uri_or_literal(origin)))
        page = dataset_dict.get(provenance.SOURCE_URL)
        if page and page.startswith(("http://", "https://")) and not any(
                g.objects(dataset_ref, DCAT.landingPage)):
            g.add((dataset_ref, DCAT.landingPage, URIRef(page)))
        statement = BNode()
        g.add((dataset_ref, DCT.provenance, statement))
        g.add((statement, RDF.type, DCT.ProvenanceStatement))
        harvested = dataset_dict.get(provenance.HARVESTED) or ""
        title = dataset_dict.get(provenance.SOURCE_TITLE) or source_id
        g.add((statement, RDFS.label, Literal(
            f"Moissonné depuis « {title} » le {harvested[:10]}".strip(), lang="fr")))
        g.add((statement, RDFS.label, Literal(
            f"Harvested from \"{title}\" on {harvested[:10]}".strip(), lang="en")))
