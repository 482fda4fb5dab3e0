"""Schemas of the harvest actions of ckanext-territoires."""

from __future__ import annotations

from ckan.logic.schema import validator_args


@validator_args
def territoires_harvest_preview(
    not_empty, ignore_missing, unicode_safe, int_validator, is_positive_integer
):
    return {
        "id": [not_empty, unicode_safe],
        "limit": [ignore_missing, int_validator, is_positive_integer],
    }


@validator_args
def territoires_harvest_close_stale(ignore_missing, int_validator, natural_number_validator):
    return {
        "minutes": [ignore_missing, int_validator, natural_number_validator],
    }
