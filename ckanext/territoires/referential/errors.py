"""Exceptions of the referential, with the structured data behind their message.

Messages are plain English sentences with French place names (the source
language of CKAN's strings). Each place error also carries its message as a
:class:`Text`: an English template and its values, which a caller renders
with its own ``gettext`` (``error.text.render(_)``) to translate it; the
templates are marked with :func:`N_` for extraction.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from ckanext.territoires.translations import N_

if TYPE_CHECKING:
    from .scope import Scope


def _same(message: str) -> str:
    return message


@dataclass(frozen=True)
class Text:
    """A message: an English ``%``-template with named fields, and their
    values. A value may be a Text, or a list of Texts (joined with "; ")."""

    template: str
    values: Mapping[str, Any] = field(default_factory=dict)

    def render(self, gettext: Callable[[str], str] = _same) -> str:
        def render_value(value: Any) -> Any:
            if isinstance(value, Text):
                return value.render(gettext)
            if isinstance(value, (list, tuple)):
                return "; ".join(str(render_value(item)) for item in value)
            return value

        return gettext(self.template) % {
            key: render_value(value) for key, value in self.values.items()
        }

    def __str__(self) -> str:
        return self.render()


_KINDS = {
    "commune-deleguee": N_("commune déléguée"),
    "commune-associee": N_("commune associée"),
    "arrondissement-municipal": N_("arrondissement"),
    "former-commune": N_("former name"),
}


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
    #: former-commune (a former name), epci, departement, region,
    #: postal_code (``name``: the communes using it), country or territory.
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
        return self.text.render()

    @property
    def text(self) -> Text:
        """The label as a translatable :class:`Text`."""
        where = (
            Text(N_("%(code)s %(name)s"), {"code": self.departement, "name": self.departement_name})
            if self.departement
            else None
        )
        if self.type == "epci":
            if where:
                return Text(
                    N_("%(name)s (EPCI, SIREN %(code)s, mainly %(where)s)"),
                    {"name": self.name, "code": self.code, "where": where},
                )
            return Text(
                N_("%(name)s (EPCI, SIREN %(code)s)"), {"name": self.name, "code": self.code}
            )
        if self.type == "departement":
            return Text(
                N_("département %(name)s (%(code)s)"), {"name": self.name, "code": self.code}
            )
        if self.type == "region":
            return Text(N_("région %(name)s (%(code)s)"), {"name": self.name, "code": self.code})
        if self.type == "postal_code":
            if where and self.name != self.code:
                return Text(
                    N_("postal code %(code)s of %(name)s (%(where)s)"),
                    {"code": self.code, "name": self.name, "where": where},
                )
            return Text(N_("postal code %(code)s"), {"code": self.code})
        if self.type in ("territory", "country"):
            return Text("%(name)s", {"name": self.name})
        name: Any = self.name
        if self.commune_name and self.commune_name != self.name:
            kind = Text(_KINDS[self.type]) if self.type in _KINDS else self.type
            name = Text(
                N_("%(name)s, %(kind)s of %(commune)s"),
                {"name": self.name, "kind": kind, "commune": self.commune_name},
            )
        if where:
            return Text(
                N_("%(name)s (%(where)s, INSEE %(code)s)"),
                {"name": name, "where": where, "code": self.code},
            )
        return Text(N_("%(name)s (INSEE %(code)s)"), {"name": name, "code": self.code})

    def as_dict(self) -> dict[str, Any]:
        return asdict(self) | {"label": self.label}


class PlaceError(ValueError):
    """A value that cannot be turned into communes. ``value`` is the input;
    ``text`` the message as a :class:`Text`, ``message`` in English."""

    def __init__(self, value: str, message: str | Text):
        self.text = (
            message if isinstance(message, Text) else Text("%(message)s", {"message": message})
        )
        self.message = self.text.render()
        super().__init__(self.message)
        self.value = value


class UnknownPlace(PlaceError):
    """Nothing in the referential matches the value."""


class AmbiguousPlace(PlaceError):
    """The value matches several places; ``candidates`` lists them (sorted)."""

    def __init__(
        self,
        value: str,
        candidates: list[Candidate] | tuple[Candidate, ...],
        hint: Text | None = None,
    ):
        self.candidates = tuple(candidates)
        listed = [candidate.text for candidate in self.candidates]
        if hint is not None:
            pass
        elif (
            self.candidates
            and self.candidates[0].departement
            and all(candidate.type != "epci" for candidate in self.candidates)
        ):
            hint = Text(
                N_(
                    'add the département, e.g. "%(value)s (%(departement)s)", or give the INSEE code'
                ),
                {"value": value.strip(), "departement": self.candidates[0].departement},
            )
        else:
            hint = Text(N_("give the code instead"))
        types = {candidate.type for candidate in self.candidates}
        noun = (
            Text(N_("EPCI"))
            if types == {"epci"}
            else Text(N_("readings"))
            if "postal_code" in types
            else Text(N_("places"))
            if "epci" in types
            else Text(N_("communes"))
        )
        super().__init__(
            value,
            Text(
                N_(
                    '"%(value)s" is ambiguous: %(count)d %(noun)s match: %(listed)s. To choose one, %(hint)s.'
                ),
                {
                    "value": value.strip(),
                    "count": len(self.candidates),
                    "noun": noun,
                    "listed": listed,
                    "hint": hint,
                },
            ),
        )


class OutsideScope(PlaceError):
    """The value designates places, none of which is in the portal's territory.

    ``places`` are the places found (outside ``scope``); ``hint`` an optional
    suggestion (a str or a :class:`Text`) appended to the message.
    """

    def __init__(
        self,
        value: str,
        places: list[Candidate] | tuple[Candidate, ...],
        scope: Scope,
        hint: str | Text | None = None,
    ):
        self.places = tuple(places)
        self.scope = scope
        territory = Text(N_("the territory (%(label)s)"), {"label": scope.label})
        if len(self.places) == 1:
            place = self.places[0]
            if place.type in (
                "commune",
                "commune-deleguee",
                "commune-associee",
                "arrondissement-municipal",
            ):
                message = Text(
                    N_("%(place)s is outside %(territory)s."),
                    {"place": place.text, "territory": territory},
                )
            else:
                message = Text(
                    N_("%(place)s has no commune in %(territory)s."),
                    {"place": place.text, "territory": territory},
                )
        else:
            message = Text(
                N_(
                    '"%(value)s" matches %(count)d places, none of which is in %(territory)s: %(listed)s.'
                ),
                {
                    "value": value.strip(),
                    "count": len(self.places),
                    "territory": territory,
                    "listed": [place.text for place in self.places],
                },
            )
        self.hint = hint
        if hint:
            message = Text("%(message)s %(hint)s", {"message": message, "hint": hint})
        super().__init__(value, message)


class ScopeError(ValueError):
    """An invalid territory scope. ``value`` is the offending entry."""

    def __init__(self, value: str, reason: str, message: str):
        super().__init__(message)
        self.value = value
        self.reason = reason
        self.message = message
