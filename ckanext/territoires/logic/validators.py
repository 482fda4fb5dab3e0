"""Validators of the dataset schema (coverage), of the commune groups and of
the organisations (the place they publish for)."""

from __future__ import annotations

import json
import re
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.territoires import licences, territory
from ckanext.territoires.communes import membership, organizations
from ckanext.territoires.referential import PlaceError, get_referential, resolve, resolve_many

__all__ = [
    "territoires_coverage",
    "territoires_coverage_from_geometry",
    "territoires_coverage_output",
    "territoires_frequency",
    "territoires_identity",
    "territoires_keep_stored",
    "territoires_licence",
    "territoires_organization_commune",
    "territoires_organization_intercommunality",
    "territoires_search_filters",
]

_SEPARATORS = re.compile(r"[;\n]+")


def _values(value: Any) -> list[str]:
    if value is None or value is tk.missing:
        return []
    if isinstance(value, (list, tuple)):
        return [str(item) for item in value if item is not None]
    text = str(value).strip()
    if text.startswith("["):
        try:
            parsed = json.loads(text)
        except ValueError:
            raise tk.Invalid(tk._("Invalid JSON list of places: %s") % text) from None
        return [str(item) for item in parsed if item is not None]
    return [part for part in _SEPARATORS.split(text) if part.strip()]


def territoires_coverage(value: Any, context: dict) -> Any:
    """Places of the territory -> JSON list of current INSEE codes, sorted.

    Accepts a list (or a JSON list, or values separated by ";" or new
    lines) of INSEE codes, former codes, postal codes, names, INSEE URIs,
    data.gouv.fr zone ids, EPCI SIRENs or names, arrondissements, "*" for
    the whole territory; a bare 5-character code is an INSEE code here
    (write ``cp:69003`` for a postal code). An ambiguous or unknown value is refused with the
    referential's message (candidates listed), in the user's language.
    """
    if value is tk.missing or value is None:
        return value
    # The form's choices and the stored value are INSEE codes: a bare code
    # is read as one even where it is also a postal code.
    codes, errors = resolve_many(_values(value), territory.configured_scope(), codes_as_insee=True)
    if errors:
        raise tk.Invalid(" ".join(error.text.render(tk._) for error in errors))
    return json.dumps(sorted(codes))


def _is_empty(value: Any) -> bool:
    if value is tk.missing or value is None:
        return True
    if isinstance(value, (list, tuple)):
        return not any(str(item).strip() for item in value if item is not None)
    return str(value).strip() in ("", "[]")


def territoires_coverage_from_geometry(key, data, errors, context):
    """A dataset saved without communes but with DCAT spatial coverage
    geometries (``spatial_coverage``: ``geom``, ``bbox``, else ``centroid``)
    gets the communes of the territory those geometries cover (the rule of
    ``geography/coverage.py``). Communes given explicitly are kept as they
    are; geometries outside the territory or not usable leave it empty."""
    if not _is_empty(data.get(key)):
        return
    items: dict[Any, dict[str, Any]] = {}
    for field_key, value in data.items():
        if len(field_key) == 3 and field_key[0] == "spatial_coverage" and value:
            items.setdefault(field_key[1], {})[field_key[2]] = value
    shapes = [item[name] for item in items.values() for name in ("geom", "bbox") if item.get(name)]
    values = shapes or [item["centroid"] for item in items.values() if item.get("centroid")]
    if not values:
        return
    from ckanext.territoires.geography import coverage, extents, get_outlines

    outlines = get_outlines()
    usable, _refused = extents.read_extents(values, outlines.france_area())
    if usable:
        found = coverage.covered_communes(usable, territory.configured_scope(), outlines)
        if found.codes:
            data[key] = found.codes


def territoires_coverage_output(value: Any) -> list[str]:
    """Stored JSON text -> list of INSEE codes."""
    return membership.coverage_codes(value)


