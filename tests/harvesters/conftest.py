"""Fixtures of the harvester tests: local servers, plugins, harvest helpers."""

from __future__ import annotations

import pytest

from tests.conftest import TERRITORY_PLUGINS
from tests.harvesters.fake_apis import FakeCkan, recorded_ckan_datasets
from tests.harvesters.server import LocalServer

#: Plugins of the harvest tests: the territory's, ckanext-harvest and ours.
HARVEST_PLUGINS = TERRITORY_PLUGINS + (
    " harvest territoires_harvest territoires_ckan_harvester territoires_dcat_harvester"
    " territoires_ods_harvester territoires_udata_harvester territoires_csw_harvester"
)

#: Options of every harvest test: the local servers are allowed, retries fast.
HARVEST_OPTIONS = {
    "ckan.plugins": HARVEST_PLUGINS,
    "ckanext.territoires.harvest.allowed_hosts": "127.0.0.1",
    "ckanext.territoires.harvest.backoff_ms": "5",
    "ckanext.territoires.harvest.retries": "2",
    "ckanext.territoires.harvest.connect_timeout": "2",
    "ckanext.territoires.harvest.read_timeout": "2",
    "ckanext.territoires.harvest.total_timeout": "10",
}


def harvest_marks(**overrides):
    """pytest marks of a harvest test module (``ckan_config`` + fixtures)."""
    options = {**HARVEST_OPTIONS, **overrides}
    return [pytest.mark.ckan_config(key, value) for key, value in options.items()] + [
        pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
    ]


@pytest.fixture
def server():
    local = LocalServer().start()
    yield local
    local.stop()


@pytest.fixture
def remote(server):
    """A CKAN portal's API serving the recorded CKAN/DKAN datasets: (the fake
    portal, its URL)."""
    fake = FakeCkan(recorded_ckan_datasets())
    return fake, fake.mount(server)


def harvest_ini(ckan_config, tmp_path, **extra: str):
    """An ini adding the harvest plugins and options (and ``extra`` options)
    to test.ini, for the commands a test runs (they load their plugins from
    the file, not from the test)."""
    ini = tmp_path / "harvest-test.ini"
    options = "\n".join(f"{key} = {value}" for key, value in {**HARVEST_OPTIONS, **extra}.items())
    logging = (
        "[loggers]\nkeys = root\n[handlers]\nkeys = console\n[formatters]\nkeys = generic\n"
        "[logger_root]\nlevel = WARN\nhandlers = console\n"
        "[handler_console]\nclass = StreamHandler\nargs = (sys.stderr,)\nlevel = NOTSET\n"
        "formatter = generic\n[formatter_generic]\nformat = %(levelname)s %(message)s\n"
    )
    ini.write_text(
        f"[app:main]\nuse = config:{ckan_config['__file__']}\n{options}\n"
        + logging.replace("%(", "%%(")
    )
    return ini


def cli_runner(ckan_config, tmp_path, **extra: str):
    """CKAN's CLI runner on :func:`harvest_ini`."""
    from ckan.tests.helpers import CKANCliRunner

    ini = harvest_ini(ckan_config, tmp_path, **extra)
    return CKANCliRunner(mix_stderr=False, env={"CKAN_INI": str(ini)})


@pytest.fixture
def harvest_cli(ckan_config, tmp_path):
    """CKAN's CLI runner with the harvest plugins and options (see :func:`cli_runner`)."""
    return cli_runner(ckan_config, tmp_path)
