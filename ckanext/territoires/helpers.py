"""Template helpers of ckanext-territoires (presentation only)."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.common import current_user
from flask import current_app

from ckanext.territoires import config, errors, licences, territory
from ckanext.territoires.translations import N_

__all__ = [
    "territoires_commune_name",
    "territoires_coverage_choices",
    "territoires_epci_type",
    "territoires_error_page",
    "territoires_frequency_choices",
    "territoires_home_block",
    "territoires_licence_title",
    "territoires_place_catalogue_url",
    "territoires_quality",
    "territoires_territory_label",
    "territoires_theme_chart",
]

#: Endpoint of a per-place DCAT catalogue, if a plugin provides one
#: (DCAT-AP republishing): ``url_for(PLACE_CATALOGUE_ENDPOINT, id=<group name>)``.
PLACE_CATALOGUE_ENDPOINT = "territoires.place_catalogue"


def territoires_coverage_choices(field=None) -> list[dict[str, str]]:
    """Choices of the coverage picker: the whole territory, then its communes by name."""
    label = territory.configured_scope().label
    return [{"value": "*", "label": tk._("The whole territory (%s)") % label}] + [
        {"value": code, "label": f"{name} ({code})"} for code, name in territory.communes_by_name()
    ]


def territoires_territory_label() -> str:
    """The name of the portal's territory ("Métropole de Lyon")."""
    return territory.configured_scope().label


def territoires_commune_name(code: str) -> str:
    """Name of the current commune of an INSEE code, or the code."""
    return territory.commune_name(code) or code


def territoires_frequency_choices(field=None) -> list[dict[str, str]]:
    """Choices of the update frequency field: the EU vocabulary, translated."""
    from ckanext.territoires import vocabularies

    return [
        {"value": vocabularies.FREQUENCY_BASE + term.code, "label": tk._(term.label)}
        for term in vocabularies.FREQUENCIES
    ]


def _user_context() -> dict:
    user = tk.current_user
    return {
        "user": user.name if user.is_authenticated else "",
        "auth_user_obj": user if user.is_authenticated else None,
    }


def territoires_quality(dataset_id: str):
    """Metadata quality of a dataset for the current user (None if hidden)."""
    try:
        return tk.get_action("territoires_quality_show")(_user_context(), {"id": dataset_id})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return None


def territoires_home_block() -> dict[str, Any] | None:
    """What the home page's communes block shows, or None when it is off:
    ``{"position": featured|top|bottom, "territory": territoires_territory_show}``."""
    if not config.home_communes_block():
        return None
    context = {"user": current_user.name, "auth_user_obj": current_user}
    return {
        "position": config.home_position(),
        "territory": tk.get_action("territoires_territory_show")(context, {}),
    }


def territoires_place_catalogue_url(name: str) -> str | None:
    """The DCAT catalogue of a commune or intercommunality group, or None.

    A plugin registering the endpoint ``territoires.place_catalogue`` (with
    an ``id`` argument: the group name) provides it; otherwise, when
    ckanext-dcat's catalogue endpoint is on, its Turtle catalogue filtered
    to the group's datasets.
    """
    if PLACE_CATALOGUE_ENDPOINT in current_app.view_functions:
        return tk.url_for(PLACE_CATALOGUE_ENDPOINT, id=name, _format="ttl")
    if "dcat.read_catalog" in current_app.view_functions:
        # unquoted: ckanext-dcat copies fq into its paging URIs, which must stay
        # valid URIs (group names are made of a-z, 0-9, "-" and "_")
        return tk.url_for("dcat.read_catalog", _format="ttl", fq=f"groups:{name}")
    return None


def territoires_theme_chart(themes: list[dict[str, Any]], limit: int = 8) -> dict[str, Any]:
    """Geometry of the horizontal bar chart of themes (server-side SVG)."""
    shown = themes[:limit]
    largest = max([theme["count"] for theme in shown] or [1])
    row, label_width, bar_width = 28, 215, 200
    bars = [
        {
            **theme,
            "y": index * row,
            "width": round(theme["count"] / largest * bar_width, 1) if largest else 0,
        }
        for index, theme in enumerate(shown)
    ]
    return {
        "bars": bars,
        "row": row,
        "label_width": label_width,
        "bar_width": bar_width,
        "height": max(len(bars), 1) * row,
        "width": label_width + bar_width + 60,
        "others": len(themes) - len(shown),
    }


#: Legal forms of intercommunalities in the referential.
EPCI_TYPES = {
    "CC": N_("Community of communes"),
    "CA": N_("Agglomeration community"),
    "CU": N_("Urban community"),
    "METRO": N_("Metropolis"),
    "MET69": N_("Metropolis with special status (Lyon)"),
}


def territoires_epci_type(code: str) -> str:
    """The translated legal form of an intercommunality, or its code."""
    return tk._(EPCI_TYPES[code]) if code in EPCI_TYPES else (code or "")


def territoires_error_page(code: Any, content: Any = None) -> dict[str, Any]:
    """What the error page of ``code`` says (title, explanation, the view's
    own message): see :func:`ckanext.territoires.errors.page`."""
    return errors.page(code, content)


def territoires_licence_title(pkg_dict: dict[str, Any]) -> str:
    """The title of a dataset's licence in the page's language."""
    return licences.shown_title(pkg_dict)
