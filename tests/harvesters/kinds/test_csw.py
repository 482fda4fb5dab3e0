"""CSW source kind: recorded GeoNetwork ISO 19139 pages behind a local endpoint."""

from __future__ import annotations

import pytest

from tests.harvesters.conftest import harvest_marks
from tests.harvesters.helpers import (
    create_source,
    gather_errors,
    harvested,
    object_errors,
    object_warnings,
    run,
    show,
)
from tests.harvesters.server import Answer, Request, fixture_bytes

pytestmark = harvest_marks()

IDENTIFIER = "fr-120066022-ldd-56fce164-04b2-41ae-be87-9f256f39dd44"
PAGES = {
    "1": "geonetwork-iso19139-page-1.xml",
    "3": "geonetwork-iso19139-page-3.xml",
    "5": "geonetwork-iso19139-page-5.xml",
}


def mount(server, pages=PAGES):
    def csw(request: Request):
        assert request.arg("request") == "GetRecords"
        assert request.arg("outputSchema") == "http://www.isotc211.org/2005/gmd"
        name = pages.get(request.arg("startPosition"))
        if name is None:
            return Answer(400, b"<bad/>", {"Content-Type": "application/xml"})
        body = name if isinstance(name, bytes) else fixture_bytes("csw", name)
        return Answer(200, body, {"Content-Type": "application/xml"})

    server.add("/geonetwork/srv/fre/csw", csw)
    return server.url("/geonetwork/srv/fre/csw")


def test_three_pages_of_records_are_harvested(server):
    source = create_source(mount(server), "territoires_csw", {"pin": "Villeurbanne"})
    job = run(source)
    assert gather_errors(job) == []
    datasets = harvested(source["id"])
    assert len(datasets) == 6
    assert "fr-120066022-ldd-56fce164-04b2-41ae-be87-9f256f39dd44" in datasets
    record = show(datasets["fr-120066022-ldd-56fce164-04b2-41ae-be87-9f256f39dd44"].id)
    assert record["title"] and record["notes"] and record["resources"]
    assert record["publisher"][0]["name"].startswith("DDTM 80")
    assert record["territoires_coverage"] == ["69266"]
    # the catalogue's page of the record, not the CSW request nor a service
    assert record["territoires_source_url"].endswith("catalog.search#/metadata/" + IDENTIFIER)
    assert record["url"] == record["territoires_source_url"]
    assert "request=GetRecordById" in record["territoires_source_uri"]
    assert run(source)["stats"]["not modified"] == 6


def test_records_outside_the_territory_are_reported_not_guessed(server):
    source = create_source(mount(server), "territoires_csw")
    job = run(source)
    # coverage problems are warnings: every dataset was harvested, no error
    assert job["stats"]["errored"] == 0
    assert job["stats"]["added"] == job["stats"]["warnings"] == 6
    # the next job imports nothing (unchanged) and still shows them
    again = run(source)
    assert again["stats"]["not modified"] == again["stats"]["warnings"] == 6
    assert again["stats"]["errored"] == 0
    assert set(object_warnings(again)) == set(object_warnings(job))
    errors = object_errors(job)
    datasets = harvested(source["id"])
    assert len(datasets) == 6
    for identifier, package in datasets.items():
        shown = show(package.id)
        assert shown["territoires_coverage"] == []
        messages = errors[identifier]
        if identifier.startswith("fr-120066022-jdd-"):
            # the Pas-de-Calais (INSEE URI of département 62): a place that exists, outside the Métropole de Lyon: said so
            assert any("outside the territory" in message for message in messages)
            assert not any("No coverage found" in message for message in messages)
        else:
            # local plans of the Somme whose only extent has west > east: reported, not used, and not kept as the extent
            assert any("not a valid bounding box" in message for message in messages)
            assert any("No coverage found" in message for message in messages)
            assert not shown.get("spatial_coverage")


def test_exception_report_stops_the_harvest(server):
    report = (
        b'<?xml version="1.0"?><ows:ExceptionReport xmlns:ows="http://www.opengis.net/ows" '
        b'version="1.2.0"><ows:Exception exceptionCode="NoApplicableCode"><ows:ExceptionText>'
        b"Search failed</ows:ExceptionText></ows:Exception></ows:ExceptionReport>"
    )
    source = create_source(mount(server, {"1": report}), "territoires_csw", {"pin": "*"})
    job = run(source)
    assert any("Search failed" in message for message in gather_errors(job))


