"""Datasets of a place (a commune or an intercommunality), searched with the
caller's permissions: key figures, breakdowns and filtered searches.

Everything goes through ``package_search`` (the search index and its
permission labels), so a private dataset is never seen, counted or faceted
for a user who may not read it, and a page costs a constant number of
searches whatever the number of datasets. The index fields used are
described in :mod:`.index`.

Relations of a dataset to a commune X of the intercommunality E:

- ``published``: published by X (its organisation is X's);
- ``covering``: its coverage names X, but not the whole of E;
- ``territory``: it covers the whole of E.

and to an intercommunality E: ``published`` (by E's organisation) and
``territory`` (it covers the whole of E).

Figures of other concerns (metadata quality) come from the same search: the
caller passes them as :class:`Summary` objects (facets to ask for, and the
function of their counts), so this module does not depend on them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.territoires import vocabularies

from . import groups, index

PUBLISHED = "published"
COVERING = "covering"
TERRITORY = "territory"
RELATIONS = (PUBLISHED, COVERING, TERRITORY)

#: Facets of the dataset list of a place page, in display order.
PAGE_FACETS = ("organization", index.THEMES_FIELD, "tags", "res_format", "license_id")


@dataclass(frozen=True)
class Place:
    """A commune or intercommunality group, as the searches need it."""

    kind: str  # groups.COMMUNE or groups.INTERCOMMUNALITE
    name: str  # group name
    code: str  # INSEE code or SIREN
    epci: str | None = None  # a commune's intercommunality (SIREN)

    @property
    def base_filter(self) -> str:
        """Every dataset of the place page."""
        if self.kind == groups.COMMUNE:
            return term("groups", self.name)
        return "(%s OR %s)" % (term("groups", self.name), term(index.PUBLISHER_FIELD, self.code))

    @property
    def relations(self) -> tuple[str, ...]:
        if self.kind == groups.COMMUNE:
            return RELATIONS if self.epci else (PUBLISHED, COVERING)
        return (PUBLISHED, TERRITORY)

    def relation_filter(self, relation: str) -> str:
        whole = self.epci if self.kind == groups.COMMUNE else self.code
        if relation == PUBLISHED:
            return term(index.PUBLISHER_FIELD, self.code)
        if relation == TERRITORY and whole:
            return term(index.WHOLE_FIELD, whole)
        if relation == COVERING and self.kind == groups.COMMUNE:
            covered = term(index.COVERED_FIELD, self.code)
            return "%s -%s" % (covered, term(index.WHOLE_FIELD, whole)) if whole else covered
        raise tk.ValidationError({"relation": [tk._("Unknown relation: %s") % relation]})


def term(field: str, value: str) -> str:
    """``field:"value"`` with the value escaped for the Lucene syntax."""
    escaped = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return '%s:"%s"' % (field, escaped)


def search_context(context: dict) -> dict:
    """A fresh context for package_search, carrying only the caller's identity."""
    return {key: context[key] for key in ("user", "auth_user_obj", "ignore_auth") if key in context}


#: Facets the key figures are computed from.
FIGURE_FACETS = (
    "organization",
    index.PUBLISHER_FIELD,
    index.WHOLE_FIELD,
    index.COVERED_FIELD,
    index.THEMES_FIELD,
    "num_resources",
)
#: Sorts that list the latest updates first when there is no free text.
LATEST_FIRST = (None, "", "score desc, metadata_modified desc", "metadata_modified desc")


@dataclass(frozen=True)
class Summary:
    """A figure of another concern computed from the place's search: the
    facet fields it needs and its function of their counts
    (``result["facets"]``)."""

    facets: tuple[str, ...]
    compute: Callable[[dict[str, Any]], Any]


def _figure_facets(summaries: Mapping[str, Summary]) -> list[str]:
    extra = [field for summary in summaries.values() for field in summary.facets]
    return list(dict.fromkeys([*FIGURE_FACETS, *extra]))


