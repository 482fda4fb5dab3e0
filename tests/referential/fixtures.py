"""Fixtures of the referential tests: pure Python, no CKAN, no database.

Imported by the test modules rather than declared in a conftest.py, so that
the tests also run with ``--noconftest`` (the repository's root conftest
imports CKAN).
"""

from __future__ import annotations

import pytest

from ckanext.territoires.referential import DEFAULT_SCOPE, get_referential, parse_scope


@pytest.fixture(scope="session")
def ref():
    return get_referential()


@pytest.fixture(scope="session")
def lyon(ref):
    """The default territory: Métropole de Lyon."""
    return parse_scope(DEFAULT_SCOPE, ref)
