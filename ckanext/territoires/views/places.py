"""Pages of the places: communes, communes index, intercommunality.

- ``/commune/<INSEE code>`` (current or former code, arrondissement, commune
  déléguée) redirects to the current commune's page ``/commune/<slug>``;
- ``/commune/<slug>`` (endpoint ``commune.read``) is the commune page and
  ``/intercommunalite/<slug>`` (``intercommunalite.read``) the
  intercommunality page: CKAN's group-type blueprints keep their routes and
  endpoints, and :func:`replace_group_type_views` (a ``register_blueprint``
  signal listener) puts these views behind them;
- ``/communes`` is the communes index (``/commune/`` redirects to it).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import ckan.lib.base as base
import ckan.plugins.toolkit as tk
from ckan.common import current_user
from ckan.lib.pagination import Page
from ckan.lib.search import SearchError
from flask import Blueprint, redirect, request

from ckanext.territoires import config, territory
from ckanext.territoires.communes import groups
from ckanext.territoires.views import officers as officers_views
from ckanext.territoires.views import quality as quality_views

_CODE = re.compile(r"^(?:\d{2}|2[ABab])\d{3}$")

#: Sort orders offered on place pages: (value, label msgid).
DATASET_SORTS = (
    ("score desc, metadata_modified desc", "Relevance"),
    ("title_string asc", "Name Ascending"),
    ("title_string desc", "Name Descending"),
    ("metadata_modified desc", "Last Modified"),
)
COMMUNE_SORTS = ("name", "population", "datasets")


def redirect_commune_codes():
    if request.endpoint not in ("commune.read", "commune.about"):
        return None
    code = (request.view_args or {}).get("id", "")
    if not _CODE.match(code):
        return None
    try:
        commune = tk.get_action("territoires_commune_show")(
            {}, {"id": code, "include_figures": False}
        )
    except tk.ObjectNotFound:
        return None
    notice = merger_notice(code, commune)
    if notice:
        tk.h.flash_notice(notice)
    return redirect(tk.url_for(request.endpoint, id=commune["name"]), code=302)


def merger_notice(code: str, commune: dict[str, Any]) -> str | None:
    """What a visitor following the code of a merged commune reads on its
    successor's page: "Pierre-Bénite fait partie d'Oullins-Pierre-Bénite."
    (the referential holds no date of merger). None for the commune's own
    code and for an arrondissement (not a merger)."""
    if code == commune["insee"] or code not in (commune.get("old_codes") or []) + [
        deleguee["insee"] for deleguee in commune.get("communes_deleguees") or []
    ]:
        return None
    names = {d["insee"]: d["name"] for d in commune.get("communes_deleguees") or []}
    old = names.get(code) or tk._("The former commune {code}").format(code=code)
    # French contracts "de" with the name ("d'Oullins", "du Mans"): the
    # French message takes it whole, other languages the name alone
    of_commune = (
        territory.french_of(commune["insee"]) if tk.h.lang() == "fr" else None
    ) or commune["title"]
    # h.flash_notice escapes it
    return tk._("{old} is now part of {of_commune}.").format(old=old, of_commune=of_commune)


def _context() -> dict[str, Any]:
    return {"user": current_user.name, "auth_user_obj": current_user}


def _facet_titles() -> dict[str, str]:
    return {
        "organization": tk._("Organizations"),
        "territoires_themes": tk._("Themes"),
        "tags": tk._("Tags"),
        "res_format": tk._("Formats"),
        "license_id": tk._("Licenses"),
    }


def _place_search(place: dict[str, Any], show_action: str, page_url: str) -> dict[str, Any]:
    """Parse the dataset search of a place page and run it (with the place's
    key figures, which it puts in ``place["figures"]``)."""
    titles = _facet_titles()
    q = request.args.get("q", "")
    sort = request.args.get("sort")
    sort = sort if sort in dict(DATASET_SORTS) else None
    relation = request.args.get("relation")
    relation = relation if relation in place["relations"] else None
    filters = {field: [v for v in request.args.getlist(field) if v.strip()] for field in titles}
    filters = {field: values for field, values in filters.items() if values}
    page_number = tk.h.get_page_number(request.args)
    rows = tk.config.get("ckan.datasets_per_page")
    params_nopage = [(k, v) for k, v in request.args.items(multi=True) if k != "page"]

    def pager_url(q: Any = None, page: int | None = None) -> str:
        return page_url + "?" + urlencode([*params_nopage, ("page", page)])

    extra_vars: dict[str, Any] = {
        "q": q,
        "sort_by_selected": sort,
        "relation": relation,
        "filters": filters,
        "facet_titles": titles,
        "query_error": False,
        "sorting": [(tk._(label), value) for value, label in DATASET_SORTS],
        "fields": [(field, value) for field, values in filters.items() for value in values],
    }
    try:
        result = tk.get_action("territoires_package_search")(
            _context(),
            {
                "id": place["id"],
                "q": q,
                "relation": relation,
                "filters": filters,
                "sort": sort,
                "rows": rows,
                "start": (page_number - 1) * rows,
                "facet.field": list(titles),
                "include_figures": True,
            },
        )
    except (SearchError, tk.ValidationError):
        place["figures"] = tk.get_action(show_action)(
            _context(), {"id": place["id"], "include_figures": True}
        )["figures"]
        extra_vars["query_error"] = True
        extra_vars["page"] = Page(collection=[])
        extra_vars["search_facets"] = {}
        return extra_vars
    place["figures"] = result["figures"]
    extra_vars["page"] = Page(
        collection=result["results"],
        page=page_number,
        url=pager_url,
        item_count=result["count"],
        items_per_page=rows,
    )
    extra_vars["page"].items = result["results"]
    extra_vars["search_facets"] = result["search_facets"]
    # CKAN's facet snippets read the per-facet limits from g
    tk.g.search_facets_limits = {
        field: int(request.args.get("_%s_limit" % field, tk.config.get("search.facets.default")))
        for field in titles
    }
    return extra_vars


def _place_read(
    group_type: str,
    id: str,
    show_action: str,
    template: str,
    variable: str,
    not_found: str,
    more_vars: Callable[[dict], dict] | None = None,
):
    """A commune or intercommunality page: the place, then its datasets
    (and ``more_vars(place)``, from the place with its figures)."""
    try:
        place = tk.get_action(show_action)(_context(), {"id": id, "include_figures": False})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return base.abort(404, not_found)
    page_url = tk.url_for(f"{group_type}.read", id=place["name"])
    if place["name"] != id:
        return redirect(_with_query(page_url), code=302)
    extra_vars = _place_search(place, show_action, page_url)
    extra_vars.update(
        {
            variable: place,
            "group_type": group_type,
            "page_url": page_url,
            "group_dict": _group_dict(place, group_type),
        }
    )
    if more_vars is not None:
        extra_vars.update(more_vars(place))
    return base.render(template, extra_vars)


def commune_read(group_type: str, is_organization: bool, id: str):
    """The commune page (in place of CKAN's group read view for ``commune``)."""
    return _place_read(
        group_type,
        id,
        "territoires_commune_show",
        "territoires/commune/read.html",
        "commune",
        tk._("Commune not found"),
        more_vars=lambda commune: {
            "quality": quality_views.commune_summary(commune),
            "officers": officers_views.commune_officers(commune),
            "place_map": place_map("commune", commune["name"]),
        },
    )


def intercommunality_read(group_type: str, is_organization: bool, id: str):
    """The intercommunality page (in place of CKAN's group read view)."""
    return _place_read(
        group_type,
        id,
        "territoires_intercommunality_show",
        "territoires/intercommunality/read.html",
        "epci",
        tk._("Intercommunality not found"),
        more_vars=lambda epci: {"place_map": place_map("intercommunality", epci["name"])},
    )


def place_map(kind: str, id: str | None = None, link: str = "page") -> dict[str, Any] | None:
    """``territoires_map_show`` for the visitor (None: no map to show)."""
    data_dict = {"kind": kind, "link": link, **({"id": id} if id else {})}
    try:
        return tk.get_action("territoires_map_show")(_context(), data_dict)
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return None


def _with_query(url: str) -> str:
    query = request.query_string.decode("utf-8", "replace")
    return f"{url}?{query}" if query else url


def _group_dict(place: dict[str, Any], group_type: str) -> dict[str, Any]:
    """What CKAN's group templates (tabs, Manage button) read of the group."""
    return {
        "id": place["id"],
        "name": place["name"],
        "title": place["title"],
        "display_name": place["title"],
        "type": group_type,
        "is_organization": False,
        "description": place["presentation"]["description"],
    }


def communes_index():
    """``/communes``: every commune with its counts; filter and sort by GET."""
    q = request.args.get("q", "").strip()
    sort = request.args.get("sort", "name")
    sort = sort if sort in COMMUNE_SORTS else "name"
    communes = tk.get_action("territoires_commune_list")(_context(), {"q": q, "sort": sort})
    params_nopage = [
        (k, v) for k, v in request.args.items(multi=True) if k not in ("page", "partial")
    ]

    def pager_url(q: Any = None, page: int | None = None) -> str:
        return (
            tk.url_for("territoires.communes") + "?" + urlencode([*params_nopage, ("page", page)])
        )

    page = Page(
        collection=communes,
        page=tk.h.get_page_number(request.args),
        url=pager_url,
        items_per_page=config.pages_communes_per_page(),
    )
    extra_vars = {
        "communes": page.items,
        "page": page,
        "q": q,
        "sort": sort,
        "sorts": [
            ("name", tk._("Name")),
            ("population", tk._("Population")),
            ("datasets", tk._("Datasets")),
        ],
    }
    if request.args.get("partial") == "results":
        # filter-as-you-type asks for the results only
        return base.render("territoires/communes/results.html", extra_vars)
    extra_vars["territory_map"] = place_map("territory")
    return base.render("territoires/communes/index.html", extra_vars)


def commune_index(group_type: str, is_organization: bool):
    """CKAN's ``/commune/`` group list -> the communes index."""
    return redirect(_with_query(tk.url_for("territoires.communes")), code=302)


def register(blueprint: Blueprint) -> None:
    """Add the place pages' own routes to the plugin's blueprint."""
    blueprint.before_app_request(redirect_commune_codes)
    blueprint.before_app_request(redirect_empty_group_index)
    blueprint.add_url_rule("/communes", view_func=communes_index, endpoint="communes")


#: Views put behind CKAN's group-type endpoints.
GROUP_TYPE_VIEWS: dict[str, Callable] = {
    f"{groups.COMMUNE}.read": commune_read,
    f"{groups.COMMUNE}.index": commune_index,
    f"{groups.INTERCOMMUNALITE}.read": intercommunality_read,
}


def redirect_empty_group_index():
    """CKAN's ``/group/`` list goes to the communes index while the portal
    has no group of CKAN's own type (the commune groups are its groups):
    never an empty "Groups" page."""
    if request.endpoint != "group.index":
        return None
    if tk.get_action("group_list")(_context(), {"type": "group", "limit": 1}):
        return None
    return redirect(tk.url_for("territoires.communes"), code=302)


def replace_group_type_views(sender, blueprint=None, **kwargs):
    """``register_blueprint`` listener: once CKAN has registered the routes
    of the commune and intercommunality group types, point their read (and
    the commune index) endpoints at this module's views. Routes, endpoint
    names, ``url_for`` and CKAN's other group pages are unchanged."""
    if blueprint is None or blueprint.name not in groups.GROUP_TYPES:
        return

    def install(state):
        for endpoint, view in GROUP_TYPE_VIEWS.items():
            if endpoint in state.app.view_functions:
                state.app.view_functions[endpoint] = view

    blueprint.record(install)
