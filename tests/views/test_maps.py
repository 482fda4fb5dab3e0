"""The maps of the pages: on each page, links to the right pages, counts
with the visitor's permissions, the dataset's coverage, the search by area."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlparse

import ckan.tests.factories as factories
import ckan.tests.helpers as helpers
import pytest

from ckanext.territoires.geography import get_outlines
from tests.conftest import TERRITORY_PLUGINS
from tests.views.conftest import auth

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", TERRITORY_PLUGINS),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]

SVG = "{http://www.w3.org/2000/svg}"
ECULLY = "/commune/ecully-69081"
METROPOLE = "/intercommunalite/metropole-de-lyon-200046977"


def maps_of(body: str) -> list[ET.Element]:
    """Every map of a page, parsed as XML (each must be well formed)."""
    return [
        ET.fromstring(svg)
        for svg in re.findall(r"<svg\b[^>]*territoires-map-svg.*?</svg>", body, re.S)
    ]


def the_map(body: str, map_id: str) -> ET.Element:
    found = [svg for svg in maps_of(body) if svg.find(SVG + "title").get("id") == map_id + "-title"]
    assert len(found) == 1, map_id
    return found[0]


def links(svg: ET.Element) -> dict[str, str]:
    """aria-label -> href of the places of a map."""
    return {a.get("aria-label"): a.get("href") for a in svg.iter(SVG + "a")}


def highlighted(svg: ET.Element) -> list[str]:
    return [
        a.get("aria-label")
        for a in svg.iter(SVG + "a")
        if "territoires-map-highlighted" in a.find(SVG + "path").get("class")
    ]


def check_accessible(svg: ET.Element) -> None:
    assert svg.get("viewBox") and re.match(r"^0 0 \d+ \d+$", svg.get("viewBox"))
    title, desc = svg.find(SVG + "title"), svg.find(SVG + "desc")
    assert title.text and desc.text
    assert svg.get("aria-labelledby") == title.get("id")
    assert svg.get("aria-describedby") == desc.get("id")
    for a in svg.iter(SVG + "a"):
        assert a.get("href") and a.get("aria-label")
        assert a.find(SVG + "path").find(SVG + "title").text == a.get("aria-label")


def test_the_commune_page_shows_it_among_its_intercommunality(app, places):
    body = app.get(ECULLY).body
    svg = the_map(body, "territoires-place-map")
    check_accessible(svg)
    assert svg.get("role") == "group"  # its links stay exposed (role img would hide them)
    places_ = links(svg)
    assert len(places_) == 58
    assert places_["Écully"] == ECULLY
    assert places_["Villeurbanne"] == "/commune/villeurbanne-69266"
    assert highlighted(svg) == ["Écully"]
    # named on the map too: not by its colour alone
    assert [t.text for t in svg.iter(SVG + "text")] == ["Écully"]
    assert "Outlines: IGN — ADMIN EXPRESS COG 2018, Licence Ouverte" in body


def test_the_commune_map_in_french(app, places):
    body = app.get("/fr" + ECULLY).body
    svg = the_map(body, "territoires-place-map")
    assert svg.find(SVG + "title").text == "Carte d'Écully"
    assert (
        "parmi les 58 communes membres de l'intercommunalité Métropole de Lyon"
        in svg.find(SVG + "desc").text
    )
    assert links(svg)["Écully"] == "/fr" + ECULLY
    assert "Contours : IGN — ADMIN EXPRESS COG 2018, Licence Ouverte" in body
    assert "Situation" in body


def test_the_intercommunality_map_counts_what_the_visitor_may_see(app, places):
    svg = the_map(app.get(METROPOLE).body, "territoires-place-map")
    check_accessible(svg)
    places_ = links(svg)
    assert len(places_) == 58
    # published by Écully, shared with Bron, the whole territory; not the private one
    assert places_["Écully: 3 datasets"] == ECULLY
    assert places_["Bron: 3 datasets"] == "/commune/bron-69029"
    assert places_["Villeurbanne: 1 dataset"] == "/commune/villeurbanne-69266"
    member = places.member
    seen = links(the_map(app.get(METROPOLE, headers=auth(member)).body, "territoires-place-map"))
    assert seen["Écully: 4 datasets"] == ECULLY


def test_the_intercommunality_map_has_a_legend(app, places):
    body = app.get(METROPOLE).body
    legend = body[body.find('class="territoires-map-legend') :]
    legend = legend[: legend.find("</ul>")]
    assert "no dataset" not in legend or "datasets" in legend
    assert re.search(r"territoires-map-shade-\d", legend)
    shades = {
        a.find(SVG + "path").get("class")
        for a in the_map(body, "territoires-place-map").iter(SVG + "a")
    }
    assert len(shades) >= 2  # Écully and Bron (3) apart from the others (1)


def test_the_communes_index_and_home_have_the_territory_map(app, places):
    svg = the_map(app.get("/communes").body, "territoires-communes-map")
    check_accessible(svg)
    assert links(svg)["Écully: 3 datasets"] == ECULLY
    svg = the_map(app.get("/").body, "territoires-portal-map-svg")
    check_accessible(svg)
    assert len(links(svg)) == 58
    # the filter-as-you-type results carry no map
    assert "<svg" not in app.get("/communes", query_string={"partial": "results"}).body


def test_the_dataset_page_shows_its_communes_and_its_boxes(app, places):
    dataset = factories.Dataset(
        name="pistes-est",
        title="Pistes cyclables de l'est",
        territoires_coverage=["Bron", "Vénissieux"],
        spatial_coverage=[{"bbox": "4.85,45.68,4.95,45.75"}],
    )
    body = app.get("/dataset/" + dataset["name"]).body
    svg = the_map(body, "territoires-coverage-map")
    check_accessible(svg)
    assert sorted(highlighted(svg)) == ["Bron", "Vénissieux"]
    assert links(svg)["Bron"] == "/commune/bron-69029"
    rects = list(svg.iter(SVG + "rect"))
    assert len(rects) == 1 and int(rects[0].get("width")) > 10
    assert "Spatial coverage given by the metadata" in body
    # a dataset with no place at all has no map
    bare = factories.Dataset(name="sans-lieu")
    assert "territoires-coverage-map" not in app.get("/dataset/sans-lieu").body
    assert bare


def test_the_search_map_restricts_to_a_commune_area_keeping_the_query(app, places):
    body = app.get("/dataset/", query_string={"q": "eau", "page": "1"}).body
    svg = the_map(body, "territoires-search-map")
    check_accessible(svg)
    href = next(h for label, h in links(svg).items() if label.startswith("Bron:"))
    query = parse_qs(urlparse(href).query)
    assert query["q"] == ["eau"] and "page" not in query
    west, south, east, north = (float(v) for v in query["ext_bbox"][0].split(","))
    assert (west, south, east, north) == pytest.approx(
        get_outlines().bbox("commune", "69029"), abs=1e-3
    )
    found = app.get(href).body
    assert "bron-parcs" not in found  # q=eau kept
    assert "/dataset/eau-ouest" in found
    assert "Datasets of the area of Bron." in found
    assert [
        label.split(":")[0] for label in highlighted(the_map(found, "territoires-search-map"))
    ] == ["Bron"]
    assert "Search everywhere" in found


def test_the_map_action(app, places):
    result = helpers.call_action("territoires_map_show", kind="commune", id="69081")
    assert result["kind"] == "commune" and len(result["shapes"]) == 58
    assert [s["label"] for s in result["shapes"] if s["highlighted"]] == ["Écully"]
    assert result["missing"] == [] and result["attribution"]
    with pytest.raises(helpers.logic.ValidationError) as error:
        helpers.call_action("territoires_map_show", kind="country")
    assert "kind" in error.value.error_dict
    with pytest.raises(helpers.logic.ValidationError) as error:
        helpers.call_action("territoires_map_show", kind="commune")
    assert "id" in error.value.error_dict
    with pytest.raises(helpers.logic.NotFound):
        helpers.call_action("territoires_map_show", kind="commune", id="nowhere")


def test_a_private_dataset_map_is_not_shown_to_anonymous(app, places):
    response = app.get(
        "/api/3/action/territoires_map_show?kind=dataset&id=projet-secret", expect_errors=True
    )
    assert response.status_code == 403
    response = app.get(
        "/api/3/action/territoires_map_show?kind=dataset&id=projet-secret",
        headers=auth(places.member),
    )
    assert response.json["result"]["shapes"]


def test_a_large_territory_map_draws_its_intercommunalities(app, places, monkeypatch):
    from ckanext.territoires.logic.action import map as map_action

    monkeypatch.setattr(map_action, "MAX_COMMUNES", 10)
    svg = the_map(app.get("/communes").body, "territoires-communes-map")
    check_accessible(svg)
    assert links(svg) == {"Métropole de Lyon": METROPOLE}
    search = the_map(app.get("/dataset/").body, "territoires-search-map")
    assert "ext_bbox=" in links(search)["Métropole de Lyon"]
