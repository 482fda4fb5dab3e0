"""Schemas of the actions of ckanext-territoires."""
from __future__ import annotations

from ckan.logic.schema import validator_args


@validator_args
def territoires_resolve(not_empty, ignore_missing, unicode_safe):
    return {
        "q": [not_empty, unicode_safe],
        "scope": [ignore_missing, unicode_safe],
    }


@validator_args
def territoires_commune_list(ignore_missing, boolean_validator, unicode_safe):
    return {
        "include_archived": [ignore_missing, boolean_validator],
        "q": [ignore_missing, unicode_safe],
    }


@validator_args
def territoires_commune_show(not_empty, unicode_safe):
    return {
        "id": [not_empty, unicode_safe],
    }


@validator_args
def territoires_catalog_show(not_empty, ignore_missing, unicode_safe, one_of,
                             int_validator, is_positive_integer):
    from ckanext.territoires.dcat.catalogue import FORMATS

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
    from ckanext.territoires.quality.aggregate import ORDERS, SORTS

    return {
        "sort": [ignore_missing, unicode_safe, one_of(list(SORTS))],
        "order": [ignore_missing, unicode_safe, one_of(list(ORDERS))],
    }
