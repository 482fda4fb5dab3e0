"""Pooled data: Table Schemas, validation of resources, one consolidated
dataset per schema for the whole territory (plugin ``territoires_pooling``)."""
