"""Value cleaning of the source kinds: licences as the recorded sources name them."""

from __future__ import annotations

import pytest

from ckanext.territoires.harvesters import mapping
from tests.harvesters.server import fixture_json


def _dkan_licence():
    record = fixture_json("ckan", "dkan-french-w-license.json")["result"][0]
    return record.get("license_id"), record.get("license_title"), record.get("license_url")


def _ods_licences():
    records = fixture_json("ods", "explore-v2.1--catalog-dataset.example.json")
    default = records["metas"]["default"] if "metas" in records else records
    return default.get("license"), default.get("license_url")


@pytest.mark.parametrize(
    "candidates, expected",
    [
        # DKAN (Hauts-de-France) names the Licence Ouverte 1.0 by Etalab's page of 2011
        (_dkan_licence(), "fr-lo"),
        # udata (data.gouv.fr) gives its own ids
        (("lov2",), "lov2"),
        # OpenDataSoft: a label and a URL
        (_ods_licences(), "cc-by"),
        # ISO 19139 (geoide): a label followed by data.gouv.fr's page
        (("Licence Ouverte 1.0 http://www.data.gouv.fr/Licence-Ouverte-Open-Licence.",), "fr-lo"),
        # a licence outside the register is kept as the source names it
        (
            (
                "Open Government Licence v3.0",
                "http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
            ),
            "Open Government Licence v3.0",
        ),
        # the first licence recognised wins over a name the source gives first
        (("Licence de la ville", "https://creativecommons.org/licenses/by/4.0/"), "cc-by"),
        ((None, "", "  "), None),
    ],
)
def test_licences_as_sources_name_them(candidates, expected):
    assert mapping.license_id(*candidates) == expected


def test_recognised_licence_is_none_for_an_unknown_one():
    assert mapping.recognised_license_id("Licence de la ville", None) is None
    assert mapping.recognised_license_id(None, "ODbL") == "odc-odbl"


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2021-03-02T10:11:12.000000+00:00", "2021-03-02T10:11:12.000000+00:00"),
        ("2019-09-30 22:00:00", "2019-09-30T22:00:00"),
        ("1982", "1982"),
        ("mar, 10/12/2019 - 09:23", "2019-12-10T09:23"),  # DKAN, day first
        ("Date changed  jeu, 19/12/2019 - 03:00", "2019-12-19T03:00"),
        ("yesterday", None),
        ("", None),
        (None, None),
    ],
)
def test_dates_are_iso_or_left_out(value, expected):
    assert mapping.date(value) == expected


def test_languages_of_every_writing():
    assert mapping.languages("en,es,ca") == ["en", "es", "ca"]
    assert mapping.languages('["fre", "FRA"]') == ["fr"]
    assert mapping.languages(
        [
            "http://id.loc.gov/vocabulary/iso639-1/en",
            "http://publications.europa.eu/resource/authority/language/NLD",
        ]
    ) == ["en", "nl"]
    assert mapping.languages("klingon") == []


@pytest.mark.parametrize(
    "value, code",
    [
        ("R/P1Y", "ANNUAL"),  # DCAT-US
        ("R/P3.5D", "WEEKLY_2"),
        ("notPlanned", "NEVER"),  # ISO 19115 (ckanext-spatial's extra)
        (
            "http://standards.iso.org/iso/19115/resources/Codelists/cat/codelists.xml#asNeeded",
            "IRREG",
        ),
        ("http://purl.org/cld/terms/annual", "ANNUAL"),
        ("sometimes", None),
    ],
)
def test_frequencies_of_every_writing(value, code):
    found = mapping.frequency(value)
    assert (found.rsplit("/", 1)[-1] if found else None) == code


def test_a_keyword_that_is_no_tag_is_kept_as_written():
    keywords = ["plu", "Kataster / Vermessung (ALKIS®)", "a" * 120, "Culture, Société"]
    assert mapping.original_keywords(keywords) == keywords[1:]
