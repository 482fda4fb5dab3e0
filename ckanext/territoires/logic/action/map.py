"""``territoires_map_show``: the map of a place or a dataset, drawn on the
server (:mod:`ckanext.territoires.geography.maps`) for the template snippet
``territoires/snippets/map.html`` (inline SVG: no tile server, no script)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.logic import validate
from werkzeug.routing import BuildError

from ckanext.territoires import territory
from ckanext.territoires.communes import groups
from ckanext.territoires.communes.snapshot import commune_snapshot
from ckanext.territoires.geography import get_outlines, maps
from ckanext.territoires.geography.extents import read_extents
from ckanext.territoires.geography.index import _geometries as spatial_geometries
from ckanext.territoires.logic import schema
from ckanext.territoires.referential import get_referential
from ckanext.territoires.values import as_list

from . import _places

__all__ = ["territoires_map_show"]

#: Above this many communes, a map of the territory draws its
#: intercommunalities instead (a région's 4,000 communes would weigh
#: hundreds of kB on every page).
MAX_COMMUNES = 400

KINDS = ("commune", "intercommunality", "territory", "dataset", "points")

#: Stands for a group name in a URL built once (group names are [a-z0-9_-]).
_SLOT = "territoires-map-slot"


@tk.side_effect_free
@validate(schema.territoires_map_show)
def territoires_map_show(context, data_dict) -> dict[str, Any]:
    """The map of a commune, an intercommunality, the territory or a
    dataset's coverage, ready to write as SVG.

    :param kind: ``commune`` (the commune highlighted among the communes of
        its intercommunality, each a link to its page), ``intercommunality``
        (its communes shaded by their number of datasets), ``territory``
        (the communes of the portal shaded by their number of datasets; its
        intercommunalities when it has more than 400 communes) or
        ``dataset`` (the communes it covers highlighted in the territory,
        and its DCAT spatial coverage: boxes as rectangles) or ``points``
        (the rows of a pooled dataset that have a position, as small
        circles on the outlines of the territory's communes, or of one
        commune's: plugin ``territoires_pooling``)
    :type kind: string
    :param id: the commune (group name or id, INSEE code), the
        intercommunality (group name or id, SIREN) or the dataset (name or
        id; for ``points`` a pooled dataset); not for ``territory``
    :type id: string
    :param commune: for ``points``: an INSEE code, only that commune's rows
        on its outline (optional)
    :type commune: string
    :param limit: for ``points``: most points drawn (default and at most 5000)
    :type limit: int
    :param link: ``page`` (default: each place links to its page) or
        ``search`` (each place links to the dataset search restricted to
        its bounding box, ``/dataset/?ext_bbox=west,south,east,north``)
    :type link: string

    :returns: ``kind``, ``title`` and ``description`` (text alternatives),
        ``width``, ``height``, ``view_box``, ``shapes`` (each ``code``,
        ``label``, ``d`` (SVG path), ``href``, ``count``, ``shade`` (class
        of ``legend``), ``highlighted``, ``bbox``), ``background`` (the
        territory's outline, or ""), ``boxes`` (``x``, ``y``, ``width``,
        ``height``), ``geometries`` (paths of other extents), ``labels``,
        ``legend`` (``index``, ``low``, ``high``), ``missing`` (places
        without an outline: ``code``, ``label``, ``href``),
        ``attribution``, ``points`` (``x``, ``y``, ``title``) and, for
        ``points``, ``point_data`` (``dataset``, ``resource_id``,
        ``rows``, ``located``, ``drawn``, ``outside`` (beyond the frame),
        ``without_coordinates``, ``truncated``, ``list``: the first points,
        ``label`` and ``commune``). Counts are of the datasets the caller
        may see.
    :rtype: dictionary
    """
    tk.check_access("territoires_map_show", context, data_dict)
    kind = data_dict["kind"]
    identifier = (data_dict.get("id") or "").strip()
    if kind != "territory" and not identifier:
        raise tk.ValidationError({"id": [tk._("Missing value")]})
    if kind == "points":
        commune = (data_dict.get("commune") or "").strip()
        result = _points_map(context, identifier, commune, data_dict.get("limit"))
    else:
        builder = {
            "commune": _commune_map,
            "intercommunality": _intercommunality_map,
            "territory": _territory_map,
            "dataset": _dataset_map,
        }[kind]
        result = builder(context, identifier, data_dict.get("link") or "page")
    result["kind"] = kind
    result["attribution"] = get_outlines().attribution
    return result


# -- what every map shares ----------------------------------------------------


class _Places:
    """Names and links of the communes (their groups, read once)."""

    def __init__(self, codes: Sequence[str], link: str):
        self.ref = get_referential()
        self.groups = groups.commune_groups_by_insee(codes=list(codes))
        self.link = link
        self.outlines = get_outlines()
        # one url_for, then the names: 58 calls of url_for cost more than the map
        try:
            self._page = tk.url_for("commune.read", id=_SLOT)
        except BuildError:  # no commune pages (scheming's group types not loaded)
            self._page = ""

    def label(self, code: str) -> str:
        group = self.groups.get(code)
        if group is not None and group.title:
            return group.title
        commune = self.ref.communes.get(code)
        return commune.name if commune is not None else code

    def href(self, code: str) -> str:
        if self.link == "search":
            box = self.outlines.bbox("commune", code)
            return _search_url(box) if box else ""
        group = self.groups.get(code)
        return self._page.replace(_SLOT, group.name) if group is not None and self._page else ""

    def count(self, code: str, counts: dict[str, int] | None) -> int | None:
        if counts is None:
            return None
        group = self.groups.get(code)
        return int(counts.get(group.name, 0)) if group is not None else 0

    def missing(self, codes: Sequence[str]) -> list[dict[str, str]]:
        return [
            {"code": code, "label": self.label(code), "href": self.href(code)} for code in codes
        ]


def _search_url(box: maps.Box) -> str:
    return tk.url_for("dataset.search", ext_bbox=_box_text(box))


def _box_text(box: maps.Box | None) -> str:
    return ",".join("%.4f" % value for value in box) if box else ""


def _shapes(
    base: maps.Base,
    codes: Sequence[str],
    places: _Places,
    counts: dict[str, int] | None = None,
    highlighted: frozenset[str] = frozenset(),
) -> tuple[list[maps.Shape], list[maps.Shade]]:
    return maps.shapes(
        base,
        codes,
        places.label,
        places.href,
        (lambda code: places.count(code, counts)) if counts is not None else None,
        highlighted,
    )


def _drawing(base: maps.Base, **parts: Any) -> dict[str, Any]:
    proj = base.projection
    drawing = maps.Drawing(proj.width, proj.height, proj.view_box, **parts)
    result = drawing.as_dict()
    for shape in result["shapes"]:
        shape["bbox"] = _box_text(base.boxes.get(shape["code"]))
    return result


def _visible_counts(context: dict) -> dict[str, int]:
    return _places.visible_counts(context)[1]


# -- the maps -------------------------------------------------------------------


def _commune_map(context: dict, identifier: str, link: str) -> dict[str, Any]:
    group = _places.find_commune(identifier)
    insee = group.extras.get("insee") or ""
    ref = get_referential()
    commune = ref.communes.get(insee)
    epci = commune.epci if commune is not None else None
    codes = tuple(ref.members("epci", epci)) if epci else ()
    if insee not in codes:
        codes = _neighbours(insee)
    outlines = get_outlines()
    base = maps.base_paths(outlines, "commune", codes)
    places = _Places(codes, link)
    shapes, _legend = _shapes(base, codes, places, highlighted=frozenset({insee}))
    name = places.label(insee)
    labels = []
    if insee in base.points:
        x, y = base.points[insee]
        labels.append({"x": x, "y": y, "text": name})
    epci_name = ref.epcis[epci].name if epci and epci in ref.epcis else ""
    if epci_name:
        description = tk._(
            "{name} (dark, thick outline) among the {number} member communes of the "
            "intercommunality {epci}. Each commune links to its page."
        ).format(name=name, number=len(codes), epci=epci_name)
    else:
        description = tk._(
            "{name} (dark, thick outline) and its neighbouring communes. "
            "Each commune links to its page."
        ).format(name=name)
    missing = list(base.missing)
    return {
        "title": tk._("Map of {of_commune}").format(of_commune=_of_commune(insee, name)),
        "description": description,
        **_drawing(base, shapes=shapes, labels=labels, missing=places.missing(missing)),
    }


def _of_commune(insee: str, name: str) -> str:
    """French contracts "de" with the name ("d'Écully"): the French message
    takes it whole, other languages the name alone."""
    try:
        french = tk.h.lang() == "fr"
    except RuntimeError:  # outside a request: no language but the default
        french = False
    return (territory.french_of(insee) if french else None) or name


def _neighbours(insee: str) -> tuple[str, ...]:
    """A commune without intercommunality: it and the communes of the
    territory it touches."""
    outlines = get_outlines()
    geometry = outlines.commune(insee)
    if geometry is None:
        return (insee,)
    index = outlines.scope_index(territory.configured_scope())
    touching = {index.codes[i] for i in index.tree.query(geometry, predicate="intersects")}
    return tuple(sorted(touching | {insee}))


def _intercommunality_map(context: dict, identifier: str, link: str) -> dict[str, Any]:
    group = _places.find_intercommunality(identifier)
    siren = group.extras.get("siren") or ""
    codes = tuple(get_referential().members("epci", siren))
    base = maps.base_paths(get_outlines(), "commune", codes)
    places = _Places(codes, link)
    shapes, legend = _shapes(base, codes, places, counts=_visible_counts(context))
    return {
        "title": tk._("Map of the communes of the intercommunality {name}").format(
            name=group.title
        ),
        "description": tk._(
            "The {number} communes of the intercommunality {name}, shaded by their number of datasets "
            "(the darker, the more). Each commune links to its page; the list of "
            "the communes with their numbers of datasets is on this page."
        ).format(number=len(codes), name=group.title),
        **_drawing(base, shapes=shapes, legend=legend, missing=places.missing(base.missing)),
    }


def _territory_map(context: dict, identifier: str, link: str) -> dict[str, Any]:
    scope = territory.configured_scope()
    codes = tuple(scope.sorted_communes())
    if len(codes) > MAX_COMMUNES:
        return _territory_epci_map(scope, codes, link)
    base = maps.base_paths(get_outlines(), "commune", codes)
    places = _Places(codes, link)
    shapes, legend = _shapes(base, codes, places, counts=_visible_counts(context))
    if link == "search":
        description = tk._(
            "The {number} communes of the territory ({name}), shaded by their number of "
            "datasets (the darker, the more). Each commune links to the search of the "
            "datasets of its area."
        )
    else:
        description = tk._(
            "The {number} communes of the territory ({name}), shaded by their number of "
            "datasets (the darker, the more). Each commune links to its page."
        )
    return {
        "title": tk._("Map of the territory: {name}").format(name=scope.label),
        "description": description.format(number=len(codes), name=scope.label),
        **_drawing(base, shapes=shapes, legend=legend, missing=places.missing(base.missing)),
    }


def _territory_epci_map(scope: Any, codes: Sequence[str], link: str) -> dict[str, Any]:
    """A large territory: its intercommunalities, each linking to its page
    (or to the search of its area)."""
    ref = get_referential()
    sirens = tuple(sorted({siren for c in codes if (siren := ref.communes[c].epci)}))
    outlines = get_outlines()
    base = maps.base_paths(outlines, "epci", sirens, outlines.bounds(codes))
    pages = {group.extras.get("siren"): group for group in commune_snapshot().intercommunalities}
    shapes = []
    for siren in sirens:
        if not base.paths.get(siren):
            continue
        group = pages.get(siren)
        if link == "search":
            box = outlines.bbox("epci", siren)
            href = _search_url(box) if box else ""
        else:
            href = tk.url_for("intercommunalite.read", id=group.name) if group is not None else ""
        label = group.title if group is not None else ref.epcis[siren].name
        shapes.append(maps.Shape(code=siren, d=base.paths[siren], label=label, href=href))
    return {
        "title": tk._("Map of the territory: {name}").format(name=scope.label),
        "description": tk._(
            "The {number} intercommunalities of the territory ({name}). Each one links to its page."
        ).format(number=len(shapes), name=scope.label),
        **_drawing(base, shapes=shapes),
    }


def _dataset_map(context: dict, identifier: str, link: str) -> dict[str, Any]:
    dataset = tk.get_action("package_show")(
        {"user": context.get("user"), "auth_user_obj": context.get("auth_user_obj")},
        {"id": identifier},
    )
    outlines = get_outlines()
    scope = territory.configured_scope()
    scope_codes = tuple(scope.sorted_communes())
    covered = frozenset(str(code) for code in as_list(dataset.get("territoires_coverage")) if code)
    extents, _refused = read_extents(spatial_geometries(dataset), outlines.france_area())
    scope_box = outlines.bounds(scope_codes)
    extent_boxes = [
        maps.limit_box(extent.bbox, scope_box) if scope_box else extent.bbox for extent in extents
    ]
    box = maps.union_box([scope_box, outlines.bounds(sorted(covered)), *extent_boxes])
    if len(scope_codes) <= MAX_COMMUNES:
        drawn = scope_codes + tuple(sorted(covered - set(scope_codes)))
        background_codes: tuple[str, ...] = ()
    else:
        drawn = tuple(sorted(covered))
        background_codes = scope_codes
    base = maps.base_paths(outlines, "commune", drawn, box)
    places = _Places(drawn, link)
    shapes, _legend = _shapes(base, drawn, places, highlighted=covered)
    proj = base.projection
    boxes = [maps.rectangle(extent.bbox, proj) for extent in extents if extent.is_box]
    others = [maps.path(extent.geometry, proj) for extent in extents if not extent.is_box]
    background = maps.outline_path(outlines, background_codes, proj) if background_codes else ""
    title = dataset.get("title") or dataset["name"]
    parts = [
        tk.ungettext(
            "{number} commune covered by the dataset, highlighted (dark, thick outline)",
            "{number} communes covered by the dataset, highlighted (dark, thick outline)",
            len(covered),
        ).format(number=len(covered))
    ]
    if boxes or others:
        parts.append(tk._("its spatial coverage from the metadata drawn with dashed outlines"))
    return {
        "title": tk._("Map of the coverage of the dataset {title}").format(title=title),
        "description": "; ".join(parts) + ".",
        **_drawing(
            base,
            shapes=shapes,
            background=background,
            boxes=boxes,
            geometries=[d for d in others if d],
            missing=places.missing([code for code in base.missing if code in covered]),
        ),
    }


#: Points listed under a map as its text alternative (all are in the table).
LISTED_POINTS = 100


def _points_map(
    context: dict, identifier: str, commune: str, limit: int | None = None
) -> dict[str, Any]:
    """The rows of a pooled dataset that have a position, on the outlines of
    the territory's communes (or of ``commune`` alone)."""
    try:
        show = tk.get_action("territoires_pooled_points_show")
    except KeyError:
        raise tk.ValidationError(
            {"kind": [tk._("Maps of point data need the plugin territoires_pooling.")]}
        ) from None
    outlines = get_outlines()
    if commune:
        codes: tuple[str, ...] = (commune,)
        around = outlines.bounds(codes)
        if around is None:
            raise tk.ValidationError(
                {"commune": [tk._("Unknown commune: {code}").format(code=commune)]}
            )
    else:
        codes = tuple(territory.configured_scope().sorted_communes())
        around = outlines.bounds(codes)
    data = {
        "id": identifier,
        **({"commune": commune} if commune else {}),
        **({"limit": limit} if limit else {}),
    }
    found = show({"user": context.get("user"), "auth_user_obj": context.get("auth_user_obj")}, data)
    positions = [(point["longitude"], point["latitude"]) for point in found["points"]]
    box = around
    if positions and around is not None:
        spread = (
            min(p[0] for p in positions),
            min(p[1] for p in positions),
            max(p[0] for p in positions),
            max(p[1] for p in positions),
        )
        box = maps.union_box([around, maps.limit_box(spread, around, 0.25)])
    drawn = codes if len(codes) <= MAX_COMMUNES else ()
    base = maps.base_paths(outlines, "commune", drawn, box)
    places = _Places(drawn, "page")
    shapes, _legend = maps.shapes(base, drawn, places.label, lambda code: "")
    proj = base.projection
    background = "" if drawn else maps.outline_path(outlines, codes, proj)
    titles = [_point_title(point, bool(commune)) for point in found["points"]]
    dots, outside = maps.dots(positions, titles, proj)
    title = found["dataset"]["title"]
    place = places.label(commune) if commune else territory.configured_scope().label
    counts = {"number": len(dots), "title": title, "place": place}
    return {
        "title": tk._("Map of the points of {title} in {place}").format(**counts),
        "description": (
            tk.ungettext(
                "{number} point of the dataset {title} drawn as a small circle on the "
                "outline of the commune ({place}).",
                "{number} points of the dataset {title} drawn as small circles on the "
                "outline of the commune ({place}).",
                len(dots),
            )
            if commune
            else tk.ungettext(
                "{number} point of the dataset {title} drawn as a small circle on the "
                "outlines of the communes ({place}).",
                "{number} points of the dataset {title} drawn as small circles on the "
                "outlines of the communes ({place}).",
                len(dots),
            )
        ).format(**counts),
        "point_data": {
            "dataset": found["dataset"],
            "resource_id": found["resource_id"],
            "coordinates": found["coordinates"] is not None,
            "commune": commune or None,
            "rows": found["rows"],
            "located": found["located"],
            "drawn": len(dots),
            "outside": outside,
            "without_coordinates": found["without_coordinates"],
            "truncated": found["truncated"],
            "list": [
                {"label": point["label"], "commune": point["commune_nom"]}
                for point in found["points"][:LISTED_POINTS]
            ],
        },
        **_drawing(base, shapes=shapes, background=background, points=dots),
    }


def _point_title(point: dict[str, Any], one_commune: bool) -> str:
    label = point["label"] or tk._("Point without a name")
    if one_commune or not point["commune_nom"]:
        return label
    return tk._("{label} ({commune})").format(label=label, commune=point["commune_nom"])