def figures(
    context: dict, place: Place, latest: int, summaries: Mapping[str, Summary] | None = None
) -> dict[str, Any]:
    """Key figures, breakdowns and latest updates of a place: ONE search.

    Returns ``{"datasets", "published", "covering", "territory",
    "relations", "resources", "last_modified", "themes", "producers",
    "latest"}``: counts of the datasets the caller may see (``covering``:
    whose coverage names the commune, the whole territory included;
    ``territory``: covering the whole intercommunality; ``relations``: the
    counts of the ``relation`` filter), the number of their resources, the
    date of the last update, the themes and producers (``{"name",
    "label", "count"}``, most frequent first) and the ``latest`` updated
    datasets; plus one key per ``summaries`` item, its figure.
    """
    summaries = summaries or {}
    result = _search(context, place.base_filter, latest, _figure_facets(summaries))
    return _figures_from(result, place, latest, summaries)


#: Facets of the territory's overview (home page).
OVERVIEW_FACETS = ("groups", "organization", index.THEMES_FIELD, "num_resources")


def overview(context: dict, latest: int) -> dict[str, Any]:
    """The whole portal's figures for the caller: ONE search.

    Returns ``{"datasets", "groups", "producers", "resources", "themes",
    "latest"}``: the number of datasets the caller may see, their count per
    group name, the organisations publishing them (``{"name", "label",
    "count"}``, most datasets first), the number of their resources, their
    themes (labelled, most frequent first) and the ``latest`` updated.
    """
    result = _search(context, "", latest, OVERVIEW_FACETS)
    facets = result.get("facets") or {}
    search_facets = result.get("search_facets") or {}
    return {
        "datasets": result.get("count", 0),
        "groups": facets.get("groups", {}),
        "producers": _ranked(search_facets.get("organization")),
        "resources": _resource_count(facets),
        "themes": _ranked(search_facets.get(index.THEMES_FIELD), vocabularies.theme_label),
        "latest": [_summary(dataset) for dataset in (result.get("results") or [])[:latest]],
    }


def _resource_count(facets: dict[str, Any]) -> int:
    """Resources of the datasets found, from the ``num_resources`` facet."""
    return sum(
        int(value) * count
        for value, count in facets.get("num_resources", {}).items()
        if str(value).isdigit()
    )


def _search(
    context: dict,
    fq: str,
    rows: int,
    facet_fields: Iterable[str],
    start: int = 0,
    q: str = "",
    sort: str | None = "metadata_modified desc",
    facet_limit: int = -1,
) -> dict[str, Any]:
    data_dict = {
        "q": q,
        "fq": fq,
        "rows": rows,
        "start": start,
        "include_private": True,
        "facet.field": list(facet_fields),
        "facet.limit": facet_limit,
        "facet.mincount": 1,
    }
    if sort:
        data_dict["sort"] = sort
    return tk.get_action("package_search")(search_context(context), data_dict)


def _figures_from(
    result: dict[str, Any], place: Place, latest: int, summaries: Mapping[str, Summary]
) -> dict[str, Any]:
    facets = result.get("facets") or {}
    search_facets = result.get("search_facets") or {}
    whole_code = place.epci if place.kind == groups.COMMUNE else place.code
    territory = facets.get(index.WHOLE_FIELD, {}).get(whole_code, 0) if whole_code else 0
    published = facets.get(index.PUBLISHER_FIELD, {}).get(place.code, 0)
    if place.kind == groups.COMMUNE:
        covering = facets.get(index.COVERED_FIELD, {}).get(place.code, 0)
        relation_counts = {PUBLISHED: published, COVERING: covering - territory}
        if place.epci:
            relation_counts[TERRITORY] = territory
    else:
        covering = territory
        relation_counts = {PUBLISHED: published, TERRITORY: territory}
    results = (result.get("results") or [])[:latest]
    return {
        "datasets": result.get("count", 0),
        "published": published,
        "covering": covering,
        "territory": territory,
        "relations": relation_counts,
        "resources": _resource_count(facets),
        "last_modified": results[0].get("metadata_modified") if results else None,
        "themes": _ranked(search_facets.get(index.THEMES_FIELD), vocabularies.theme_label),
        "producers": _ranked(search_facets.get("organization")),
        "latest": [_summary(dataset) for dataset in results],
        **{name: summary.compute(facets) for name, summary in summaries.items()},
    }


