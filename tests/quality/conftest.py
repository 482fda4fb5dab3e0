"""Helpers of the quality tests."""

from __future__ import annotations

import ckan.tests.factories as factories

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