def territoires_identity(key, data, errors, context):
    """Identity fields of a territorial group belong to ``ckan territoires load``.

    On update, a missing value is restored from the stored group and a
    different value is refused; on creation (sysadmins only) any value goes.
    """
    field = key[-1]
    group = context.get("group")
    if group is None or context.get("territoires_load"):
        return
    stored = (
        group.name
        if field == "name"
        else group.title
        if field == "title"
        else group.extras.get(field)
    )
    value = data.get(key)
    if value is tk.missing or value is None or value == "":
        data[key] = stored if stored is not None else tk.missing
        return
    if stored is not None and str(value) != str(stored):
        errors[key].append(
            tk._(
                "This field is maintained by 'ckan territoires load' from the official "
                "referential and cannot be changed here."
            )
        )
        raise tk.StopOnError


def territoires_frequency(key, data, errors, context) -> None:
    """An update frequency -> its EU vocabulary IRI.

    Accepts EU IRIs and codes (``MONTHLY``), Dublin Core frequency IRIs,
    udata's names and words (``monthly``, ``mensuelle``); anything else is
    refused with the accepted values. Left empty (the form's blank choice,
    ``""`` or null), the field is removed: nothing is stored.
    """
    from ckanext.territoires import vocabularies

    value = data.get(key)
    if value is tk.missing or value is None or str(value).strip() == "":
        data.pop(key, None)
        raise tk.StopOnError
    iri = vocabularies.frequency_uri(value)
    if iri is None:
        raise tk.Invalid(
            tk._("Unknown update frequency: %(value)s. Use one of: %(accepted)s")
            % {
                "value": value,
                "accepted": ", ".join(term.code for term in vocabularies.FREQUENCIES),
            }
        )
    data[key] = iri


def territoires_licence(value: Any, context: dict) -> Any:
    """A licence -> its id in the licence register.

    An id of the register is kept (CKAN's behaviour), a licence named by its
    URI or a usual label ("Licence Ouverte v2.0", "ODbL", "CC-BY 4.0",
    https://creativecommons.org/licenses/by/4.0/...) becomes its id; any
    other value is kept as it is, as CKAN keeps any licence id.
    """
    if value is tk.missing or value is None:
        return value
    return licences.licence_id(value)


def territoires_keep_stored(key, data, errors, context):
    """Provenance fields belong to the harvester (``harvesters/``).

    The dataset form does not carry them: on update, a missing or empty
    value is restored from the stored dataset, so that an officer editing
    a harvested dataset does not erase where it comes from. The harvester
    itself (context flag ``territoires_harvest``) writes what it wants.
    """
    if context.get("territoires_harvest"):
        return
    value = data.get(key)
    if value is not tk.missing and value is not None and value != "":
        return
    package = context.get("package")
    stored = package.extras.get(key[-1]) if package is not None else None
    if stored:
        data[key] = stored


_FIELD_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def territoires_search_filters(value: Any, context: dict) -> dict[str, list[str]]:
    """``{field: value or [values]}`` (or its JSON text) -> ``{field: [values]}``.

    Field names are plain index field names; values are strings.
    """
    if isinstance(value, str):
        try:
            value = json.loads(value) if value.strip() else {}
        except ValueError:
            raise tk.Invalid(
                tk._("Filters must be a JSON object of field names and values.")
            ) from None
    if not isinstance(value, dict):
        raise tk.Invalid(tk._("Filters must be a JSON object of field names and values."))
    filters: dict[str, list[str]] = {}
    for field, values in value.items():
        if not isinstance(field, str) or not _FIELD_NAME.match(field):
            raise tk.Invalid(tk._("Invalid filter field name: %s") % field)
        values = values if isinstance(values, (list, tuple)) else [values]
        if not all(isinstance(item, (str, int, float)) for item in values):
            raise tk.Invalid(tk._("The values of the filter %s must be strings.") % field)
        filters[field] = [str(item) for item in values if str(item).strip()]
    return filters


# --- organisations: the place they publish for ----------------------------------------