def _ranked(facet: dict | None, label=None) -> list[dict[str, Any]]:
    items = (facet or {}).get("items") or []
    ranked = [
        {
            "name": item["name"],
            "label": label(item["name"]) if label else item.get("display_name") or item["name"],
            "count": item["count"],
        }
        for item in items
    ]
    return sorted(ranked, key=lambda item: (-item["count"], item["label"].lower()))


def _summary(dataset: dict[str, Any]) -> dict[str, Any]:
    organization = dataset.get("organization") or {}
    return {
        "id": dataset["id"],
        "name": dataset["name"],
        "title": dataset.get("title") or dataset["name"],
        "metadata_modified": dataset.get("metadata_modified"),
        "private": bool(dataset.get("private")),
        "organization": (
            {"name": organization.get("name"), "title": organization.get("title")}
            if organization
            else None
        ),
    }


def _only_facets(result: dict[str, Any], fields: Iterable[str], limit: int) -> dict[str, Any]:
    """Keep the facets asked for, with at most ``limit`` values (the most
    frequent), as a search with these facets would have returned them."""
    fields = list(fields)

    def top(counts: dict[str, int]) -> dict[str, int]:
        ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        return dict(ranked if limit is None or limit < 0 else ranked[:limit])

    facets = {field: top(result["facets"].get(field, {})) for field in fields}
    result["facets"] = facets
    result["search_facets"] = {
        field: {
            **result["search_facets"][field],
            "items": [
                item
                for item in result["search_facets"][field]["items"]
                if item["name"] in facets[field]
            ],
        }
        for field in fields
        if field in result.get("search_facets", {})
    }
    return result


def package_search(
    context: dict,
    place: Place,
    relation: str | None,
    q: str,
    filters: dict[str, Iterable[str]],
    fq: str | None,
    sort: str | None,
    rows: int,
    start: int,
    facet_fields: Iterable[str],
    facet_limit: int,
    latest: int,
    with_figures: bool = False,
    summaries: Mapping[str, Summary] | None = None,
) -> dict[str, Any]:
    """package_search restricted to the place (and to a relation); with
    ``with_figures``, the place's :func:`figures` (``latest`` updates,
    ``summaries``) under ``"figures"``.

    The first page of the unfiltered list, latest updates first (what a
    place page shows by default), and the figures come from one search.
    """
    facet_fields = list(facet_fields)
    summaries = summaries or {}
    clauses = ["+" + place.base_filter]
    if relation:
        if relation not in place.relations:
            raise tk.ValidationError(
                {
                    "relation": [
                        tk._("Unknown relation %(relation)s; expected one of: %(expected)s")
                        % {"relation": relation, "expected": ", ".join(place.relations)}
                    ]
                }
            )
        clauses.append("+(%s)" % place.relation_filter(relation))
    for field, values in sorted((filters or {}).items()):
        for value in values:
            clauses.append("+" + term(field, value))
    if fq:
        clauses.append("+(%s)" % fq)
    if (
        with_figures
        and len(clauses) == 1
        and not q
        and not start
        and sort in LATEST_FIRST
        and rows >= latest
    ):
        merged = [field for field in _figure_facets(summaries) if field not in facet_fields]
        result = _search(context, place.base_filter, rows, facet_fields + merged)
        place_figures: dict[str, Any] | None = _figures_from(result, place, latest, summaries)
        result = _only_facets(result, facet_fields, facet_limit)
    else:
        result = _search(
            context,
            " ".join(clauses),
            rows,
            facet_fields,
            start=start,
            q=q or "",
            sort=sort,
            facet_limit=facet_limit,
        )
        place_figures = figures(context, place, latest, summaries) if with_figures else None
    if place_figures is not None:
        result["figures"] = place_figures
    return result
