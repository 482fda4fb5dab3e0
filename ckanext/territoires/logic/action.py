"""Actions of ckanext-territoires: resolver and communes for pages and re-users."""

from __future__ import annotations

import re
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib import munge
from ckan.logic import validate

from ckanext.territoires import territory
from ckanext.territoires.communes import figures, groups, index
from ckanext.territoires.logic import schema
from ckanext.territoires.referential import (
    ALL,
    PlaceError,
    ScopeError,
    get_referential,
    normalize,
    parse_scope,
    resolve,
)

__all__ = [
    "territoires_catalog_show",
    "territoires_commune_list",
    "territoires_commune_show",
    "territoires_intercommunality_show",
    "territoires_package_search",
    "territoires_quality_commune_list",
    "territoires_quality_show",
    "territoires_resolve",
    "territoires_territory_show",
]


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
            raise tk.ValidationError({"scope": [error.message]}) from error
    try:
        matches = resolve(data_dict["q"], scope)
    except PlaceError as error:
        raise tk.ValidationError({"q": [error.text.render(tk._)]}) from error
    return [match.as_dict() for match in matches]


def _visible_counts(context) -> tuple[int, dict[str, int]]:
    """The number of datasets the caller may see, and how many per group name."""
    result = tk.get_action("package_search")(
        figures.search_context(context),
        {
            "rows": 0,
            "facet.field": ["groups"],
            "facet.limit": -1,
            "include_private": True,
        },
    )
    return result.get("count", 0), result.get("facets", {}).get("groups", {})


def _commune_dict(
    group: model.Group | groups.CommuneGroup, counts: dict[str, int]
) -> dict[str, Any]:
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
            "image_display_url": _image_display_url(group.image_url),
            **{key: extras.get(key, "") for key in groups.PRESENTATION},
        },
    }


def _image_display_url(image_url: str | None) -> str:
    """An uploaded logo's URL on this site, or the URL given."""
    if image_url and not image_url.startswith("http"):
        return tk.h.url_for_static(
            f"uploads/group/{munge.munge_filename_legacy(image_url)}", qualified=True
        )
    return image_url or ""


def _sorted_communes(communes: list[dict[str, Any]], sort: str) -> list[dict[str, Any]]:
    def by_name(commune):
        return (normalize.name_key(commune["title"] or ""), commune["insee"] or "")

    communes = sorted(communes, key=by_name)
    if sort == "population":
        communes.sort(key=lambda commune: -(commune["population"] or -1))
    elif sort == "datasets":
        communes.sort(key=lambda commune: -commune["package_count"])
    return communes


def _matches(group: groups.CommuneGroup, wanted: str | None, digits: str | None) -> bool:
    if digits:
        extras = group.extras
        return any(
            code.startswith(digits)
            for code in [extras.get("insee") or "", *(extras.get("postal_codes") or "").split()]
        )
    return not wanted or wanted in normalize.name_key(group.title or "")


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
    _, counts = _visible_counts(context)
    text = (data_dict.get("q") or "").strip()
    compact = text.replace(" ", "")
    digits = compact if compact.isdigit() or _CODE_PREFIX.match(compact) else None
    wanted = normalize.name_key(text) if text and not digits else None
    epci = data_dict.get("epci")
    result = []
    for group in groups.commune_groups_by_insee().values():
        extras = group.extras
        if not data_dict.get("include_archived") and extras.get("status") == groups.ARCHIVED:
            continue
        if epci and extras.get("epci") != epci:
            continue
        if not _matches(group, wanted, digits.upper() if digits else None):
            continue
        result.append(_commune_dict(group, counts))
    result = _sorted_communes(result, data_dict.get("sort") or "name")
    limit = data_dict.get("limit")
    return result[:limit] if limit is not None else result


_CODE_PREFIX = re.compile(r"^(?:\d{1,5}|2[ABab]\d{0,3})$")


