"""The portal's territory: ``ckanext.territoires.scope`` parsed into communes.

The option takes one or more ``kind:code`` entries separated by spaces (or
commas): ``epci:<SIREN>``, ``departement:<code>``, ``region:<code>``,
``commune:<INSEE>``. The territory is the union of the current communes of
all entries. Anything invalid raises :class:`ScopeError` naming the bad entry
and the accepted forms, so that start-up can stop with a clear message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .errors import ScopeError
from .normalize import strip_accents
from .store import Referential, get_referential

SCOPE_OPTION = "ckanext.territoires.scope"
DEFAULT_SCOPE = "epci:200046977"  # Métropole de Lyon
SCOPE_KINDS = ("epci", "departement", "region", "commune")
ACCEPTED_FORMS = (
    "epci:<SIREN> (e.g. epci:200046977), departement:<code> (e.g. departement:69), "
    "region:<code> (e.g. region:84) or commune:<INSEE code> (e.g. commune:69123), "
    "several separated by spaces"
)

_SIREN = re.compile(r"^\d{9}$")
_INSEE = re.compile(r"^(\d{2}|2[AB])\d{3}$")
_DEPARTEMENT = re.compile(r"^(\d{2,3}|2[AB])$")
_REGION = re.compile(r"^\d{2,3}$")


@dataclass(frozen=True, slots=True)
class ScopeEntry:
    """One ``kind:code`` entry of the scope."""

    kind: str  # one of SCOPE_KINDS
    code: str
    name: str
    communes: tuple[str, ...]  # current communes, sorted INSEE codes

    @property
    def value(self) -> str:
        """Canonical form, as it would be written in the configuration."""
        return f"{self.kind}:{self.code}"

    @property
    def label(self) -> str:
        if self.kind == "epci":
            return self.name
        if self.kind == "departement":
            return f"département {self.name} ({self.code})"
        if self.kind == "region":
            return f"région {self.name}"
        return f"{self.name} ({self.code})"


@dataclass(frozen=True)
class Scope:
    """A territory: its entries and the set of its current communes."""

    entries: tuple[ScopeEntry, ...]
    #: INSEE codes of all current communes in the territory.
    communes: frozenset[str] = field(repr=False)

    def __contains__(self, insee: object) -> bool:
        return insee in self.communes

    @property
    def values(self) -> tuple[str, ...]:
        """Canonical ``kind:code`` entries (for logs and round trips)."""
        return tuple(entry.value for entry in self.entries)

    @property
    def epcis(self) -> tuple[str, ...]:
        """SIRENs of the EPCI entries of the scope."""
        return tuple(entry.code for entry in self.entries if entry.kind == "epci")

    @property
    def label(self) -> str:
        """Human name of the territory: "Métropole de Lyon"."""
        return ", ".join(entry.label for entry in self.entries)

    def sorted_communes(self) -> list[str]:
        return sorted(self.communes)


def parse_scope(
    values: str | list[str] | tuple[str, ...], referential: Referential | None = None
) -> Scope:
    """Parse the value(s) of ``ckanext.territoires.scope`` into a :class:`Scope`.

    ``values`` is the raw option (entries separated by spaces or commas) or
    a list of entries. Raises :class:`ScopeError` for an empty value, an
    entry without ``kind:``, an unknown kind, a malformed or unknown code.
    """
    ref = referential or get_referential()
    items = [values] if isinstance(values, str) else list(values)
    tokens = [token for item in items for token in re.split(r"[\s,;]+", item or "") if token]
    if not tokens:
        raise ScopeError("", "empty", f"{SCOPE_OPTION} is empty; accepted forms: {ACCEPTED_FORMS}.")

    entries: list[ScopeEntry] = []
    for token in tokens:
        entry = _parse_entry(token, ref)
        if entry.value not in {existing.value for existing in entries}:
            entries.append(entry)
    communes = frozenset(code for entry in entries for code in entry.communes)
    return Scope(tuple(entries), communes)


def _fail(token: str, reason: str, explanation: str) -> ScopeError:
    return ScopeError(
        token,
        reason,
        f'Invalid value "{token}" in {SCOPE_OPTION}: {explanation}. Accepted forms: {ACCEPTED_FORMS}.',
    )


def _parse_entry(token: str, ref: Referential) -> ScopeEntry:
    kind, colon, code = token.partition(":")
    if not colon or not code:
        raise _fail(token, "malformed", "expected kind:code")
    kind = strip_accents(kind.strip())  # "Département" -> "departement"
    code = code.strip().upper()
    if kind not in SCOPE_KINDS:
        raise _fail(token, "unknown_kind", f'unknown kind "{kind}"')

    if kind == "epci":
        if not _SIREN.match(code):
            raise _fail(token, "malformed", f'"{code}" is not a SIREN (9 digits)')
        epci = ref.epcis.get(code)
        if epci is None:
            commune_insee = ref.commune_by_siren.get(code)
            hint = (
                f"it is the SIREN of the commune {ref.communes[commune_insee].name}; "
                f"use commune:{commune_insee}"
                if commune_insee
                else "no EPCI has this SIREN"
            )
            raise _fail(token, "unknown_code", hint)
        return ScopeEntry("epci", code, epci.name, epci.members)

    if kind in ("departement", "region"):
        if code.isdigit() and len(code) == 1:
            code = "0" + code  # "departement:1" -> "01"
        pattern = _DEPARTEMENT if kind == "departement" else _REGION
        names = ref.departement_names if kind == "departement" else ref.region_names
        if not pattern.match(code):
            raise _fail(token, "malformed", f'"{code}" is not a {kind} code')
        if code not in names:
            raise _fail(token, "unknown_code", f"no {kind} has the code {code}")
        return ScopeEntry(kind, code, names[code], ref.members(kind, code))

    # commune
    if not _INSEE.match(code):
        raise _fail(token, "malformed", f'"{code}" is not an INSEE code (5 characters)')
    if code in ref.communes:
        return ScopeEntry("commune", code, ref.communes[code].name, (code,))
    current = ref.current_commune(code)
    if current is not None:
        raise _fail(
            token,
            "not_current",
            f"{code} is not the code of a current commune; it now belongs to "
            f"{current.name}: use commune:{current.insee}",
        )
    raise _fail(token, "unknown_code", f"no commune has the INSEE code {code}")
