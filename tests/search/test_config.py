"""The options of ``territoires_search``: read through ``search/config.py``,
defaulted and validated by CKAN from ``search/config_declaration.yaml``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import ckan.plugins.toolkit as tk
import pytest
from ckan.common import config_declaration
from ckan.config import environment
from ckan.config.declaration import Key
from ckan.exceptions import CkanConfigurationException

from ckanext.territoires.search import config as search_config

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", "territoires_search"),
    pytest.mark.usefixtures("with_plugins"),
]


def declared_default(key: str):
    return config_declaration[Key.from_string(key)].default


def test_defaults_come_from_the_declaration():
    # test.ini sets neither option: CKAN filled in the declared defaults.
    assert search_config.backend() == declared_default(search_config.BACKEND) == "postgresql"
    assert (
        search_config.text_search_config()
        == declared_default(search_config.TEXT_SEARCH_CONFIG)
        == "territoires_fr"
    )


# solr: loading the plugin must not install the backend with "simple" for
# the tests that follow.
@pytest.mark.ckan_config("ckanext.territoires.search.backend", "solr")
@pytest.mark.ckan_config("ckanext.territoires.search.text_search_config", "simple")
def test_readers_return_the_configured_values():
    assert search_config.backend() == search_config.SOLR
    assert search_config.text_search_config() == "simple"


def test_backend_accepts_only_its_declared_values():
    for value in (search_config.POSTGRESQL, search_config.SOLR):
        _, errors = config_declaration.validate({search_config.BACKEND: value})
        assert search_config.BACKEND not in errors
    _, errors = config_declaration.validate({search_config.BACKEND: "elasticsearch"})
    assert errors[search_config.BACKEND] == ["Value must be one of ['postgresql', 'solr']"]


def test_invalid_backend_stops_start_up(monkeypatch):
    # What CKAN runs at start-up (load_environment) and on every plugin load.
    monkeypatch.setitem(tk.config, search_config.BACKEND, "elasticsearch")
    try:
        with pytest.raises(CkanConfigurationException) as raised:
            environment.update_config()
    finally:
        monkeypatch.undo()
        environment.update_config()  # CKAN set up again, as the next tests expect
    assert str(raised.value) == (
        "Invalid configuration values provided:\n"
        "ckanext.territoires.search.backend: Value must be one of ['postgresql', 'solr']"
    )


def test_invalid_backend_in_the_ini_file_stops_the_ckan_command(tmp_path: Path):
    test_ini = Path(tk.config["__file__"]).resolve()
    # test.ini with the option set, and its logging sections (the ckan
    # command reads those from the file it is given).
    logging_sections = test_ini.read_text().partition("\n[loggers]")[2]
    ini = tmp_path / "invalid.ini"
    ini.write_text(
        "[app:main]\nuse = config:%s\nckanext.territoires.search.backend = elasticsearch\n"
        "\n[loggers]%s" % (test_ini, logging_sections)
    )
    ckan = Path(sys.executable).with_name("ckan")
    result = subprocess.run(
        [str(ckan), "-c", str(ini), "config", "validate"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode != 0
    assert (
        "ckanext.territoires.search.backend: Value must be one of ['postgresql', 'solr']"
        in result.stdout + result.stderr
    )
