"""The demo of a territory other than the Métropole de Lyon, written for it.

The hand-written catalogue shipped in ``demo/`` names Lyon's communes; on
another territory it would put Lyon data on the portal. For any other scope
the demo is generated from the referential: the territory's intercommunality
and its three most populous communes publish (each with its organisation,
linked to its place by its SIREN or INSEE code), the most populous commune
has the demo's agent, and a DCAT catalogue describes datasets of the most
populous communes with their coverage written in each of the ways real
catalogues write it (INSEE URI, data.gouv.fr zone, label, zone identifier,
a "Mairie de ..." publisher, a name in the title), one dataset of the whole
intercommunality and one of a commune outside the territory, which the job
report flags. The catalogue is deterministic: a re-run changes nothing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ckan.lib.munge import munge_title_to_name
from rdflib import RDF, RDFS, SKOS, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF

from ckanext.territoires import territory
from ckanext.territoires.referential import Referential, Scope

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
EU_THEME = "http://publications.europa.eu/resource/authority/data-theme/"
EU_FREQUENCY = "http://publications.europa.eu/resource/authority/frequency/"
LICENCE = URIRef("https://www.etalab.gouv.fr/licence-ouverte-open-licence")
BASE = "https://catalogue.territoires.example/demo/"

#: Communes of the territory that get datasets, the most populous first.
COMMUNES_WITH_DATA = 8
#: Communes among them that publish under their own organisation.
PUBLISHING_COMMUNES = 3


@dataclass(frozen=True)
class Topic:
    slug: str
    title: str  # "... %(de)s" or "... %(a)s": the place, with its preposition
    description: str
    theme: str
    frequency: str
    keywords: tuple[str, ...]
    files: tuple[str, ...]


TOPICS = (
    Topic(
        "bureaux-de-vote",
        "Bureaux de vote %(de)s",
        "Adresses et numéros des bureaux de vote %(de)s, avec le lieu de vote "
        "et son accessibilité.",
        "GOVE",
        "IRREG",
        ("élections", "bureaux de vote"),
        ("CSV", "GeoJSON"),
    ),
    Topic(
        "parcs-jardins",
        "Parcs et jardins publics %(de)s",
        "Parcs, squares et jardins ouverts au public %(a)s : surface, horaires "
        "d'ouverture, équipements.",
        "ENVI",
        "ANNUAL",
        ("espaces verts", "parcs"),
        ("GeoJSON",),
    ),
    Topic(
        "toilettes-publiques",
        "Toilettes publiques %(de)s",
        "Emplacement des toilettes publiques %(de)s, horaires et accessibilité "
        "aux personnes à mobilité réduite.",
        "HEAL",
        "ANNUAL",
        ("sanitaires", "accessibilité"),
        ("CSV",),
    ),
    Topic(
        "batiments-municipaux",
        "Bâtiments municipaux %(de)s",
        "Bâtiments appartenant à la collectivité : usage, surface, année de "
        "construction, accueil du public.",
        "GOVE",
        "ANNUAL",
        ("équipements publics", "patrimoine"),
        ("CSV", "GeoJSON"),
    ),
    Topic(
        "stationnement-pmr",
        "Places de stationnement PMR %(a)s",
        "Places de stationnement réservées aux personnes à mobilité réduite à "
        "%(a)s, avec leur nombre et leur position.",
        "TRAN",
        "MONTHLY",
        ("stationnement", "PMR"),
        ("CSV", "GeoJSON"),
    ),
)

#: How each dataset of a commune writes its coverage, in turn.
COVERAGE_STYLES = ("insee-uri", "zone-url", "label", "zone-id", "publisher", "title")


@dataclass(frozen=True)
class Organization:
    name: str
    title: str
    key: str  # "insee" or "siren"
    code: str


@dataclass(frozen=True)
class DemoPlan:
    """What the demo of a territory creates."""

    label: str
    organizations: tuple[Organization, ...]
    #: the organisation that owns the harvest source
    owner: str
    #: (user name, full name, INSEE code) of the demo's agent
    agent: tuple[str, str, str] | None
    catalogue: Graph


def _words(ref: Referential, insee: str) -> dict[str, str]:
    """The commune's name after "de" and after "à", as French writes them."""
    of = territory.french_of(insee) or "de " + ref.communes[insee].name
    at = "à " + ref.communes[insee].name
    for contracted, replacement in (("du ", "au "), ("des ", "aux ")):
        if of.startswith(contracted):
            at = replacement + of[len(contracted) :]
    return {"de": of, "a": at}


