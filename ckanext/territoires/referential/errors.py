"""Exceptions of the referential, with the structured data behind their message.

Messages are plain English sentences with French place names (the source
language of CKAN's strings); callers that translate can rebuild their own
from the attributes.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .scope import Scope


@dataclass(frozen=True, slots=True)
class Candidate:
    """One place a value could designate, for error messages and pickers.

    ``code`` is the INSEE code of the current commune the place stands for
    (for a commune déléguée: the commune it belongs to), or the SIREN for an
    EPCI, or the code of a département/région.
    """

    code: str
    name: str
    #: commune, commune-deleguee, commune-associee, arrondissement-municipal,
    #: epci, departement, region, postal_code or territory.
    type: str
    departement: str | None = None
    departement_name: str | None = None
    #: For déléguées/associées/arrondissements: the current commune's name.
    commune_name: str | None = None
    #: The code the value matched when it differs from ``code`` (the
    #: déléguée's or arrondissement's own code, the old code...).
    via: str | None = None

    @property
    def label(self) -> str:
        """Human description: "Sainte-Colombe (69 Rhône, INSEE 69189)"."""
        where = f"{self.departement} {self.departement_name}" if self.departement else None
        if self.type == "epci":
            details = ", ".join(filter(None, [f"EPCI, SIREN {self.code}", where and f"mainly {where}"]))
            return f"{self.name} ({details})"
        if self.type in ("departement", "region"):
            return f"{self.type} {self.name} ({self.code})"
        if self.type == "postal_code":
            return f"postal code {self.code}"
        if self.type == "territory":
            return self.name
        details = ", ".join(filter(None, [where, f"INSEE {self.code}"]))
        name = self.name
        if self.commune_name and self.commune_name != self.name:
            kind = {
                "commune-deleguee": "commune déléguée",
                "commune-associee": "commune associée",
                "arrondissement-municipal": "arrondissement",
            }.get(self.type, self.type)
            name = f"{self.name}, {kind} of {self.commune_name}"
        return f"{name} ({details})"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self) | {"label": self.label}


class PlaceError(ValueError):
    """A value that cannot be turned into communes. ``value`` is the input."""

    def __init__(self, value: str, message: str):
        super().__init__(message)
        self.value = value
        self.message = message


class UnknownPlace(PlaceError):
    """Nothing in the referential matches the value."""


class AmbiguousPlace(PlaceError):
    """The value matches several places; ``candidates`` lists them (sorted)."""

    def __init__(self, value: str, candidates: list[Candidate] | tuple[Candidate, ...]):
        self.candidates = tuple(candidates)
        listed = "; ".join(candidate.label for candidate in self.candidates)
        hint = (
            'add the département, e.g. "%s (%s)", or give the INSEE code'
            % (value.strip(), self.candidates[0].departement)
            if self.candidates and self.candidates[0].departement
            and all(candidate.type != "epci" for candidate in self.candidates)
            else "give the code instead"
        )
        types = {candidate.type for candidate in self.candidates}
        noun = "EPCI" if types == {"epci"} else "places" if "epci" in types else "communes"
        super().__init__(
            value,
            f'"{value.strip()}" is ambiguous: {len(self.candidates)} {noun} match: {listed}. '
            f"To choose one, {hint}.",
        )


class OutsideScope(PlaceError):
    """The value designates places, none of which is in the portal's territory.

    ``places`` are the places found (outside ``scope``); ``hint`` an optional
    suggestion appended to the message.
    """

    def __init__(self, value: str, places: list[Candidate] | tuple[Candidate, ...], scope: "Scope",
                 hint: str | None = None):
        self.places = tuple(places)
        self.scope = scope
        territory = f"the territory ({scope.label})"
        if len(self.places) == 1:
            place = self.places[0]
            if place.type in ("commune", "commune-deleguee", "commune-associee", "arrondissement-municipal"):
                message = f"{place.label} is outside {territory}."
            else:
                message = f"{place.label} has no commune in {territory}."
        else:
            listed = "; ".join(place.label for place in self.places)
            message = (
                f'"{value.strip()}" matches {len(self.places)} places, none of which is in '
                f"{territory}: {listed}."
            )
        self.hint = hint
        super().__init__(value, f"{message} {hint}" if hint else message)


class ScopeError(ValueError):
    """An invalid territory scope. ``value`` is the offending entry."""

    def __init__(self, value: str, reason: str, message: str):
        super().__init__(message)
        self.value = value
        self.reason = reason
        self.message = message
