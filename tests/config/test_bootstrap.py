"""config/bootstrap.py: the territory of the rendered ckan.ini (TERRITOIRES_SCOPE)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def bootstrap(monkeypatch, tmp_path):
    spec = importlib.util.spec_from_file_location("bootstrap", ROOT / "config" / "bootstrap.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "SECRETS_FILE", str(tmp_path / "secrets"))
    monkeypatch.setenv("CKAN_STORAGE_PATH", str(tmp_path / "storage"))
    monkeypatch.delenv("TERRITOIRES_SCOPE", raising=False)
    return module


def scope_line(ini: Path) -> str:
    [line] = [x for x in ini.read_text().splitlines() if x.startswith("ckanext.territoires.scope")]
    return line


def test_the_ini_is_rendered_for_the_territory_asked(bootstrap, monkeypatch, tmp_path):
    ini = tmp_path / "ckan.ini"
    bootstrap.render_ini(str(ini))
    assert scope_line(ini) == "ckanext.territoires.scope = epci:200046977"
    monkeypatch.setenv("TERRITOIRES_SCOPE", "epci:200067106")
    bootstrap.render_ini(str(ini))
    assert scope_line(ini) == "ckanext.territoires.scope = epci:200067106"


def test_a_new_territory_is_written_into_the_ini_and_only_that(bootstrap, monkeypatch, tmp_path):
    ini = tmp_path / "ckan.ini"
    bootstrap.render_ini(str(ini))
    before = ini.read_text().splitlines()
    assert bootstrap.set_scope(str(ini)) is False  # no TERRITOIRES_SCOPE: unchanged
    monkeypatch.setenv("TERRITOIRES_SCOPE", "departement:64,region:84")
    assert bootstrap.set_scope(str(ini)) is True
    after = ini.read_text().splitlines()
    assert scope_line(ini) == "ckanext.territoires.scope = departement:64 region:84"
    assert [a for a, b in zip(after, before, strict=True) if a != b] == [scope_line(ini)]
    assert bootstrap.set_scope(str(ini)) is False  # the same again: unchanged


def test_a_territory_that_is_not_one_is_refused_with_its_reason(
    bootstrap, monkeypatch, tmp_path, capsys
):
    ini = tmp_path / "ckan.ini"
    bootstrap.render_ini(str(ini))
    before = ini.read_text()
    monkeypatch.setenv("TERRITOIRES_SCOPE", "epci:123456789")
    assert bootstrap.main(["bootstrap.py", "set-scope", str(ini)]) == 1
    assert "TERRITOIRES_SCOPE" in capsys.readouterr().err
    assert ini.read_text() == before


def test_the_title_is_written_only_when_given(bootstrap, monkeypatch, tmp_path):
    ini = tmp_path / "ckan.ini"
    bootstrap.render_ini(str(ini))
    assert not [x for x in ini.read_text().splitlines() if x.startswith("ckan.site_title")]
    monkeypatch.setenv("CKAN_SITE_TITLE", "Open data Pays Basque")
    bootstrap.render_ini(str(ini))
    assert "ckan.site_title = Open data Pays Basque" in ini.read_text().splitlines()