#: An intercommunality's datasets: "Places de stationnement PMR – CA du Pays Basque".
TERRITORY_WORDS = {"de": "du territoire", "a": "sur le territoire"}


def _by_population(ref: Referential, codes) -> list[str]:
    return sorted(codes, key=lambda c: (-(ref.communes[c].population or 0), c))


def _territory_epci(scope: Scope, ref: Referential) -> str | None:
    """The intercommunality wholly inside the territory with the most people."""
    sirens: set[str] = set(scope.epcis) or {
        epci for c in scope.communes if (epci := ref.communes[c].epci) is not None
    }
    inside = [s for s in sirens if s in ref.epcis and set(ref.epcis[s].members) <= scope.communes]
    inside.sort(key=lambda siren: (-(ref.epcis[siren].population or 0), siren))
    return inside[0] if inside else None


def _outside_commune(scope: Scope, ref: Referential) -> str | None:
    """A commune near the territory but outside it (same département or région)."""
    first = ref.communes[_by_population(ref, scope.communes)[0]]
    for same in (
        lambda c: c.departement == first.departement,
        lambda c: c.region == first.region,
        lambda c: True,
    ):
        around = [i for i, c in ref.communes.items() if i not in scope.communes and same(c)]
        if around:
            return _by_population(ref, around)[0]
    return None


def plan_demo(scope: Scope, ref: Referential) -> DemoPlan:
    """The organisations, agent and catalogue of the demo of ``scope``."""
    communes = _by_population(ref, scope.communes)[:COMMUNES_WITH_DATA]
    organizations = [
        Organization(
            munge_title_to_name("Ville " + _words(ref, c)["de"]),
            "Ville " + _words(ref, c)["de"],
            "insee",
            c,
        )
        for c in communes[:PUBLISHING_COMMUNES]
    ]
    epci = _territory_epci(scope, ref)
    if epci is not None:
        name = ref.epcis[epci].name
        organizations.insert(0, Organization(munge_title_to_name(name), name, "siren", epci))
    first = ref.communes[communes[0]]
    agent = ("agent-" + munge_title_to_name(first.name), "Agent de " + first.name, first.insee)
    catalogue = _catalogue(scope, ref, communes, epci)
    return DemoPlan(scope.label, tuple(organizations), organizations[0].name, agent, catalogue)


def _catalogue(scope: Scope, ref: Referential, communes: list[str], epci: str | None) -> Graph:
    graph = Graph()
    graph.bind("dcat", DCAT)
    graph.bind("dct", DCTERMS)
    graph.bind("foaf", FOAF)
    graph.bind("vcard", VCARD)
    graph.bind("skos", SKOS)
    catalog = URIRef(BASE.rstrip("/"))
    graph.add((catalog, RDF.type, DCAT.Catalog))
    graph.add(
        (
            catalog,
            DCTERMS.title,
            Literal("Catalogue de démonstration : %s" % scope.label, lang="fr"),
        )
    )
    graph.add(
        (
            catalog,
            DCTERMS.description,
            Literal("Jeux de données d'exemple (fictifs), pour découvrir le portail.", lang="fr"),
        )
    )
    number = 0
    for rank, insee in enumerate(communes):
        commune = ref.communes[insee]
        topics = [TOPICS[rank % len(TOPICS)]]
        if rank < PUBLISHING_COMMUNES:
            topics.append(TOPICS[(rank + 2) % len(TOPICS)])
        for topic in topics:
            style = (
                COVERAGE_STYLES[number]
                if number < len(COVERAGE_STYLES)
                else COVERAGE_STYLES[number % 3]  # once each way, then the usual ones
            )
            _dataset(graph, catalog, topic, commune.name, _words(ref, insee), insee, style, number)
            number += 1
    if epci is not None:
        name = ref.epcis[epci].name
        _dataset(graph, catalog, TOPICS[4], name, TERRITORY_WORDS, epci, "epci", number)
        number += 1
    outside = _outside_commune(scope, ref)
    if outside is not None:
        words = _words(ref, outside)
        name = ref.communes[outside].name
        _dataset(graph, catalog, TOPICS[1], name, words, outside, "insee-uri", number)
    return graph


