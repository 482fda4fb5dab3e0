"""Populations: population municipale (INSEE legal populations) of a known year."""

from __future__ import annotations

from ckanext.territoires.referential import population

from .fixtures import ref


def test_populations_are_municipal_populations_of_a_known_year(ref):
    lyon = population.commune_population(ref, "69123")
    assert (lyon.value, lyon.year, lyon.source) == (519127, 2023, "Insee")
    # An EPCI: the sum of its communes' populations municipales, same year.
    metropole = population.epci_population(ref, "200046977")
    assert metropole.value == sum(
        ref.communes[code].population for code in ref.epcis["200046977"].members
    )
    assert metropole.year == 2023
    assert population.commune_population(ref, "99999") is None
