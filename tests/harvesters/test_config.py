"""The harvesters' options: defaults from the declaration only, typed readers."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ckanext.territoires.harvesters import config
from tests.harvesters.conftest import HARVEST_PLUGINS

DECLARATION = Path(config.__file__).with_name("config_declaration.yaml")


def declared_defaults() -> dict[str, str]:
    groups = yaml.safe_load(DECLARATION.read_text(encoding="utf-8"))["groups"]
    return {
        option["key"].removeprefix(config.PREFIX): str(option["default"])
        for group in groups
        for option in group["options"]
    }


@pytest.mark.ckan_config("ckan.plugins", HARVEST_PLUGINS)
@pytest.mark.usefixtures("with_plugins")
def test_readers_return_the_declared_defaults():
    defaults = declared_defaults()
    assert config.allowed_hosts() == tuple(defaults["allowed_hosts"].split())
    assert config.local_roots() == (
        config.DEMO_DIR,
        config.generated_demo_dir(),
        *defaults["local_roots"].split(),
    )
    assert config.backoff() == int(defaults["backoff_ms"]) / 1000
    for name in ("connect_timeout", "read_timeout", "total_timeout", "max_retry_after"):
        assert getattr(config, name)() == float(defaults[name])
    for name in ("max_bytes", "retries", "max_pages", "grace_days", "stale_minutes"):
        value = getattr(config, name)()
        assert type(value) is int and value == int(defaults[name])
    options = config.client_options()
    assert options.max_bytes == config.max_bytes() and options.backoff == config.backoff()


@pytest.mark.ckan_config("ckan.plugins", HARVEST_PLUGINS)
@pytest.mark.ckan_config("ckanext.territoires.harvest.allowed_hosts", "10.0.0.0/8 intranet.test")
@pytest.mark.ckan_config("ckanext.territoires.harvest.local_roots", "/srv/catalogues")
@pytest.mark.ckan_config("ckanext.territoires.harvest.backoff_ms", "250")
@pytest.mark.usefixtures("with_plugins")
def test_configured_values_are_typed(ckan_config, monkeypatch):
    options = config.client_options()
    assert options.allowed_hosts == ("10.0.0.0/8", "intranet.test")
    assert options.local_roots == (config.DEMO_DIR, config.generated_demo_dir(), "/srv/catalogues")
    assert options.backoff == 0.25
    monkeypatch.setitem(ckan_config, "ckanext.territoires.harvest.grace_days", "3")
    assert config.grace_days() == 3  # set as text after the plugins loaded