def test_next_record_loop_is_stopped(server):
    looping = fixture_bytes("csw", "geonetwork-iso19139-page-3.xml").replace(
        b'nextRecord="5"', b'nextRecord="1"'
    )
    source = create_source(
        mount(server, {"1": PAGES["1"], "3": looping}), "territoires_csw", {"pin": "*"}
    )
    job = run(source)
    assert any("loops" in message for message in gather_errors(job))
    assert harvested(source["id"]) == {}


# --- fidelity: every field the ISO record carries -----------------------------

GEOIDE = "geoide-iso19139-single-dataset.xml"


def iso_records(name: str, replace: tuple[tuple[bytes, bytes], ...] = ()) -> list:
    from lxml import etree

    body = fixture_bytes("csw", name)
    for old, new in replace:
        assert old in body, old
        body = body.replace(old, new)
    root = etree.fromstring(body)
    return root.findall(".//{http://www.isotc211.org/2005/gmd}MD_Metadata")


def iso_package(name: str = GEOIDE, replace=(), position: int = 0) -> dict:
    from ckanext.territoires.harvesters.kinds.csw import CswHarvester, parse_record

    content = parse_record(iso_records(name, replace)[position])
    package, _hints = CswHarvester().to_package(content, None, None)
    return package


def test_use_constraints_give_the_licence_access_constraints_the_access_rights():
    package = iso_package()
    # useLimitation "Licence Ouverte 1.0 http://www.data.gouv.fr/Licence-Ouverte-Open-Licence."
    assert package["license_id"] == "fr-lo"
    # the INSPIRE access constraint is the access rights, not the licence
    assert package["access_rights"] == "Pas de restriction d'accès public selon INSPIRE"


def test_an_unknown_licence_is_kept_as_text_never_the_access_constraint():
    """The record's use constraints name a licence the register does not
    know: that text is the licence; the access constraint stays the access
    rights."""
    replace = (
        (
            b"Licence Ouverte 1.0 http://www.data.gouv.fr/Licence-Ouverte-Open-Licence.",
            b"Conditions de la DDTM 80",
        ),
        (
            b"<gmd:otherConstraints>",
            b"<gmd:otherConstraints><gco:CharacterString>Licence de la DDTM 80"
            b"</gco:CharacterString></gmd:otherConstraints><gmd:otherConstraints>",
        ),
    )
    package = iso_package(replace=replace)
    assert package["license_id"] == "Licence de la DDTM 80"
    assert package["access_rights"] == "Pas de restriction d'accès public selon INSPIRE"


def test_an_anchor_names_the_licence_by_its_uri():
    replace = (
        (
            b"<gco:CharacterString>Licence Ouverte 1.0 http://www.data.gouv.fr/Licence-Ouverte-"
            b"Open-Licence.</gco:CharacterString>",
            b'<gmx:Anchor xlink:href="https://spdx.org/licenses/etalab-2.0.html">Licence '
            b"applicable</gmx:Anchor>",
        ),
    )
    assert iso_package(replace=replace)["license_id"] == "lov2"


def test_dates_of_the_record_are_its_own_not_the_harvest_time():
    package = iso_package()
    assert package["issued"] == "2017-10-07"  # publication
    assert package["created"] == "2003-06-02"  # creation
    assert package["modified"] == "2017-10-07"  # no revision: the publication
    revised = iso_package("geonetwork-iso19139-page-3.xml")
    assert (revised["issued"], revised["modified"]) == ("2021-06-18", "2021-11-19")


TEMPORAL_AND_FREQUENCY = (
    (
        b"<gmd:resourceConstraints>",
        b"<gmd:resourceMaintenance><gmd:MD_MaintenanceInformation>"
        b"<gmd:maintenanceAndUpdateFrequency><gmd:MD_MaintenanceFrequencyCode "
        b'codeList="http://standards.iso.org/iso/19139/resources/gmxCodelists.xml'
        b'#MD_MaintenanceFrequencyCode" codeListValue="annually"/>'
        b"</gmd:maintenanceAndUpdateFrequency></gmd:MD_MaintenanceInformation>"
        b"</gmd:resourceMaintenance><gmd:resourceConstraints>",
    ),
    (
        b"</gmd:EX_Extent>",
        b'<gmd:temporalElement xmlns:gml="http://www.opengis.net/gml/3.2"><gmd:EX_TemporalExtent>'
        b'<gmd:extent><gml:TimePeriod gml:id="t1"><gml:beginPosition>2007-01-01'
        b"</gml:beginPosition><gml:endPosition>2025-12-31</gml:endPosition></gml:TimePeriod>"
        b"</gmd:extent></gmd:EX_TemporalExtent></gmd:temporalElement></gmd:EX_Extent>",
    ),
)


