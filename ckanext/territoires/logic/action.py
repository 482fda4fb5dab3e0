"""Actions of ckanext-territoires: resolver and communes for pages and re-users."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.logic import validate

from ckanext.territoires import territory
from ckanext.territoires.communes import groups
from ckanext.territoires.logic import schema
from ckanext.territoires.referential import (
    ALL, PlaceError, ScopeError, get_referential, normalize, parse_scope, resolve,
)

__all__ = ["territoires_resolve", "territoires_commune_list", "territoires_commune_show",
           "territoires_catalog_show", "territoires_quality_show",
           "territoires_quality_commune_list"]


@tk.side_effect_free
@validate(schema.territoires_resolve)
def territoires_resolve(context, data_dict) -> list[dict[str, str]]:
    """The current communes a place value designates.

    :param q: the value: INSEE code (current or former), postal code, name
        (insensitive to case, accents, hyphens, "St"/"Saint"), INSEE URI,
        data.gouv.fr zone id, EPCI SIREN or name, arrondissement, ``*``
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
    scope_value = data_dict.get("scope")
    if not scope_value:
        scope = territory.configured_scope()
    elif scope_value.strip().lower() == ALL:
        scope = ALL
    else:
        try:
            scope = parse_scope(scope_value)
        except ScopeError as error:
            raise tk.ValidationError({"scope": [error.message]})
    try:
        matches = resolve(data_dict["q"], scope)
    except PlaceError as error:
        raise tk.ValidationError({"q": [error.message]})
    return [match.as_dict() for match in matches]


def _visible_counts(context) -> dict[str, int]:
    """Datasets per group name, counted with the caller's permissions."""
    search_context = {"user": context.get("user"), "auth_user_obj": context.get("auth_user_obj"),
                      "ignore_auth": context.get("ignore_auth", False)}
    result = tk.get_action("package_search")(search_context, {
        "rows": 0, "facet.field": ["groups"], "facet.limit": -1, "include_private": True,
    })
    return result.get("facets", {}).get("groups", {})


def _commune_dict(group: model.Group, counts: dict[str, int]) -> dict[str, Any]:
    extras = dict(group.extras)
    return {
        "id": group.id,
        "name": group.name,
        "title": group.title,
        "url": tk.url_for("commune.read", id=group.name),
        "package_count": counts.get(group.name, 0),
        **groups.identity_as_dict(extras),
        "presentation": {
            "description": group.description or "",
            "image_url": group.image_url or "",
            **{key: extras.get(key, "") for key in groups.PRESENTATION},
        },
    }


@tk.side_effect_free
@validate(schema.territoires_commune_list)
def territoires_commune_list(context, data_dict) -> list[dict[str, Any]]:
    """The communes of the territory, with their identity and dataset counts.

    :param include_archived: also list the communes that merged or left the
        territory (default: ``false``)
    :type include_archived: bool
    :param q: keep the communes whose name contains this text, insensitive
        to case and accents (optional)
    :type q: string

    :returns: communes sorted by name, each with ``name`` (group slug),
        ``title``, ``url``, ``insee``, ``siren``, ``population``,
        ``postal_codes``, ``departement``, ``region``, ``epci``,
        ``old_codes``, ``communes_deleguees``, ``status``, ``successor``,
        ``presentation`` and ``package_count`` (datasets the caller may see)
    :rtype: list of dictionaries
    """
    tk.check_access("territoires_commune_list", context, data_dict)
    counts = _visible_counts(context)
    wanted = normalize.name_key(data_dict["q"]) if data_dict.get("q") else None
    result = []
    for group in groups.commune_groups_by_insee().values():
        if not data_dict.get("include_archived") and group.extras.get("status") == groups.ARCHIVED:
            continue
        if wanted and wanted not in normalize.name_key(group.title or ""):
            continue
        result.append(_commune_dict(group, counts))
    return sorted(result, key=lambda commune: (normalize.name_key(commune["title"] or ""),
                                               commune["insee"]))


