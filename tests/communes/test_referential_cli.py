"""``ckan territoires referential update PATH [--apply]``: the yearly refresh."""

from __future__ import annotations

import json

import ckan.tests.factories as factories
import pytest
from ckan import model
from ckan.cli.cli import ckan as ckan_command
from ckan.tests.helpers import CKANCliRunner, call_action

from ckanext.territoires import config, territory
from ckanext.territoires.referential import get_referential, resolver, store
from tests.conftest import TERRITORY_PLUGINS
from tests.referential.release import merged_and_renamed, shipped_tables, write_release

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", TERRITORY_PLUGINS),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    return write_release(tmp_path_factory.mktemp("release"), merged_and_renamed(shipped_tables()))


@pytest.fixture
def target(tmp_path, monkeypatch):
    """Where --apply writes; the shipped referential again afterwards."""
    folder = tmp_path / "referential"
    monkeypatch.setattr(config, "referential_directory", lambda: str(folder))
    yield folder
    store.use_directory(None)
    resolver.forget_parsed_scopes()
    territory.forget_scope()


@pytest.fixture
def cli(ckan_config):
    return CKANCliRunner(mix_stderr=False, env={"CKAN_INI": ckan_config["__file__"]})


def run(cli, *args):
    return cli.invoke(ckan_command, ["territoires", "referential", *args])


def test_dry_run_shows_changes_and_their_effects(cli, lyon, release, target):
    dataset = factories.Dataset(territoires_coverage=["Fontaines-Saint-Martin", "Bron"])
    result = run(cli, "update", str(release))
    assert result.exit_code == 0, result.output + result.stderr
    out = result.stdout
    assert "6.0.0 -> 6.1.0" in out and "1 merges, 1 renames" in out
    assert "merge: Fontaines-Saint-Martin (69087) -> Fontaines-sur-Saône (69088)" in out
    assert "group fontaines-saint-martin-69087 (1 datasets) archived" in out
    assert "rename: Écully -> Écully-les-Vergers (69081); group ecully-69081" in out
    assert "coverage names a commune gone: 1" in out
    assert "Dry run" in out
    # Nothing changed.
    assert not target.exists()
    assert get_referential().communes["69081"].name == "Écully"
    shown = call_action("package_show", id=dataset["id"])
    assert shown["territoires_coverage"] == ["69029", "69087"]


def test_apply_writes_the_release_and_re_territorialises(cli, lyon, release, target):
    dataset = factories.Dataset(territoires_coverage=["Fontaines-Saint-Martin"])
    result = run(cli, "update", str(release), "--apply", "--population-year", "2024")
    assert result.exit_code == 0, result.output + result.stderr
    assert (target / "referential.json.gz").is_file()
    assert "archived: 1" in result.stdout
    ref = get_referential()
    assert (ref.source["version"], ref.source["population_year"]) == ("6.1.0", 2024)
    assert ref.communes["69081"].name == "Écully-les-Vergers"
    package = model.Package.get(dataset["id"])
    assert json.loads(package.extras["territoires_coverage"]) == ["69088"]
    assert [g.name for g in package.get_groups()] == ["fontaines-sur-saone-69088"]
    old_group = model.Group.get("fontaines-saint-martin-69087")
    assert old_group.extras["status"] == "archived"
    assert old_group.extras["successor"] == "69088"
    assert model.Group.get("ecully-69081").title == "Écully-les-Vergers"
    # The old name still resolves, as a former name.
    assert [m.insee for m in resolver.resolve("Écully", "epci:200046977")] == ["69081"]


@pytest.mark.parametrize("make", ["missing", "empty"])
def test_a_bad_folder_exits_non_zero_with_a_message(cli, tmp_path, make, target):
    folder = tmp_path / "nothing"
    if make == "empty":
        folder.mkdir()
    result = run(cli, "update", str(folder))
    assert result.exit_code == 1
    assert str(folder) in result.stderr
    assert "referential" not in result.stdout.lower() or "->" not in result.stdout


def test_errors_in_french(ckan_config, tmp_path, target):
    # The command reads its options from the file, not from the test.
    ini = tmp_path / "fr.ini"
    ini.write_text(
        f"[app:main]\nuse = config:{ckan_config['__file__']}\nckan.locale_default = fr\n"
        "[loggers]\nkeys = root\n[handlers]\nkeys = console\n[formatters]\nkeys = generic\n"
        "[logger_root]\nlevel = WARN\nhandlers = console\n[handler_console]\n"
        "class = StreamHandler\nargs = (sys.stderr,)\nlevel = NOTSET\nformatter = generic\n"
        "[formatter_generic]\nformat = %%(levelname)s %%(message)s\n"
    )
    cli = CKANCliRunner(mix_stderr=False, env={"CKAN_INI": str(ini)})
    result = run(cli, "update", str(tmp_path / "rien"))
    assert result.exit_code == 1
    assert "n'est pas un dossier" in result.stderr
