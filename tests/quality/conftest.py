"""Helpers of the quality tests."""

from __future__ import annotations

import ckan.tests.factories as factories
import ckan.tests.helpers as helpers
import pytest

LONG = "Les toilettes publiques de la commune, avec leurs horaires et leur accessibilité. " * 4


def complete_dataset(**fields):
    values = {
        "notes": LONG,
        "license_id": "odc-odbl",
        "territoires_coverage": ["Bron"],
        "frequency": "monthly",
        "temporal_coverage": [{"start": "2020-01-01"}],
        "contact": [{"name": "Service données", "email": "donnees@example.org"}],
        "resources": [{"url": "https://example.org/toilettes.csv", "format": "CSV"}],
    }
    values.update(fields)
    return factories.Dataset(**values)


@pytest.fixture
def team():
    """An editor of an organisation (the data team), a complete dataset in
    Bron, a thin one in Écully, a thin private one in Bron (of the editor's
    organisation)."""
    organisation = factories.Organization()
    editor = factories.UserWithToken()
    helpers.call_action(
        "organization_member_create", id=organisation["id"], username=editor["name"], role="editor"
    )
    complete_dataset(title="Complet", territoires_coverage=["Bron"])
    factories.Dataset(title="Maigre", notes="Court.", territoires_coverage=["Écully"])
    factories.Dataset(
        title="Privé maigre",
        notes="Court.",
        owner_org=organisation["id"],
        private=True,
        territoires_coverage=["Bron"],
    )
    return {"editor": editor, "organisation": organisation}
