"""Schemas of the actions of the pooled data."""

from __future__ import annotations

from ckan.logic.schema import validator_args


@validator_args
def territoires_resource_validation_show(not_empty, unicode_safe):
    return {"id": [not_empty, unicode_safe]}


@validator_args
def territoires_resource_validation_run(not_empty, unicode_safe):
    return {"id": [not_empty, unicode_safe]}


@validator_args
def territoires_pooling_schema_list():
    return {}


@validator_args
def territoires_pooled_dataset_list(ignore_missing, unicode_safe):
    return {"commune": [ignore_missing, unicode_safe]}


@validator_args
def territoires_pooled_dataset_consolidate(not_empty, unicode_safe):
    return {"schema": [not_empty, unicode_safe]}


@validator_args
def territoires_pooled_points_show(
    not_empty, ignore_missing, unicode_safe, int_validator, is_positive_integer
):
    return {
        "id": [not_empty, unicode_safe],
        "commune": [ignore_missing, unicode_safe],
        "limit": [ignore_missing, int_validator, is_positive_integer],
    }
