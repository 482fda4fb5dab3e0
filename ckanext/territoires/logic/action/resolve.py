"""``territoires_resolve``: the communes a place value designates."""

from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan.logic import validate

from ckanext.territoires import territory
from ckanext.territoires.logic import schema
from ckanext.territoires.referential import ALL, PlaceError, Scope, ScopeError, parse_scope, resolve

__all__ = ["territoires_resolve"]


@tk.side_effect_free
@validate(schema.territoires_resolve)
def territoires_resolve(context, data_dict) -> list[dict[str, str]]:
    """The current communes a place value designates.

    :param q: the value: INSEE code (current or former), postal code, name
        (insensitive to case, accents, hyphens, "St"/"Saint"; former names
        of merged communes too), INSEE URI, data.gouv.fr zone id, EPCI SIREN
        or name (its usual name too: "Pays Basque"), département or région
        name or code ("2A"), arrondissement, ``*``; a bare 5-digit code that
        is the INSEE code of one commune and the postal code of others is
        refused with both readings: write ``insee:<code>`` or ``cp:<code>``
    :type q: string
    :param scope: the territory to resolve within: ``all`` for the whole of
        France, or entries like ``epci:200046977 departement:01``
        (optional, default: the portal's ``ckanext.territoires.scope``)
    :type scope: string

    :returns: the communes, sorted by INSEE code, each
        ``{"insee", "name", "type", "matched_as"}``
    :rtype: list of dictionaries

    An ambiguous value is refused (ValidationError on ``q``) with the
    candidates listed; an unknown value or one outside the scope too.
    """
    tk.check_access("territoires_resolve", context, data_dict)
    try:
        matches = resolve(data_dict["q"], _scope(data_dict.get("scope")))
    except PlaceError as error:
        raise tk.ValidationError({"q": [error.text.render(tk._)]}) from error
    return [match.as_dict() for match in matches]


def _scope(value: str | None) -> Scope | str:
    """The scope asked for: the portal's, ``ALL`` or a parsed one."""
    if not value:
        return territory.configured_scope()
    if value.strip().lower() == ALL:
        return ALL
    try:
        return parse_scope(value)
    except ScopeError as error:
        raise tk.ValidationError({"scope": [error.message]}) from error
