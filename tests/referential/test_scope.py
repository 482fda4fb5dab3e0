"""``ckanext.territoires.scope`` parsing."""

from __future__ import annotations

import pytest

from ckanext.territoires.referential import DEFAULT_SCOPE, ScopeError, parse_scope

from .fixtures import lyon, ref


def test_default_scope_is_the_metropole_de_lyon(ref, lyon):
    assert DEFAULT_SCOPE == "epci:200046977"
    assert len(lyon.communes) == 58
    assert lyon.communes == frozenset(ref.epcis["200046977"].members)
    assert lyon.epcis == ("200046977",)
    assert lyon.values == ("epci:200046977",)
    assert lyon.label == "Métropole de Lyon"
    assert "69123" in lyon and "69149" in lyon and "69081" in lyon
    assert "01001" not in lyon
    # Current communes only: arrondissements and old codes are not members.
    assert "69381" not in lyon and "69152" not in lyon


def test_several_entries_are_united(ref):
    scope = parse_scope("epci:200046977 commune:01001, departement:2A")
    assert scope.values == ("epci:200046977", "commune:01001", "departement:2A")
    assert len(scope.communes) == 58 + 1 + len(ref.communes_by_departement["2A"])
    assert parse_scope(["epci:200046977", "commune:01001"]).values == (
        "epci:200046977",
        "commune:01001",
    )


def test_entries_are_normalised_and_deduplicated(ref):
    scope = parse_scope("Département:69 departement:69 region:84 departement:1 commune:2a004")
    assert scope.values == ("departement:69", "region:84", "departement:01", "commune:2A004")
    assert len(scope.communes) == len(ref.communes_by_region["84"]) + 1


def test_region_scope(ref):
    scope = parse_scope("region:84")
    assert scope.communes == frozenset(ref.communes_by_region["84"])
    assert scope.label == "région Auvergne-Rhône-Alpes"


@pytest.mark.parametrize(
    "value, reason, words",
    [
        ("", "empty", ["empty"]),
        ("   ", "empty", ["empty"]),
        ("200046977", "malformed", ["kind:code"]),
        ("epci:", "malformed", ["kind:code"]),
        ("canton:6901", "unknown_kind", ['unknown kind "canton"']),
        ("epci:2000", "malformed", ["SIREN"]),
        ("epci:999999999", "unknown_code", ["no EPCI"]),
        ("epci:216901231", "unknown_code", ["commune Lyon", "commune:69123"]),
        ("departement:00", "unknown_code", ["00"]),
        ("departement:Rhône", "malformed", ["departement code"]),
        ("region:99", "unknown_code", ["99"]),
        ("commune:691", "malformed", ["INSEE"]),
        ("commune:99999", "unknown_code", ["99999"]),
        ("commune:69152", "not_current", ["Oullins-Pierre-Bénite", "commune:69149"]),
        ("commune:69381", "not_current", ["Lyon", "commune:69123"]),
    ],
)
def test_invalid_values_are_refused_clearly(value, reason, words):
    with pytest.raises(ScopeError) as raised:
        parse_scope(value)
    error = raised.value
    message = str(error)
    assert error.reason == reason
    assert "ckanext.territoires.scope" in message
    # The message names the bad entry and lists the accepted forms.
    if value.strip():
        assert f'"{value}"' in message and error.value == value
    for form in ("epci:<SIREN>", "departement:<code>", "region:<code>", "commune:<INSEE code>"):
        assert form in message
    for word in words:
        assert word in message


def test_one_bad_entry_fails_the_whole_scope():
    with pytest.raises(ScopeError) as raised:
        parse_scope("epci:200046977 epci:123456789")
    assert raised.value.value == "epci:123456789"
