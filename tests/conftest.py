"""Fixtures of the territory: the Métropole de Lyon loaded for real."""

from __future__ import annotations

import ckan.tests.factories as factories
import pytest
from faker import Faker

from ckanext.territoires import territory
from ckanext.territoires.communes import load
from ckanext.territoires.referential import get_referential
from tests.support import territory_template

#: Plugins of the territory tests: test.ini's, with the dataset schema, the group
#: types and the organisation schema.
TERRITORY_PLUGINS = (
    "territoires_search territoires scheming_datasets scheming_groups scheming_organizations dcat"
)


@pytest.fixture
def lyon(clean_db, clean_index, with_plugins):
    """Load the configured scope (Métropole de Lyon) into the test database
    (for real the first time, then copied back: tests/support/territory_template.py)."""
    report = territory_template.load_territory(
        territory.configured_scope(), get_referential(), load.load_territory
    )
    assert not report.errors
    return report


@pytest.fixture
def french_content(monkeypatch):
    """What officers write is French: CKAN's factories fill descriptions and
    notes with English lorem ipsum, whose random words ("Follow", "members")
    the French crawls would report as untranslated interface."""
    monkeypatch.setattr(factories, "fake", Faker("fr_FR"))