@tk.side_effect_free
@validate(schema.territoires_commune_show)
def territoires_commune_show(context, data_dict) -> dict[str, Any]:
    """One commune of the territory, with its identity and dataset count.

    :param id: the commune group's name or id, or an INSEE code: current,
        former (answered with the current commune), of an arrondissement
        or of a commune déléguée
    :type id: string

    :returns: the commune, as an item of ``territoires_commune_list``
    :rtype: dictionary
    """
    tk.check_access("territoires_commune_show", context, data_dict)
    identifier = data_dict["id"].strip()
    group = model.Group.get(identifier)
    if group is None or group.type != groups.COMMUNE or group.state != "active":
        group = groups.find_commune_group(get_referential(), identifier)
    if group is None:
        raise tk.ObjectNotFound(tk._("No commune of the territory is known as %s") % identifier)
    return _commune_dict(group, _visible_counts(context))


@tk.side_effect_free
@validate(schema.territoires_catalog_show)
def territoires_catalog_show(context, data_dict) -> str:
    """The DCAT-AP catalogue of one commune or of the intercommunality.

    Only public datasets are listed, whoever asks. The catalogue has its
    own IRI (``<site>/catalog/<group name>``), title and ``dct:spatial``,
    and Hydra paging (``ckanext.dcat.datasets_per_page`` datasets a page).

    :param id: the commune or intercommunality group's name or id, an
        INSEE code (current, former, arrondissement) or an EPCI SIREN
    :type id: string
    :param format: ``ttl`` (default), ``rdf``/``xml`` (RDF/XML), ``jsonld``
        or ``n3``
    :type format: string
    :param page: the page, from 1 (optional, default 1)
    :type page: int

    :returns: the serialized catalogue
    :rtype: string
    """
    from ckanext.territoires.dcat import catalogue

    tk.check_access("territoires_catalog_show", context, data_dict)
    place = catalogue.find_place(data_dict["id"])
    if place is None:
        raise tk.ObjectNotFound(
            tk._("No commune or intercommunality of the territory is known as %s")
            % data_dict["id"])
    return catalogue.serialize(place, data_dict.get("format") or "ttl",
                               data_dict.get("page") or 1, context)


@tk.side_effect_free
@validate(schema.territoires_quality_show)
def territoires_quality_show(context, data_dict) -> dict[str, Any]:
    """The metadata quality of a dataset: score, level and what to improve.

    The criteria and their weights are documented in
    ``ckanext/territoires/quality/criteria.py`` and in the README.

    :param id: the dataset's name or id
    :type id: string

    :returns: ``{"id", "name", "score" (0-100), "level" (high, medium,
        low), "level_label", "links_checked_at", "criteria": [{"id",
        "label", "weight", "status" (met, unmet, unknown), "advice",
        "details"}]}``
    :rtype: dictionary
    """
    from ckanext.territoires.quality import assessment

    tk.check_access("territoires_quality_show", context, data_dict)
    dataset = tk.get_action("package_show")(
        {"user": context.get("user"), "auth_user_obj": context.get("auth_user_obj"),
         "ignore_auth": context.get("ignore_auth", False)}, {"id": data_dict["id"]})
    return assessment.as_dict(dataset, assessment.assess(dataset))


@tk.side_effect_free
@validate(schema.territoires_quality_commune_list)
def territoires_quality_commune_list(context, data_dict) -> dict[str, Any]:
    """Metadata quality per commune and per intercommunality.

    Every figure is computed from the search index with the caller's
    permissions (private datasets count only for those who may see them),
    in one search; scores are those stored when each dataset last changed.

    :param sort: ``name`` (default), ``datasets`` or ``average``
    :type sort: string
    :param order: ``asc`` (default) or ``desc``
    :type order: string

    :returns: ``{"criteria", "levels", "overall", "intercommunalities",
        "communes"}``; each commune ``{"insee", "name", "group", "url",
        "datasets", "average" (None without datasets), "levels": {"high",
        "medium", "low"}, "missing": {criterion id: datasets lacking it}}``
    :rtype: dictionary
    """
    from ckanext.territoires.quality import aggregate

    tk.check_access("territoires_quality_commune_list", context, data_dict)
    return aggregate.summaries(context, data_dict.get("sort") or "name",
                               data_dict.get("order") or "asc")