def _find_commune(identifier: str) -> model.Group:
    group = model.Group.get(identifier)
    if group is None or group.type != groups.COMMUNE or group.state != "active":
        group = groups.find_commune_group(get_referential(), identifier)
    if group is None:
        raise tk.ObjectNotFound(tk._("No commune of the territory is known as %s") % identifier)
    return group


def _latest_count() -> int:
    return tk.config.get("ckanext.territoires.pages.latest_count")


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
        ``territoires_package_search`` for this commune) and
        ``intercommunality`` (its group's ``name``, ``title`` and ``url``,
        or null)
    :rtype: dictionary
    """
    tk.check_access("territoires_commune_show", context, data_dict)
    group = _find_commune(data_dict["id"].strip())
    place = figures.Place(
        groups.COMMUNE,
        group.name,
        group.extras.get("insee") or "",
        group.extras.get("epci") or None,
    )
    commune = _commune_dict(group, {})
    commune["relations"] = list(place.relations)
    if data_dict.get("include_figures", True):
        commune["figures"] = figures.figures(context, place, _latest_count())
        commune["package_count"] = commune["figures"]["datasets"]
    else:
        commune.pop("package_count")
    epci = groups.intercommunality_group(place.epci) if place.epci else None
    commune["intercommunality"] = _group_link(epci, groups.INTERCOMMUNALITE)
    return commune


def _group_link(group: model.Group | None, group_type: str) -> dict[str, str] | None:
    if group is None:
        return None
    return {
        "name": group.name,
        "title": group.title,
        "url": tk.url_for(f"{group_type}.read", id=group.name),
    }


def _find_intercommunality(identifier: str) -> model.Group:
    group = model.Group.get(identifier)
    if group is None or group.type != groups.INTERCOMMUNALITE or group.state != "active":
        group = groups.intercommunality_group(identifier)
    if group is None:
        raise tk.ObjectNotFound(
            tk._("No intercommunality of the territory is known as %s") % identifier
        )
    return group


@tk.side_effect_free
@validate(schema.territoires_intercommunality_show)
def territoires_intercommunality_show(context, data_dict) -> dict[str, Any]:
    """An intercommunality (EPCI) of the territory, with its member communes.

    :param id: the intercommunality group's name or id, or its SIREN
    :type id: string
    :param include_figures: add ``figures`` (default: ``true``), as in
        ``territoires_commune_show``: ``datasets`` (published by the
        intercommunality's organisation, whose extra ``siren`` is its SIREN,
        or covering its whole territory), ``published``, ``territory``,
        ``relations``, ``resources``, ``last_modified``, ``themes``,
        ``producers``, ``latest``
    :type include_figures: bool
    :param include_communes: add ``communes``, its member communes as items
        of ``territoires_commune_list`` sorted by name (default: ``true``)
    :type include_communes: bool

    :returns: ``id``, ``name``, ``title``, ``url``, ``siren``, ``epci_type``,
        ``population``, ``members`` (INSEE codes), ``status``,
        ``presentation``, ``relations``, ``figures``, ``communes``
    :rtype: dictionary
    """
    tk.check_access("territoires_intercommunality_show", context, data_dict)
    group = _find_intercommunality(data_dict["id"].strip())
    extras = dict(group.extras)
    population = extras.get("population") or ""
    result = {
        "id": group.id,
        "name": group.name,
        "title": group.title,
        "url": tk.url_for("intercommunalite.read", id=group.name),
        "siren": extras.get("siren"),
        "epci_type": extras.get("epci_type") or "",
        "population": int(population) if population.isdigit() else None,
        "members": (extras.get("members") or "").split(),
        "status": extras.get("status") or groups.CURRENT,
        "presentation": {
            "description": group.description or "",
            "image_url": group.image_url or "",
            "image_display_url": _image_display_url(group.image_url),
            **{key: extras.get(key, "") for key in groups.PRESENTATION},
        },
    }
    place = figures.Place(groups.INTERCOMMUNALITE, group.name, result["siren"] or "")
    result["relations"] = list(place.relations)
    if data_dict.get("include_figures", True):
        result["figures"] = figures.figures(context, place, _latest_count())
    if data_dict.get("include_communes", True):
        result["communes"] = territoires_commune_list(
            _inner(context), {"epci": result["siren"], "sort": "name"}
        )
    return result


def _inner(context) -> dict[str, Any]:
    return {key: context[key] for key in ("user", "auth_user_obj", "ignore_auth") if key in context}


def _place(identifier: str) -> figures.Place:
    """A commune or intercommunality group from a name, id, INSEE code or SIREN."""
    identifier = identifier.strip()
    group = model.Group.get(identifier)
    if group is None or group.type not in groups.GROUP_TYPES or group.state != "active":
        group = (
            groups.intercommunality_group(identifier)
            if identifier.isdigit() and len(identifier) == 9
            else None
        )
    if group is None:
        group = _find_commune(identifier)
    if group.type == groups.INTERCOMMUNALITE:
        return figures.Place(group.type, group.name, group.extras.get("siren") or "")
    return figures.Place(
        group.type, group.name, group.extras.get("insee") or "", group.extras.get("epci") or None
    )


@tk.side_effect_free
@validate(schema.territoires_package_search)
def territoires_package_search(context, data_dict) -> dict[str, Any]:
    """Search the datasets of a commune or intercommunality, as package_search
    does, with the caller's permissions.

    :param id: the commune or intercommunality: group name or id, INSEE
        code (current, former, arrondissement, déléguée) or SIREN
    :type id: string
    :param relation: keep the datasets ``published`` by the place's
        organisation, ``covering`` the commune (but not the whole
        territory) or covering the whole ``territory`` (optional)
    :type relation: string
    :param q: free text, as package_search's ``q`` (optional)
    :type q: string
    :param filters: field -> list of values, every value required, e.g.
        ``{"tags": ["vélo"], "res_format": ["CSV"]}`` (optional; a JSON
        object in a GET)
    :type filters: dict
    :param fq: an additional filter query, as package_search's (optional)
    :type fq: string
    :param sort: as package_search's (optional)
    :type sort: string
    :param rows: datasets per page (default: ``ckan.datasets_per_page``,
        at most 1000)
    :type rows: int
    :param start: offset of the first dataset (default: 0)
    :type start: int
    :param facet.field: fields to facet on (default: organization,
        territoires_themes, tags, res_format, license_id)
    :type facet.field: list of strings
    :param facet.limit: values per facet (default: ``search.facets.default``)
    :type facet.limit: int
    :param include_figures: add ``figures``, the place's key figures as
        ``territoires_commune_show`` gives them (default: ``false``); the
        first page of an unfiltered search, latest updates first, and the
        figures then come from a single search
    :type include_figures: bool

    :returns: package_search's result (``count``, ``results``, ``facets``,
        ``search_facets``, ``sort``) restricted to the place, and
        ``figures`` when asked for
    :rtype: dictionary
    """
    tk.check_access("territoires_package_search", context, data_dict)
    place = _place(data_dict["id"])
    return figures.package_search(
        context,
        place,
        relation=data_dict.get("relation"),
        q=data_dict.get("q") or "",
        filters=data_dict.get("filters") or {},
        fq=data_dict.get("fq"),
        sort=data_dict.get("sort"),
        rows=data_dict.get("rows", tk.config.get("ckan.datasets_per_page")),
        start=data_dict.get("start", 0),
        facet_fields=data_dict.get("facet.field") or figures.PAGE_FACETS,
        facet_limit=data_dict.get("facet.limit", tk.config.get("search.facets.default")),
        with_figures=data_dict.get("include_figures", False),
        latest=_latest_count(),
    )


@tk.side_effect_free
@validate(schema.territoires_territory_show)
def territoires_territory_show(context, data_dict) -> dict[str, Any]:
    """The territory of the portal, as the home page puts it forward.

    :param limit: how many communes in ``most_active`` and
        ``recently_updated`` (default:
        ``ckanext.territoires.home.communes_count``)
    :type limit: int

    :returns: ``label`` (the scope), ``communes`` (number of current
        communes), ``datasets`` (datasets the caller may see),
        ``intercommunalities`` (``name``, ``title``, ``url``, ``siren``),
        ``most_active`` (communes with the most datasets, then the most
        populous, as items of ``territoires_commune_list``) and
        ``recently_updated`` (communes whose datasets were updated last,
        excluding datasets covering a whole intercommunality: each
        ``{"commune", "dataset", "metadata_modified"}``)
    :rtype: dictionary
    """
    tk.check_access("territoires_territory_show", context, data_dict)
    limit = data_dict.get("limit") or tk.config.get("ckanext.territoires.home.communes_count")
    total, counts = _visible_counts(context)
    by_insee = {
        insee: group
        for insee, group in groups.commune_groups_by_insee().items()
        if group.extras.get("status") != groups.ARCHIVED
    }
    communes = [_commune_dict(group, counts) for group in by_insee.values()]
    # most datasets first; among equals (an empty portal too), the most populous
    most_active = sorted(
        communes,
        key=lambda c: (
            -c["package_count"],
            -(c["population"] or 0),
            normalize.name_key(c["title"] or ""),
        ),
    )[:limit]
    by_code = {commune["insee"]: commune for commune in communes}

    latest = tk.get_action("package_search")(
        figures.search_context(context),
        {
            "fq": "+%s:* -%s:*" % (index.COMMUNES_FIELD, index.WHOLE_FIELD),
            "sort": "metadata_modified desc",
            "rows": RECENT_WINDOW,
            "include_private": True,
            "fl": "id,name,title,metadata_modified,%s" % index.COMMUNES_FIELD,
        },
    )
    recently_updated = []
    seen: set[str] = set()
    for dataset in latest.get("results") or []:
        for code in dataset.get(index.COMMUNES_FIELD) or []:
            if code in seen or code not in by_code:
                continue
            seen.add(code)
            recently_updated.append(
                {
                    "commune": by_code[code],
                    "dataset": {
                        "id": dataset["id"],
                        "name": dataset["name"],
                        "title": dataset.get("title") or dataset["name"],
                    },
                    "metadata_modified": dataset.get("metadata_modified"),
                }
            )
        if len(recently_updated) >= limit:
            break
    scope = territory.configured_scope()
    epcis = groups.intercommunality_groups()
    return {
        "label": scope.label,
        "communes": len(communes),
        "datasets": total,
        "intercommunalities": [
            {**_group_link(group, groups.INTERCOMMUNALITE), "siren": group.extras.get("siren")}
            for group in epcis
        ],
        "most_active": most_active,
        "recently_updated": recently_updated[:limit],
    }


#: Datasets read to find the recently updated communes.
RECENT_WINDOW = 100


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
            tk._("No commune or intercommunality of the territory is known as %s") % data_dict["id"]
        )
    return catalogue.serialize(
        place, data_dict.get("format") or "ttl", data_dict.get("page") or 1, context
    )


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
        {
            "user": context.get("user"),
            "auth_user_obj": context.get("auth_user_obj"),
            "ignore_auth": context.get("ignore_auth", False),
        },
        {"id": data_dict["id"]},
    )
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
    :param insee: only this commune (INSEE code): ``communes`` holds it
        alone, from one search restricted to its datasets (optional)
    :type insee: string

    :returns: ``{"criteria", "levels", "overall", "intercommunalities",
        "communes"}``; each commune ``{"insee", "name", "group", "url",
        "datasets", "average" (None without datasets), "levels": {"high",
        "medium", "low"}, "missing": {criterion id: datasets lacking it}}``
    :rtype: dictionary
    """
    from ckanext.territoires.quality import aggregate

    tk.check_access("territoires_quality_commune_list", context, data_dict)
    return aggregate.summaries(
        context,
        data_dict.get("sort") or "name",
        data_dict.get("order") or "asc",
        data_dict.get("insee"),
    )
