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
