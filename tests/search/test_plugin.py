"""The ``territoires_search`` plugin wires the backend at start-up and the
guard of Solr-only syntax on searches."""

from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk
import pysolr
import pytest
from ckan.lib.search import common
from ckan.lib.search.common import SearchQueryError

from ckanext.territoires.search import backend
from ckanext.territoires.search.connection import PostgresSearchConnection

pytestmark = pytest.mark.ckan_config("ckan.plugins", "territoires_search")


@pytest.fixture
def plugin(with_plugins):
    return p.get_plugin("territoires_search")


@pytest.fixture
def uninstalled(plugin):
    """The backend as before CKAN's start-up; installed again afterwards, with
    the text search configuration the other tests use."""
    text_config = PostgresSearchConnection.text_config
    backend.uninstall()
    yield plugin
    backend.uninstall()
    backend.install()
    PostgresSearchConnection.text_config = text_config


@pytest.mark.ckan_config("ckanext.territoires.search.text_search_config", "simple")
def test_postgresql_backend_is_installed_at_start_up(uninstalled):
    uninstalled.update_config(tk.config)
    assert backend.is_installed()
    assert isinstance(common.make_connection(), PostgresSearchConnection)
    assert PostgresSearchConnection.text_config == "simple"


@pytest.mark.ckan_config("ckanext.territoires.search.backend", "solr")
def test_solr_backend_leaves_ckan_its_own_connection(uninstalled):
    uninstalled.update_config(tk.config)
    assert not backend.is_installed()
    assert isinstance(common.make_connection(), pysolr.Solr)


def test_solr_only_syntax_is_refused_with_the_postgresql_backend(plugin):
    with pytest.raises(SearchQueryError, match="local parameters"):
        plugin.before_dataset_search({"q": "{!lucene}velo"})
    params = {"q": "velo", "fq": "+dataset_type:dataset"}
    assert plugin.before_dataset_search(params) is params


def test_solr_keeps_its_own_syntax(uninstalled):
    params = {"q": "{!lucene}velo"}
    assert uninstalled.before_dataset_search(params) is params
