"""The portal's identity: titles and introductions of a territory, and the
defaults written at start-up."""

from __future__ import annotations

from ckanext.territoires import site
from ckanext.territoires.referential import parse_scope


def same(text):
    return text


def test_phrasing_follows_the_name_of_the_territory():
    assert site.phrasing(parse_scope("epci:200046977")) == "the"  # Métropole de Lyon
    assert site.phrasing(parse_scope("epci:243100518")) == "plain"  # Toulouse Métropole
    assert site.phrasing(parse_scope("departement:69")) == "territory"
    assert site.phrasing(parse_scope("epci:200046977 departement:01")) == "territory"


def test_title_and_intro():
    lyon = parse_scope("epci:200046977")
    assert site.default_title(same, lyon) == "Open data of the Métropole de Lyon"
    assert site.default_intro(same, str, lyon).startswith(
        "The open data of the Métropole de Lyon and of its 58 communes. Search the datasets"
    )
    toulouse = parse_scope("epci:243100518")
    assert site.default_title(same, toulouse) == "Open data of Toulouse Métropole"
    one = parse_scope("commune:69081")
    assert site.default_intro(same, str, one).startswith(
        "The open data of the territory: Écully (69081), 1 commune."
    )


def test_the_default_title_is_the_territorys_where_it_shows():
    for title in (None, "", "CKAN"):
        assert site.is_default_title(title)
        assert site.title(title, same) == "Open data of the Métropole de Lyon"
    assert not site.is_default_title("Grand Lyon Data")
    assert site.title("Grand Lyon Data", same) == "Grand Lyon Data"
