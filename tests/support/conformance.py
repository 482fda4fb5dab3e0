"""CKAN's own tests that the PostgreSQL search backend must pass.

``make test`` runs these modules of CKAN's installed test suite against the
backend. Every exclusion is listed here with its reason and in the README;
only Solr-internal behaviour may be excluded.
"""
from __future__ import annotations

import pytest

CKAN_TEST_MODULES = (
    "ckan.tests.logic.action.test_get",
)

# node id (relative to the module) -> why it cannot apply to this backend
EXCLUDED: dict[str, str] = {}


def skip_excluded(items) -> None:
    for item in items:
        for node_suffix, reason in EXCLUDED.items():
            if item.nodeid.endswith(node_suffix):
                item.add_marker(pytest.mark.skip(
                    reason="Solr-internal, excluded: " + reason))
