"""The rebuild's bulk path against CKAN's own (``test_bulk.py``) with the
project's plugins: the scheming schema (territoires_coverage, contact,
temporal coverage...), the territory's hooks, and the demo catalogue
harvested (harvest objects, commune groups)."""

from __future__ import annotations

import ckan.tests.factories as factories
import pytest
from ckan import model
from ckan.cli.cli import ckan as ckan_command

from tests.harvesters.conftest import cli_runner, harvest_marks
from tests.search.test_bulk import assert_bulk_is_ckan

pytestmark = [*harvest_marks(), pytest.mark.usefixtures("with_request_context")]


def test_bulk_path_is_ckans_with_the_projects_schema_and_the_demo(ckan_config, tmp_path, lyon):
    result = cli_runner(ckan_config, tmp_path).invoke(ckan_command, ["territoires", "demo"])
    assert result.exit_code == 0, result.output
    org = factories.Organization()
    factories.Dataset(
        title="Arrêtés",
        notes="Arrêtés du maire.",
        owner_org=org["id"],
        territoires_coverage=["Bron", "Écully"],
        license_id="lov2",
        frequency="daily",
        temporal_coverage=[{"start": "2020-01-01"}],
        contact=[{"email": "a@example.org", "name": "Mairie"}],
        resources=[{"url": "https://example.org/a.csv", "format": "CSV"}],
    )
    factories.Dataset(
        notes="Court.", territoires_coverage=["Bron"], private=True, owner_org=org["id"]
    )
    ids = [row[0] for row in model.Session.query(model.Package.id)]
    model.Session.remove()
    assert len(ids) >= 21 + 2
    assert_bulk_is_ckan(ids)
