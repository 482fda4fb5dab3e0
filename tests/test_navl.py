"""CKAN's ``augment_data`` and this project's copy (``navl.py``) give the
same answers and the same errors, on real datasets and schemas; the copy is
the one CKAN's validation uses."""

from __future__ import annotations

import ckan.tests.factories as factories
import ckan.tests.helpers as helpers
import pytest
from ckan.lib import plugins as lib_plugins
from ckan.lib.navl import dictization_functions as df
from ckan.logic import schema as ckan_schema

from ckanext.territoires import navl
from tests.conftest import TERRITORY_PLUGINS

POLYGON = (
    '{"type": "Polygon", "coordinates": [[[4.80, 45.70], [4.95, 45.70], [4.95, 45.80],'
    " [4.80, 45.80], [4.80, 45.70]]]}"
)


def both(data, schema):
    """Each function's answer, or the error it raised."""
    answers = []
    for function in (navl.CKAN_AUGMENT_DATA, navl.augment_data):
        try:
            answers.append(function(dict(data), schema))
        except df.DataError as error:
            answers.append(("DataError", str(error)))
    return answers


def schemas():
    plugin = lib_plugins.lookup_package_plugin("dataset")
    return {
        "show (the dataset type's)": plugin.show_package_schema(),
        "create (CKAN's)": ckan_schema.default_create_package_schema(),
        "show (CKAN's)": ckan_schema.default_show_package_schema(),
    }


@pytest.mark.ckan_config("ckan.plugins", TERRITORY_PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "lyon")
def test_the_same_answers_on_datasets_of_the_territory():
    organisation = factories.Organization(extras=[{"key": "insee", "value": "69029"}])
    datasets = [
        factories.Dataset(
            owner_org=organisation["id"],
            territoires_coverage=["*"],  # every commune group of the territory
            tags=[{"name": "voirie"}],
            resources=[{"url": "https://example.org/a.csv", "format": "CSV"}],
            contact=[{"name": "Service", "email": "donnees@example.org"}],
        ),
        factories.Dataset(spatial_coverage=[{"geom": POLYGON}], extras=[]),
        factories.Dataset(notes="Court.", theme=["ENVI"]),
    ]
    compared = 0
    for dataset in datasets:
        shown = helpers.call_action("package_show", id=dataset["id"])
        variants = [
            shown,
            dict(shown, unknown_field="x", extras=[{"key": "k", "value": "v"}]),
            dict(shown, resources="not a list"),  # refused: a text against a subschema
            dict(shown, groups=[]),
        ]
        for data in variants:
            for name, schema in schemas().items():
                ckan_answer, ours = both(df.flatten_dict(data), schema)
                assert ours == ckan_answer, name
                compared += 1
    assert compared == 36


def test_a_text_against_a_subschema_is_refused_alike():
    schema = ckan_schema.default_create_package_schema()
    ckan_answer, ours = both({("resources",): "text", ("name",): "x"}, schema)
    assert ours == ckan_answer
    assert ours[0] == "DataError"


def test_the_copy_is_the_one_ckan_validates_with():
    # a CKAN upgrade that changes augment_data fails here: copy it again
    assert navl.copied_source_matches()
    assert df.augment_data is navl.augment_data
