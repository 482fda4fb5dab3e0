"""``territoires_commune_list`` and ``territoires_commune_show``: the
communes of the territory, with their identity, counts and key figures."""

from __future__ import annotations

import re
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.logic import validate

from ckanext.territoires.communes import groups, organizations
from ckanext.territoires.communes.snapshot import commune_snapshot
from ckanext.territoires.logic import schema
from ckanext.territoires.referential import normalize

from . import _places

__all__ = ["territoires_commune_list", "territoires_commune_show"]

#: A ``q`` that starts an INSEE or postal code (Corsica's 2A/2B included).
_CODE_PREFIX = re.compile(r"^(?:\d{1,5}|2[ABab]\d{0,3})$")


@tk.side_effect_free
@validate(schema.territoires_commune_list)
def territoires_commune_list(context, data_dict) -> list[dict[str, Any]]:
    """The communes of the territory, with their identity and dataset counts.

    :param include_archived: also list the communes that merged or left the
        territory (default: ``false``)
    :type include_archived: bool
    :param q: keep the communes whose name contains this text, insensitive
        to case, accents, hyphens and "St"/"Saint"; digits keep the communes
        whose postal code or INSEE code starts with them (optional)
    :type q: string
    :param epci: keep the member communes of this intercommunality (SIREN)
        (optional)
    :type epci: string
    :param sort: ``name`` (default), ``population`` (largest first) or
        ``datasets`` (most datasets first; then by name)
    :type sort: string
    :param limit: return at most this many communes (optional)
    :type limit: int

    :returns: communes, each with ``name`` (group slug),
        ``title``, ``url``, ``insee``, ``siren``, ``population``,
        ``postal_codes``, ``departement``, ``region``, ``epci``,
        ``old_codes``, ``communes_deleguees``, ``status``, ``successor``,
        ``presentation`` and ``package_count`` (datasets the caller may see)
    :rtype: list of dictionaries
    """
    tk.check_access("territoires_commune_list", context, data_dict)
    _, counts = _places.visible_counts(context)
    text = (data_dict.get("q") or "").strip()
    compact = text.replace(" ", "")
    digits = compact if compact.isdigit() or _CODE_PREFIX.match(compact) else None
    wanted = normalize.name_key(text) if text and not digits else None
    epci = data_dict.get("epci")
    url_of = _places.commune_url_builder()
    snapshot = commune_snapshot()
    kept = []
    for insee, group in snapshot.groups.items():
        extras = group.extras
        if not data_dict.get("include_archived") and extras.get("status") == groups.ARCHIVED:
            continue
        if epci and extras.get("epci") != epci:
            continue
        name_key = snapshot.name_keys[insee]
        if not _matches(extras, name_key, wanted, digits.upper() if digits else None):
            continue
        kept.append((name_key, insee, group))
    kept.sort(key=lambda item: (item[0], item[1]))
    result = [
        _places.commune_dict(group, counts, url_of, snapshot.identities[insee])
        for _, insee, group in kept
    ]
    result = _sorted_communes(result, data_dict.get("sort") or "name")
    limit = data_dict.get("limit")
    return result[:limit] if limit is not None else result


def _matches(extras: dict, name_key: str, wanted: str | None, digits: str | None) -> bool:
    if digits:
        return any(
            code.startswith(digits)
            for code in [extras.get("insee") or "", *(extras.get("postal_codes") or "").split()]
        )
    return not wanted or wanted in name_key


def _sorted_communes(communes: list[dict[str, Any]], sort: str) -> list[dict[str, Any]]:
    """Communes listed by name, in the order of ``sort`` (stable: by name
    within equal populations or counts)."""
    if sort == "population":
        communes = sorted(communes, key=lambda commune: -(commune["population"] or -1))
    elif sort == "datasets":
        communes = sorted(communes, key=lambda commune: -commune["package_count"])
    return communes


@tk.side_effect_free
@validate(schema.territoires_commune_show)
def territoires_commune_show(context, data_dict) -> dict[str, Any]:
    """One commune of the territory, with its identity, dataset count and
    key figures.

    :param id: the commune group's name or id, or an INSEE code: current,
        former (answered with the current commune), of an arrondissement
        or of a commune déléguée
    :type id: string
    :param include_figures: add ``figures`` (default: ``true``): counts of
        the datasets the caller may see, ``datasets`` (all of the commune's),
        ``published`` (by the commune's organisation), ``covering`` (whose
        coverage names the commune, the whole territory included),
        ``territory`` (covering the whole intercommunality), ``relations``
        (counts for the ``relation`` filter of ``territoires_package_search``),
        ``resources``, ``last_modified``, ``themes`` and ``producers``
        (``{"name", "label", "count"}``, most frequent first), ``latest``
        (the datasets updated last) and ``quality`` (their metadata quality:
        ``{"datasets", "average", "levels", "missing"}``, as a commune of
        ``territoires_quality_commune_list``)
    :type include_figures: bool

    :returns: the commune, as an item of ``territoires_commune_list``, plus
        ``figures``, ``relations`` (the values of the ``relation`` filter of
        ``territoires_package_search`` for this commune),
        ``intercommunality`` (its group's ``name``, ``title`` and ``url``,
        or null) and ``organization`` (the organisation that publishes for
        it, linked by its INSEE code: ``id``, ``name``, ``title``, ``url``;
        or null)
    :rtype: dictionary
    """
    tk.check_access("territoires_commune_show", context, data_dict)
    group = _places.find_commune(data_dict["id"].strip())
    place = _places.commune_place(group)
    commune = _places.commune_dict(group, {})
    commune["relations"] = list(place.relations)
    if data_dict.get("include_figures", True):
        commune["figures"] = _places.place_figures(context, place)
        commune["package_count"] = commune["figures"]["datasets"]
    else:
        commune.pop("package_count")
    epci = groups.intercommunality_group(place.epci) if place.epci else None
    commune["intercommunality"] = (
        _places.group_link(epci, groups.INTERCOMMUNALITE) if epci is not None else None
    )
    commune["organization"] = organizations.organization_link(
        organizations.organization_of(organizations.COMMUNE_KEY, place.code)
    )
    return commune
