"""``ckan territoires harvest ...`` speaks the portal's language
(``ckan.locale_default``), refusals included."""

from __future__ import annotations

import ckan.tests.helpers as helpers
import pytest
from ckan.cli.cli import ckan as ckan_command

from tests.harvesters.conftest import cli_runner, harvest_marks
from tests.harvesters.helpers import create_source

pytestmark = harvest_marks()


@pytest.fixture
def french_cli(ckan_config, tmp_path):
    return cli_runner(ckan_config, tmp_path, **{"ckan.locale_default": "fr"})


def test_run_reports_in_french(remote, french_cli):
    source = create_source(remote[1], "territoires_ckan", {"pin": "*"})
    result = french_cli.invoke(ckan_command, ["territoires", "harvest", "run", source["name"]])
    assert result.exit_code == 0, result.output
    assert ": Terminé ; ajoutés : 5, mis à jour : 0, inchangés : 0" in result.stdout


def test_a_source_with_a_harvest_under_way_is_refused_in_french(remote, french_cli):
    source = create_source(remote[1], "territoires_ckan", {"pin": "*"})
    helpers.call_action("harvest_job_create", source_id=source["id"], run=False)
    result = french_cli.invoke(ckan_command, ["territoires", "harvest", "run", source["name"]])
    assert result.exit_code == 1
    assert f"La source {source['name']} a déjà un moissonnage en attente ou en cours" in (
        result.stderr
    )
    assert "bouton « Arrêter »" in result.stderr


def test_other_messages_in_french(french_cli):
    missing = french_cli.invoke(ckan_command, ["territoires", "harvest", "preview", "nope"])
    assert missing.exit_code == 1
    assert "Aucune source de moissonnage ne s'appelle nope." in missing.stderr
    stale = french_cli.invoke(ckan_command, ["territoires", "harvest", "close-stale"])
    assert "moissonnages bloqués clos : 0" in stale.stdout


def test_english_stays_the_default_of_an_english_portal(remote, harvest_cli):
    source = create_source(remote[1], "territoires_ckan", {"pin": "*"})
    helpers.call_action("harvest_job_create", source_id=source["id"], run=False)
    result = harvest_cli.invoke(ckan_command, ["territoires", "harvest", "run", source["name"]])
    assert "already has a harvest waiting or running" in result.stderr


def test_coverage_warnings_are_not_errors_run_exits_0(remote, french_cli):
    """Without a pin, the DKAN and ckanext-dcat records name no commune of
    the territory: warnings, the datasets are harvested, exit code 0."""
    source = create_source(remote[1], "territoires_ckan")
    result = french_cli.invoke(ckan_command, ["territoires", "harvest", "run", source["name"]])
    assert result.exit_code == 0, result.output
    assert "ajoutés : 5" in result.stdout
    assert "en erreur : 0" in result.stdout, result.stdout
    assert "avec des avertissements" in result.stdout
