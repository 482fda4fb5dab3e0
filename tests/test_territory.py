"""The scope option at start-up."""

from __future__ import annotations

import pytest
from ckan.exceptions import CkanConfigurationException

from ckanext.territoires import territory


def test_default_scope_is_lyon():
    scope = territory.configured_scope()
    assert scope.label == "Métropole de Lyon"
    assert len(scope.communes) == 58


@pytest.mark.ckan_config("ckanext.territoires.scope", "epci:123456789")
def test_invalid_scope_stops_start_up_with_its_message():
    with pytest.raises(
        CkanConfigurationException, match=r'Invalid value "epci:123456789".*no EPCI'
    ):
        territory.check_configured_scope()


@pytest.mark.ckan_config("ckanext.territoires.scope", "departement:69 commune:01004")
def test_several_entries():
    scope = territory.check_configured_scope()
    assert "01004" in scope.communes and "69123" in scope.communes


@pytest.mark.ckan_config("ckan.plugins", "territoires")
@pytest.mark.ckan_config("ckanext.territoires.scope", "region:99x")
def test_plugin_refuses_to_load_with_a_bad_scope():
    from ckan.plugins import load, unload

    with pytest.raises(CkanConfigurationException, match="region:99x"):
        load("territoires")
    unload("territoires")


@pytest.mark.parametrize(
    "code, expected",
    [
        ("69123", "de Lyon"),
        ("69081", "d'Écully"),
        ("69149", "d'Oullins-Pierre-Bénite"),
        ("69152", "d'Oullins-Pierre-Bénite"),  # a former code: its current commune
        ("72181", "du Mans"),
        ("04116", "des Mées"),
        ("01049", "de La Boisse"),
        ("04079", "de L'Escale"),
        ("60703", "des Marais"),
        ("99999", None),
    ],
)
def test_french_of_contracts_the_article(code, expected):
    assert territory.french_of(code) == expected
