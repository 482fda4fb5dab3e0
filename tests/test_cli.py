"""``ckan territoires resolve | load | sync``."""

from __future__ import annotations

import json

import ckan.tests.factories as factories
import pytest
from ckan import model
from ckan.cli.cli import ckan as ckan_command
from ckan.tests.helpers import CKANCliRunner

from tests.conftest import TERRITORY_PLUGINS

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", TERRITORY_PLUGINS),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]


@pytest.fixture
def cli(ckan_config):
    """CKAN's CLI runner, with stderr apart from stdout."""
    return CKANCliRunner(mix_stderr=False, env={"CKAN_INI": ckan_config["__file__"]})


def run(cli, *args):
    return cli.invoke(ckan_command, ["territoires", *args])


def test_resolve_prints_json(cli):
    result = run(cli, "resolve", "Lyon 3e")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout[result.stdout.index("[") :]) == [
        {"insee": "69123", "name": "Lyon", "type": "commune", "matched_as": "arrondissement"}
    ]


def test_resolve_in_france(cli):
    result = run(cli, "resolve", "--scope", "all", "Sainte-Colombe (Doubs)")
    assert result.exit_code == 0
    assert '"25515"' in result.stdout


@pytest.mark.parametrize(
    "text, message",
    [
        ("Sainte-Colombe", "ambiguous"),
        ("Zzyzx", "no commune"),
    ],
)
def test_resolve_errors_exit_1_on_stderr(cli, text, message):
    result = run(cli, "resolve", "--scope", "all", text)
    assert result.exit_code == 1
    assert message in result.stderr and "[" not in result.stdout


def test_load_prints_counts_and_is_idempotent(cli):
    first = run(cli, "load")
    assert first.exit_code == 0, first.output
    assert "groups created: 59, updated: 0, archived: 0" in first.stdout
    second = run(cli, "load")
    assert "groups created: 0, updated: 0, archived: 0, unchanged: 59" in second.stdout
    assert " s" in second.stdout.splitlines()[-1]


def test_a_narrower_territory_archives_only_when_confirmed(cli, ckan_config, tmp_path):
    assert run(cli, "load").exit_code == 0  # the Métropole de Lyon: 58 communes
    ini = tmp_path / "lyon-only.ini"
    ini.write_text(
        f"[app:main]\nuse = config:{ckan_config['__file__']}\n"
        "ckanext.territoires.scope = commune:69123\n"
        "[loggers]\nkeys = root\n[handlers]\nkeys = console\n[formatters]\nkeys = generic\n"
        "[logger_root]\nlevel = WARN\nhandlers = console\n"
        "[handler_console]\nclass = StreamHandler\nargs = (sys.stderr,)\nlevel = NOTSET\n"
        "formatter = generic\n[formatter_generic]\nformat = %%(message)s\n"
    )
    narrower = CKANCliRunner(mix_stderr=False, env={"CKAN_INI": str(ini)})

    refused = run(narrower, "load")
    assert refused.exit_code == 1
    assert "57 communes leave the territory and will be archived:" in refused.stderr
    assert "  - Bron (69029)" in refused.stderr and "… and 37 more" in refused.stderr
    assert "--yes" in refused.stderr and "nothing was changed" in refused.stderr
    bron = model.Session.query(model.Group).filter_by(name="bron-69029").one()
    assert bron.extras.get("status") != "archived"

    confirmed = run(narrower, "load", "--yes")
    assert confirmed.exit_code == 0, confirmed.output
    assert "archived: 57" in confirmed.stdout
    model.Session.expire_all()
    bron = model.Session.query(model.Group).filter_by(name="bron-69029").one()
    assert bron.extras["status"] == "archived"
    assert run(narrower, "load").exit_code == 0  # nothing leaves any more


def test_sync_prints_changes(cli, lyon):
    dataset = factories.Dataset(territoires_coverage=["Bron"])
    model.Session.query(model.Member).filter_by(table_id=dataset["id"]).update({"state": "deleted"})
    model.repo.commit()
    result = run(cli, "sync")
    assert result.exit_code == 0, result.output
    assert f"+ {dataset['name']} -> bron-69029" in result.stdout
    assert "memberships added: 1, removed: 0" in result.stdout


def test_resolve_prints_only_json_on_stdout_in_a_process_of_its_own(ckan_config):
    """`ckan territoires resolve X | jq .`: CKAN's log lines go to stderr in
    the inis of the project (test.ini here, config/ckan.ini.template too)."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    ckan = Path(sys.executable).with_name("ckan")
    done = subprocess.run(
        [str(ckan), "-c", ckan_config["__file__"], "territoires", "resolve", "Bron"],
        capture_output=True,
        text=True,
        env=os.environ,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [
        {"insee": "69029", "name": "Bron", "type": "commune", "matched_as": "name"}
    ]
    template = Path(__file__).resolve().parents[1] / "config" / "ckan.ini.template"
    assert "args = (sys.stderr,)" in template.read_text()
    assert "sys.stdout" not in template.read_text()