#: How a value may designate ONE commune (not a group of communes).
_COMMUNE_MATCHES = frozenset(
    (
        "insee",
        "old_insee",
        "commune_deleguee",
        "arrondissement",
        "postal_code",
        "siren",
        "name",
        "former_name",
        "insee_uri",
        "zone_id",
    )
)
_EPCI_MATCHES = frozenset(("epci_siren", "epci_name"))


def _organization_id(data, context) -> str | None:
    """The organisation being updated (CKAN puts it in the context), or the
    id (or name) given; None on creation."""
    group = context.get("group")
    if group is not None and getattr(group, "is_organization", False):
        return group.id
    given = data.get(("id",))
    return given if isinstance(given, str) and given else None


def _refuse_taken(key, data, errors, context, code: str, place: str) -> None:
    other = organizations.other_organization(key[-1], code, _organization_id(data, context))
    if other is not None:
        errors[key].append(
            tk._("%(place)s already has its organisation: %(organization)s.")
            % {"place": place, "organization": other.title or other.name}
        )
        raise tk.StopOnError


def _given_code(key, data) -> str | None:
    """The code to check, or None. Not given: no extra (scheming's
    ``convert_to_extras`` is skipped); given empty: an empty extra, which
    unlinks the organisation (an update keeps the extras it leaves out)."""
    value = data.get(key)
    if value is tk.missing or value is None:
        data.pop(key, None)
        raise tk.StopOnError
    if not str(value).strip():
        data[key] = ""
        return None
    return str(value).strip()


def _blank(value: Any) -> bool:
    return value is tk.missing or value is None or not str(value).strip()


def territoires_organization_commune(key, data, errors, context):
    """The commune an organisation publishes for -> its INSEE code.

    Any value the resolver reads as ONE commune of the territory (INSEE
    code, former code, name, postal code...); refused when it is unknown,
    outside the territory, ambiguous or a group of communes, or when
    another organisation already publishes for that commune. Empty: the
    organisation publishes for no commune.
    """
    value = _given_code(key, data)
    if value is None:
        return
    try:
        # The stored value is an INSEE code: a bare code is read as one.
        matches = resolve(value, territory.configured_scope(), codes_as_insee=True)
    except PlaceError as error:
        errors[key].append(error.text.render(tk._))
        raise tk.StopOnError from error
    if len(matches) != 1 or matches[0].matched_as not in _COMMUNE_MATCHES:
        errors[key].append(
            tk._("%s does not designate one commune: give the INSEE code of the commune.") % value
        )
        raise tk.StopOnError
    data[key] = matches[0].insee
    _refuse_taken(key, data, errors, context, matches[0].insee, matches[0].name)


def territoires_organization_intercommunality(key, data, errors, context):
    """The intercommunality an organisation publishes for -> its SIREN.

    Its SIREN or its name, read by the resolver within the territory; an
    organisation publishes for a commune or for the intercommunality, not
    both.
    """
    value = _given_code(key, data)
    if value is None:
        return
    try:
        matches = resolve(value, territory.configured_scope())
    except PlaceError as error:
        errors[key].append(error.text.render(tk._))
        raise tk.StopOnError from error
    sirens = {match.via for match in matches if match.matched_as in _EPCI_MATCHES}
    if len(sirens) != 1 or any(match.matched_as not in _EPCI_MATCHES for match in matches):
        errors[key].append(
            tk._("%s is not an intercommunality of the territory: give its SIREN.") % value
        )
        raise tk.StopOnError
    if not _blank(data.get((*key[:-1], organizations.COMMUNE_KEY))):
        errors[key].append(
            tk._("An organisation publishes for a commune or for the intercommunality, not both.")
        )
        raise tk.StopOnError
    siren = sirens.pop() or ""
    data[key] = siren
    epci = get_referential().epcis.get(siren)
    _refuse_taken(key, data, errors, context, siren, epci.name if epci else siren)
