"""Index rows built from CKAN's documents: the small ``filters`` part."""

from __future__ import annotations

import datetime
import json

from ckanext.territoires.search import documents
from ckanext.territoires.search.documents import filter_values, index_row


def test_string_fields_are_kept_with_their_shape():
    filters, partial = filter_values(
        {
            "dataset_type": "dataset",
            "tags": ["vélo", "mobilité"],
            "organization": "metropole",
            "num_resources": 2,
            "private": False,
            "res_format": [],
            "territoires_communes": ["69123"],
        }
    )
    assert filters == {
        "dataset_type": "dataset",
        "tags": ["vélo", "mobilité"],
        "organization": "metropole",
        "num_resources": 2,
        "private": False,
        "res_format": [],
        "territoires_communes": ["69123"],
    }
    assert partial == []


def test_text_url_column_and_stored_fields_stay_out():
    filters, partial = filter_values(
        {
            "title": "Vélos",
            "notes": "Long texte",
            "author": "Service",
            "extras_theme": "Mobilité",
            "res_extras_alt_url": ["x"],
            "res_name": ["Stations"],
            "url": "https://example.org",
            "res_url": ["https://example.org/a.csv"],
            "name": "velos",
            "id": "abc",
            "state": "active",
            "permission_labels": ["public"],
            "data_dict": "{}",
            "metadata_modified": "2024-01-01T00:00:00Z",
            "release_date": "2024-01-01T00:00:00Z",
        }
    )
    assert filters == {"release_date": "2024-01-01T00:00:00Z"}
    assert partial == []


def test_long_and_nested_values_make_the_field_partial():
    long_value = "x" * (documents.FILTER_VALUE_MAX_LENGTH + 1)
    short_value = "y" * documents.FILTER_VALUE_MAX_LENGTH
    filters, partial = filter_values(
        {
            "tags": ["court", long_value, short_value],
            "organization": long_value,
            "vocab_themes": [{"nested": "dict"}, "ok"],
            "groups": ["a", "b"],
        }
    )
    assert filters == {"tags": ["court", short_value], "vocab_themes": ["ok"], "groups": ["a", "b"]}
    assert partial == ["organization", "tags", "vocab_themes"]


def test_list_values_are_kept_once_and_nulls_kept():
    filters, partial = filter_values(
        {
            "res_format": ["CSV", "PDF", "CSV", "csv"],
            "res_type": [None, None],
            "mixed": [1, True, 1, "1"],
        }
    )
    assert filters == {
        "res_format": ["CSV", "PDF", "csv"],
        "res_type": [None],
        "mixed": [1, True, "1"],
    }
    assert partial == []


def test_values_json_cannot_hold_are_stored_as_strings_like_fields():
    moment = datetime.datetime(2024, 5, 1, 12, 0)
    filters, _ = filter_values({"harvest_date_x": moment, "seen": [moment]})
    assert filters == {"harvest_date_x": str(moment), "seen": [str(moment)]}


def test_index_row_carries_filters_as_json():
    row = index_row(
        {
            "id": "abc",
            "index_id": "idx",
            "site_id": "site",
            "name": "velos",
            "title": "Vélos",
            "state": "active",
            "capacity": "public",
            "permission_labels": ["public"],
            "dataset_type": "dataset",
            "tags": ["vélo", "vélo"],
            "metadata_created": "2024-01-01T00:00:00Z",
            "metadata_modified": "2024-01-02T00:00:00Z",
            "organization": None,
            "validated_data_dict": "{}",
            "data_dict": "{}",
        }
    )
    assert json.loads(row["filters"]) == {"dataset_type": "dataset", "tags": ["vélo"]}
    assert row["filters_partial"] == []
    # fields keeps the document as CKAN built it
    assert json.loads(row["fields"])["tags"] == ["vélo", "vélo"]