def test_temporal_coverage_and_update_frequency():
    package = iso_package(replace=TEMPORAL_AND_FREQUENCY)
    assert package["temporal_coverage"] == [{"start": "2007-01-01", "end": "2025-12-31"}]
    assert package["frequency"] == (
        "http://publications.europa.eu/resource/authority/frequency/ANNUAL"
    )


def test_language_reference_system_and_themes():
    package = iso_package()
    assert package["language"] == ["fr"]
    assert package["conforms_to"] == ["http://www.opengis.net/def/crs/EPSG/0/2154"]
    # INSPIRE theme "Usage des sols" (land use) and topic category planningCadastre
    assert package["theme"] == ["http://inspire.ec.europa.eu/theme/lu", "ENVI", "REGI"]


def test_keywords_are_never_split_inside_a_keyword():
    from ckanext.territoires.harvesters import mapping

    assert mapping.tags(["Culture, Société, Service", "plu"]) == [
        {"name": "Culture Société Service"},
        {"name": "plu"},
    ]


def test_a_record_already_harvested_by_another_source_is_reported_not_duplicated(server):
    first = create_source(mount(server), "territoires_csw", {"pin": "*"})
    run(first)
    mirror = server.add("/mirror/csw", server.routes["/geonetwork/srv/fre/csw"])
    second = create_source(mirror, "territoires_csw", {"pin": "*"})
    job = run(second)
    assert job["stats"]["added"] == 0 and job["stats"]["errored"] == 0
    assert harvested(second["id"]) == {}
    assert len(harvested(first["id"])) == 6
    warned = object_warnings(job)
    assert len(warned) == 6
    assert all("already harvested" in messages[0] for messages in warned.values())


def test_a_source_configured_to_take_over_becomes_the_source_of_the_record(server):
    first = create_source(mount(server), "territoires_csw", {"pin": "*"})
    run(first)
    datasets = {key: package.id for key, package in harvested(first["id"]).items()}
    mirror = server.add("/mirror/csw", server.routes["/geonetwork/srv/fre/csw"])
    second = create_source(mirror, "territoires_csw", {"pin": "*", "take_over": True})
    job = run(second)
    assert job["stats"]["added"] == 0 and job["stats"]["errored"] == 0
    assert job["stats"]["updated"] == 6
    # the same datasets, now of the second source: never a duplicate
    taken = {key: package.id for key, package in harvested(second["id"]).items()}
    assert taken == datasets and harvested(first["id"]) == {}
    dataset = show(taken[IDENTIFIER])
    assert dataset["territoires_harvest_source_id"] == second["id"]
    warned = object_warnings(job)
    assert all("taken over" in messages[0] for messages in warned.values())
    # the first source then reports them as another source's, and keeps out
    again = run(first)
    assert again["stats"]["added"] == 0 and harvested(first["id"]) == {}
    assert all("already harvested" in m[0] for m in object_warnings(again).values())
    # two sources that both take over: the one that holds the record keeps it
    third = create_source(
        server.add("/third/csw", server.routes["/geonetwork/srv/fre/csw"]),
        "territoires_csw",
        {"pin": "*", "take_over": True},
    )
    run(third)
    assert harvested(third["id"]) == {} and len(harvested(second["id"])) == 6


def test_take_over_must_be_true_or_false():
    from ckanext.territoires.harvesters.kinds.csw import CswHarvester
    from ckanext.territoires.harvesters.source_config import SourceConfigError

    with pytest.raises(SourceConfigError, match="take_over"):
        CswHarvester().parse_config('{"take_over": "yes"}')


# --- lineage, thumbnail, creators, rights holders ------------------------------