def _dataset(
    graph: Graph,
    catalog: URIRef,
    topic: Topic,
    place: str,
    words: dict[str, str],
    code: str,
    style: str,
    number: int,
) -> None:
    slug = munge_title_to_name(place)
    identifier = f"{slug}-{topic.slug}"
    dataset = URIRef(BASE + identifier)
    site = f"https://donnees.{slug}.example/"
    publisher = place if style == "epci" else "Ville " + words["de"]
    title = topic.title % words
    if style == "epci":
        title = "%s – %s" % (topic.title.split(" %(")[0], place)
    elif style == "publisher":
        publisher = "Mairie " + words["de"]
        title = topic.title.split(" %(")[0]
    elif style == "title":
        publisher = "Services techniques"
    graph.add((catalog, DCAT.dataset, dataset))
    graph.add((dataset, RDF.type, DCAT.Dataset))
    graph.add((dataset, DCTERMS.identifier, Literal(identifier)))
    graph.add((dataset, DCTERMS.title, Literal(title, lang="fr")))
    graph.add((dataset, DCTERMS.description, Literal(topic.description % words, lang="fr")))
    graph.add((dataset, DCAT.theme, URIRef(EU_THEME + topic.theme)))
    graph.add((dataset, DCTERMS.accrualPeriodicity, URIRef(EU_FREQUENCY + topic.frequency)))
    for keyword in topic.keywords:
        graph.add((dataset, DCAT.keyword, Literal(keyword, lang="fr")))
    graph.add(
        (dataset, DCTERMS.modified, Literal("2026-%02d-15" % (1 + number % 11), datatype=XSD.date))
    )
    graph.add((dataset, DCAT.landingPage, URIRef(site + topic.slug)))
    organisation = BNode(identifier + "-publisher")
    graph.add((dataset, DCTERMS.publisher, organisation))
    graph.add((organisation, RDF.type, FOAF.Organization))
    graph.add((organisation, FOAF.name, Literal(publisher)))
    contact = BNode(identifier + "-contact")
    graph.add((dataset, DCAT.contactPoint, contact))
    graph.add((contact, RDF.type, VCARD.Organization))
    graph.add((contact, VCARD.fn, Literal(publisher)))
    graph.add((contact, VCARD.hasEmail, URIRef(f"mailto:opendata@donnees.{slug}.example")))
    _coverage(graph, dataset, identifier, style, place, code)
    for file_format in topic.files:
        url = URIRef(f"{site}fichiers/{topic.slug}.{file_format.lower()}")
        distribution = BNode(f"{identifier}-{file_format.lower()}")
        graph.add((dataset, DCAT.distribution, distribution))
        graph.add((distribution, RDF.type, DCAT.Distribution))
        graph.add((distribution, DCTERMS.title, Literal(f"{title} ({file_format})", lang="fr")))
        graph.add((distribution, DCAT.downloadURL, url))
        graph.add((distribution, DCAT.accessURL, url))
        graph.add((distribution, DCTERMS["format"], Literal(file_format)))
        graph.add((distribution, DCTERMS.license, LICENCE))


def _coverage(
    graph: Graph, dataset: URIRef, identifier: str, style: str, place: str, code: str
) -> None:
    if style == "insee-uri":
        graph.add((dataset, DCTERMS.spatial, URIRef("http://id.insee.fr/geo/commune/" + code)))
    elif style == "zone-url":
        zone = "https://www.data.gouv.fr/api/1/spatial/zone/fr:commune:" + code
        graph.add((dataset, DCTERMS.spatial, URIRef(zone)))
    elif style in ("label", "epci"):
        location = BNode(identifier + "-location")
        graph.add((dataset, DCTERMS.spatial, location))
        graph.add((location, RDF.type, DCTERMS.Location))
        predicate = SKOS.prefLabel if style == "label" else RDFS.label
        graph.add((location, predicate, Literal(place, lang="fr")))
    elif style == "zone-id":
        graph.add((dataset, DCTERMS.spatial, Literal("fr:commune:" + code)))
    # "publisher" and "title": no spatial coverage; the publisher or the title names it


def write_catalogue(plan: DemoPlan, directory: str) -> str:
    """Write the plan's catalogue as Turtle in ``directory``; its path."""
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, "catalogue.ttl")
    text = plan.catalogue.serialize(format="turtle")
    target = Path(path)
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")
    return path
