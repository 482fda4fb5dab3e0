"""Populations of the referential: which figure, of which year, from whom.

``@etalab/decoupage-administratif`` gives each commune its *population
municipale* from INSEE's legal populations ("populations légales"): the
people whose usual residence is in the commune, counted by the census. The
legal populations of year Y (reference date 1 January Y) are published at
the end of Y+2 and in force from 1 January Y+3, so the 2026 release (6.0.0)
carries the populations municipales 2023. An EPCI's population is shown as
the sum of its communes' populations municipales (the same figure as the
commune pages; upstream's ``populationTotale`` adds people counted
elsewhere, e.g. students, and is not shown).

The year is the ``population_year`` of the referential's source when the
build recorded it (``ckan territoires referential update --population-year``),
else the one known for the release, else unknown.
"""

from __future__ import annotations

from dataclasses import dataclass

from .store import Referential

DEFINITION = "population municipale"
SOURCE = "Insee"
#: Year of the populations municipales of each release (from its README's
#: sources and INSEE's calendar: release of year N -> populations of N-3).
KNOWN_YEARS = {"6.0.0": 2023}


@dataclass(frozen=True, slots=True)
class Population:
    value: int
    year: int | None
    source: str = SOURCE


def population_year(ref: Referential) -> int | None:
    recorded = ref.source.get("population_year")
    if recorded:
        return int(recorded)
    return KNOWN_YEARS.get(ref.source.get("version", ""))


def commune_population(ref: Referential, insee: str) -> Population | None:
    commune = ref.current_commune(insee)
    if commune is None or commune.population is None:
        return None
    return Population(commune.population, population_year(ref))


def epci_population(ref: Referential, siren: str) -> Population | None:
    epci = ref.epcis.get(siren)
    figures = [ref.communes[code].population for code in epci.members] if epci else []
    if not figures or any(figure is None for figure in figures):
        return None
    return Population(sum(f for f in figures if f is not None), population_year(ref))