THUMBNAIL = "https://www.geo2france.fr/geonetwork/srv/api/records/plu/attachments/plu.png"
PARTIES = (
    (
        b"</gmd:purpose>",
        b"</gmd:purpose><gmd:graphicOverview><gmd:MD_BrowseGraphic><gmd:fileName>"
        b"<gco:CharacterString>plu_s.png</gco:CharacterString></gmd:fileName>"
        b"</gmd:MD_BrowseGraphic></gmd:graphicOverview><gmd:graphicOverview>"
        b"<gmd:MD_BrowseGraphic><gmd:fileName><gco:CharacterString>"
        + THUMBNAIL.encode()
        + b"</gco:CharacterString></gmd:fileName></gmd:MD_BrowseGraphic></gmd:graphicOverview>",
    ),
    (
        b"</gmd:CI_Citation>\n          </gmd:citation>",
        b"<gmd:citedResponsibleParty><gmd:CI_ResponsibleParty><gmd:individualName>"
        b"<gco:CharacterString>Bureau SIG</gco:CharacterString></gmd:individualName>"
        b'<gmd:role><gmd:CI_RoleCode codeListValue="author">author</gmd:CI_RoleCode></gmd:role>'
        b"</gmd:CI_ResponsibleParty></gmd:citedResponsibleParty>"
        b"</gmd:CI_Citation>\n          </gmd:citation>",
    ),
    (b'codeListValue="pointOfContact"', b'codeListValue="originator"'),
)


def test_lineage_thumbnail_and_creators_are_kept():
    package = iso_package(replace=PARTIES)
    assert package["provenance"].startswith(
        "Les limites d'une zone sont représentées sur les documents graphiques du PLU"
    )
    # the first graphic overview that is a web address (not a bare file name)
    assert package["thumbnail"] == THUMBNAIL
    # originators and authors of the resource (not the metadata's contact),
    # in the record's order
    assert package["creator"] == [
        {"name": "Bureau SIG"},
        {
            "name": "DDTM 80 (Direction Départementale des Territoires et de la Mer de la Somme)",
            "email": "ddtm-sap-bsig@somme.gouv.fr",
        },
    ]
    assert "rights_holder" not in package


def test_the_owner_of_a_real_record_is_its_rights_holder():
    from ckanext.territoires.harvesters.kinds.csw import CswHarvester, parse_record

    packages = [
        CswHarvester().to_package(parse_record(record), None, None)[0]
        for record in iso_records("geonetwork-iso19139-page-3.xml")
    ]
    holders = [package["rights_holder"] for package in packages if package.get("rights_holder")]
    assert holders[0] == [
        {
            "name": "DDTM 62 (Direction départementale des territoires et de la mer du "
            "Pas-de-Calais)",
            "email": "ddtm-mcsig@pas-de-calais.gouv.fr",
        }
    ]
    # without a role of creator, nobody is made the creator
    assert not any(package.get("creator") for package in packages)


def test_lineage_thumbnail_creators_and_rights_holders_are_exported(server, app):
    from ckanext.dcat.profiles import DCT
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import FOAF, RDF, RDFS

    body = fixture_bytes("csw", GEOIDE)
    for old, new in (*PARTIES, (b'codeListValue="originator"', b'codeListValue="owner"')):
        body = body.replace(old, new)
    source = create_source(mount(server, {"1": body}), "territoires_csw", {"pin": "*"})
    run(source)
    (package,) = harvested(source["id"]).values()
    dataset = show(package.id)
    assert dataset["thumbnail"] == THUMBNAIL
    assert dataset["rights_holder"][0]["name"].startswith("DDTM 80")
    assert dataset["creator"] == [{"name": "Bureau SIG"}]
    page = app.get(f"/dataset/{package.name}")
    assert f'src="{THUMBNAIL}"' in page.body
    graph = Graph().parse(data=app.get(f"/dataset/{package.id}.ttl").body, format="turtle")
    ref = URIRef(f"http://test.ckan.net/dataset/{package.id}")
    statements = {
        str(label)
        for statement in graph.objects(ref, DCT.provenance)
        for label in graph.objects(statement, RDFS.label)
    }
    assert any(label.startswith("Les limites d'une zone") for label in statements)
    assert (ref, FOAF.depiction, URIRef(THUMBNAIL)) in graph
    assert (URIRef(THUMBNAIL), RDF.type, FOAF.Image) in graph
    holder = graph.value(ref, DCT.rightsHolder)
    assert str(graph.value(holder, FOAF.name)).startswith("DDTM 80")
    creator = graph.value(ref, DCT.creator)
    assert graph.value(creator, FOAF.name) == Literal("Bureau SIG")
