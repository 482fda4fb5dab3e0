"""What the place actions share: finding a commune or intercommunality
group, their dictionaries, the visible dataset counts and the key figures
of a place (with their metadata quality, from the same search)."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib import munge

from ckanext.territoires import config
from ckanext.territoires.communes import figures, groups, index
from ckanext.territoires.communes.snapshot import commune_snapshot
from ckanext.territoires.quality import aggregate as quality
from ckanext.territoires.referential import get_referential

#: Figures of other concerns computed from the search of a place's figures.
SUMMARIES = {"quality": figures.Summary(quality.PLACE_FACETS, quality.place_summary)}


def place_figures(context: dict, place: figures.Place) -> dict[str, Any]:
    """The key figures of a place, their metadata quality included."""
    return figures.figures(context, place, config.pages_latest_count(), SUMMARIES)


def visible_counts(context: dict) -> tuple[int, dict[str, int]]:
    """The number of datasets the caller may see, and how many per commune or
    intercommunality group name.

    Faceted on the codes of the index (``territoires_communes``,
    ``territoires_whole``), not on ``groups``: for a ``groups`` facet,
    ``package_search`` reads the title of every group counted (a région's
    4,000, 150 ms), which the counts do not need."""
    result = tk.get_action("package_search")(
        figures.search_context(context),
        {
            "rows": 0,
            "facet.field": [index.COMMUNES_FIELD, index.WHOLE_FIELD],
            "facet.limit": -1,
            "include_private": True,
        },
    )
    facets = result.get("facets", {})
    snapshot = commune_snapshot()
    counts = {}
    for insee, count in (facets.get(index.COMMUNES_FIELD) or {}).items():
        group = snapshot.groups.get(insee)
        if group is not None:
            counts[group.name] = count
    whole = facets.get(index.WHOLE_FIELD) or {}
    for epci in snapshot.intercommunalities:
        count = whole.get(epci.extras.get("siren") or "")
        if count:
            counts[epci.name] = count
    return result.get("count", 0), counts


def presentation(group: model.Group | groups.CommuneGroup) -> dict[str, str]:
    """What the officers of a place edit: description, logo, contacts."""
    extras = dict(group.extras)
    return {
        "description": group.description or "",
        "image_url": group.image_url or "",
        "image_display_url": image_display_url(group.image_url),
        **{key: extras.get(key, "") for key in groups.PRESENTATION},
    }


#: Stands for a group's name in a URL built once for thousands of groups.
_NAME_SLOT = "territoires-group-name-slot"


def commune_url_builder():
    """A function from a commune group's name to its page's URL: the route
    is built once (building it per commune was half the time of a région's
    list), on first use (a portal without the commune page type lists no
    commune); group names are URL-safe slugs."""
    template: list[str] = []

    def url_of(name: str) -> str:
        if not template:
            template.append(tk.url_for("commune.read", id=_NAME_SLOT))
        return template[0].replace(_NAME_SLOT, name)

    return url_of


def commune_dict(
    group: model.Group | groups.CommuneGroup,
    counts: dict[str, int],
    url_of=None,
    identity: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A commune as ``territoires_commune_list`` lists it; ``identity``: its
    :func:`groups.identity_as_dict`, when already known."""
    return {
        "id": group.id,
        "name": group.name,
        "title": group.title,
        "url": url_of(group.name) if url_of else tk.url_for("commune.read", id=group.name),
        "package_count": counts.get(group.name, 0),
        **(identity if identity is not None else groups.identity_as_dict(dict(group.extras))),
        "presentation": presentation(group),
    }


def image_display_url(image_url: str | None) -> str:
    """An uploaded logo's URL on this site, or the URL given."""
    if image_url and not image_url.startswith("http"):
        return tk.h.url_for_static(
            f"uploads/group/{munge.munge_filename_legacy(image_url)}", qualified=True
        )
    return image_url or ""


def group_link(group: model.Group | groups.CommuneGroup, group_type: str) -> dict[str, str]:
    return {
        "name": group.name,
        "title": group.title,
        "url": tk.url_for(f"{group_type}.read", id=group.name),
    }


def find_commune(identifier: str) -> model.Group:
    """A commune group from its name or id, or an INSEE code (current,
    former, arrondissement, déléguée); ObjectNotFound otherwise."""
    group = model.Group.get(identifier)
    if group is None or group.type != groups.COMMUNE or group.state != "active":
        group = groups.find_commune_group(get_referential(), identifier)
    if group is None:
        raise tk.ObjectNotFound(tk._("No commune of the territory is known as %s") % identifier)
    return group


def find_intercommunality(identifier: str) -> model.Group:
    """An intercommunality group from its name, id or SIREN; ObjectNotFound otherwise."""
    group = model.Group.get(identifier)
    if group is None or group.type != groups.INTERCOMMUNALITE or group.state != "active":
        group = groups.intercommunality_group(identifier)
    if group is None:
        raise tk.ObjectNotFound(
            tk._("No intercommunality of the territory is known as %s") % identifier
        )
    return group


def commune_place(group: model.Group) -> figures.Place:
    return figures.Place(
        groups.COMMUNE,
        group.name,
        group.extras.get("insee") or "",
        group.extras.get("epci") or None,
    )


def find_place(identifier: str) -> figures.Place:
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
        group = find_commune(identifier)
    if group.type == groups.INTERCOMMUNALITE:
        return figures.Place(group.type, group.name, group.extras.get("siren") or "")
    return commune_place(group)
