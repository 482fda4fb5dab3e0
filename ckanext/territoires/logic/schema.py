"""Schemas of the actions of ckanext-territoires."""

from __future__ import annotations

from ckan.logic.schema import validator_args

from ckanext.territoires.dcat.catalogue import FORMATS
from ckanext.territoires.quality.aggregate import ORDERS, SORTS


@validator_args
def territoires_resolve(not_empty, ignore_missing, unicode_safe):
    return {
        "q": [not_empty, unicode_safe],
        "scope": [ignore_missing, unicode_safe],
    }


@validator_args
def territoires_commune_list(
    ignore_missing, boolean_validator, unicode_safe, one_of, natural_number_validator, int_validator
):
    return {
        "include_archived": [ignore_missing, boolean_validator],
        "q": [ignore_missing, unicode_safe],
        "epci": [ignore_missing, unicode_safe],
        "sort": [ignore_missing, unicode_safe, one_of(["name", "population", "datasets"])],
        "limit": [ignore_missing, natural_number_validator, int_validator],
    }


@validator_args
def territoires_commune_show(not_empty, unicode_safe, ignore_missing, boolean_validator):
    return {
        "id": [not_empty, unicode_safe],
        "include_figures": [ignore_missing, boolean_validator],
    }


@validator_args
def territoires_intercommunality_show(not_empty, unicode_safe, ignore_missing, boolean_validator):
    return {
        "id": [not_empty, unicode_safe],
        "include_figures": [ignore_missing, boolean_validator],
        "include_communes": [ignore_missing, boolean_validator],
    }


@validator_args
def territoires_map_show(
    not_empty, ignore_missing, unicode_safe, one_of, int_validator, is_positive_integer
):
    return {
        "kind": [
            not_empty,
            unicode_safe,
            one_of(["commune", "intercommunality", "territory", "dataset", "points"]),
        ],
        "id": [ignore_missing, unicode_safe],
        "link": [ignore_missing, unicode_safe, one_of(["page", "search"])],
        "commune": [ignore_missing, unicode_safe],
        "limit": [ignore_missing, int_validator, is_positive_integer],
    }


@validator_args
def territoires_package_search(
    not_empty,
    unicode_safe,
    ignore_missing,
    one_of,
    natural_number_validator,
    int_validator,
    list_of_strings,
    territoires_search_filters,
    limit_to_configured_maximum,
    convert_to_json_if_string,
    boolean_validator,
):
    return {
        "id": [not_empty, unicode_safe],
        "relation": [ignore_missing, unicode_safe, one_of(["published", "covering", "territory"])],
        "q": [ignore_missing, unicode_safe],
        "filters": [ignore_missing, territoires_search_filters],
        "fq": [ignore_missing, unicode_safe],
        "sort": [ignore_missing, unicode_safe],
        "rows": [
            ignore_missing,
            natural_number_validator,
            limit_to_configured_maximum("ckan.search.rows_max", 1000),
        ],
        "start": [ignore_missing, natural_number_validator],
        "facet.field": [ignore_missing, convert_to_json_if_string, list_of_strings],
        "facet.limit": [ignore_missing, int_validator],
        "include_figures": [ignore_missing, boolean_validator],
    }


@validator_args
def territoires_site_show():
    return {}


@validator_args
def territoires_territory_show(ignore_missing, natural_number_validator, int_validator):
    return {
        "limit": [ignore_missing, natural_number_validator, int_validator],
        "latest": [ignore_missing, natural_number_validator, int_validator],
    }


@validator_args
def territoires_catalog_show(
    not_empty, ignore_missing, unicode_safe, one_of, int_validator, is_positive_integer
):
    return {
        "id": [not_empty, unicode_safe],
        "format": [ignore_missing, unicode_safe, one_of(list(FORMATS))],
        "page": [ignore_missing, int_validator, is_positive_integer],
    }


@validator_args
def territoires_quality_show(not_empty, unicode_safe):
    return {"id": [not_empty, unicode_safe]}


@validator_args
def territoires_quality_commune_list(ignore_missing, unicode_safe, one_of):
    return {
        "sort": [ignore_missing, unicode_safe, one_of(list(SORTS))],
        "order": [ignore_missing, unicode_safe, one_of(list(ORDERS))],
        "insee": [ignore_missing, unicode_safe],
    }


@validator_args
def territoires_quality_commune_show(
    not_empty, unicode_safe, ignore_missing, natural_number_validator, limit_to_configured_maximum
):
    return {
        "id": [not_empty, unicode_safe],
        "rows": [
            ignore_missing,
            natural_number_validator,
            limit_to_configured_maximum("ckan.search.rows_max", 1000),
        ],
    }


@validator_args
def territoires_commune_organization_create(not_empty, ignore_missing, unicode_safe):
    return {
        "id": [not_empty, unicode_safe],
        "title": [ignore_missing, unicode_safe],
        "name": [ignore_missing, unicode_safe],
    }


@validator_args
def territoires_commune_agent_add(not_empty, unicode_safe):
    return {
        "id": [not_empty, unicode_safe],
        "username": [not_empty, unicode_safe],
    }


@validator_args
def territoires_commune_agent_remove(not_empty, unicode_safe):
    return {
        "id": [not_empty, unicode_safe],
        "username": [not_empty, unicode_safe],
    }


@validator_args
def territoires_commune_agent_list(ignore_missing, unicode_safe):
    return {
        "id": [ignore_missing, unicode_safe],
        "user": [ignore_missing, unicode_safe],
    }
