"""Settings: every option of the declaration has its typed reader in
config.py, the defaults come from the declaration only, values set at run
time are converted, enumerated values are validated by the declaration."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from ckan.common import config_declaration
from ckan.plugins import toolkit as tk

from ckanext.territoires import config
from tests.conftest import TERRITORY_PLUGINS

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", TERRITORY_PLUGINS),
    pytest.mark.usefixtures("with_plugins"),
]

DECLARATION = Path(config.__file__).with_name("config_declaration.yaml")

#: Each option's reader.
READERS = {
    config.SCOPE: config.scope,
    config.PAGES_LATEST_COUNT: config.pages_latest_count,
    config.PAGES_COMMUNES_PER_PAGE: config.pages_communes_per_page,
    config.HOME_COMMUNES_BLOCK: config.home_communes_block,
    config.HOME_POSITION: config.home_position,
    config.HOME_COMMUNES_COUNT: config.home_communes_count,
    config.DCAT_PUBLISHER_NAME: config.dcat_publisher_name,
    config.DCAT_PUBLISHER_URI: config.dcat_publisher_uri,
    config.QUALITY_DESCRIPTION_MIN_LENGTH: config.quality_description_min_length,
    config.QUALITY_LINK_TIMEOUT: config.quality_link_timeout,
    config.QUALITY_ALLOWED_HOSTS: config.quality_allowed_hosts,
    config.GEOGRAPHY_DIRECTORY: config.geography_directory,
    config.REFERENTIAL_DIRECTORY: config.referential_directory,
    config.CACHE_PROXY_EXPIRES: config.cache_proxy_expires,
    config.CACHE_REFRESH: config.cache_refresh,
}


def declared() -> dict[str, dict]:
    with open(DECLARATION, encoding="utf-8") as stream:
        groups = yaml.safe_load(stream)["groups"]
    return {option["key"]: option for group in groups for option in group["options"]}


def test_every_declared_option_has_a_reader_and_every_reader_an_option():
    keys = {
        value
        for name, value in vars(config).items()
        if name.isupper() and isinstance(value, str) and value.startswith("ckanext.territoires.")
    }
    assert keys == set(declared()) == set(READERS)


def test_readers_give_the_declared_defaults():
    expected = {
        config.SCOPE: "epci:200046977",
        config.PAGES_LATEST_COUNT: 5,
        config.PAGES_COMMUNES_PER_PAGE: 100,
        config.HOME_COMMUNES_BLOCK: True,
        config.HOME_POSITION: "featured",
        config.HOME_COMMUNES_COUNT: 6,
        config.DCAT_PUBLISHER_NAME: None,
        config.DCAT_PUBLISHER_URI: None,
        config.QUALITY_DESCRIPTION_MIN_LENGTH: 200,
        config.QUALITY_LINK_TIMEOUT: 10,
        config.QUALITY_ALLOWED_HOSTS: [],
        # no default: a folder under ckan.storage_path
        config.GEOGRAPHY_DIRECTORY: tk.config["ckan.storage_path"] + "/territoires/outlines",
        config.REFERENTIAL_DIRECTORY: tk.config["ckan.storage_path"] + "/territoires/referential",
        config.CACHE_PROXY_EXPIRES: 1,
        config.CACHE_REFRESH: 300,
    }
    assert {key: reader() for key, reader in READERS.items()} == expected
    for key, option in declared().items():
        if "default" in option and key != config.SCOPE:  # test.ini sets the scope
            assert str(option["default"]).lower() in (str(expected[key]).lower(), ""), key


@pytest.mark.ckan_config("ckanext.territoires.pages.latest_count", "8")
@pytest.mark.ckan_config("ckanext.territoires.home.communes_block", "false")
@pytest.mark.ckan_config("ckanext.territoires.quality.link_timeout", "3")
@pytest.mark.ckan_config("ckanext.territoires.quality.allowed_hosts", "Intranet.example 127.0.0.1")
@pytest.mark.ckan_config("ckanext.territoires.dcat.publisher_name", "Grand Lyon Data")
def test_values_set_at_run_time_are_converted():
    assert config.pages_latest_count() == 8
    assert config.home_communes_block() is False
    assert config.quality_link_timeout() == 3
    assert config.quality_allowed_hosts() == ["Intranet.example", "127.0.0.1"]
    assert config.dcat_publisher_name() == "Grand Lyon Data"


def test_the_declaration_refuses_bad_values():
    """(CKAN refuses to start with them.)"""
    bad = {config.HOME_POSITION: "middle", config.QUALITY_LINK_TIMEOUT: "0"}
    _, errors = config_declaration.validate({**tk.config, **bad})
    assert set(bad) <= set(errors)
    assert not set(errors) & set(READERS) - set(bad)
