"""Pages of metadata quality: ``/quality`` (the data team's dashboard, per
commune, sortable) and ``/quality/<commune>`` (one commune, its datasets to
improve first)."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from flask import Blueprint, request

from ckanext.territoires.quality import aggregate


def _context() -> dict:
    return {
        "user": tk.current_user.name if tk.current_user.is_authenticated else "",
        "auth_user_obj": tk.current_user if tk.current_user.is_authenticated else None,
    }


def _bad_request(error: tk.ValidationError):
    return tk.abort(
        400,
        "; ".join(f"{field}: {' '.join(messages)}" for field, messages in error.error_dict.items()),
    )


def quality_dashboard():
    try:
        tk.check_access("territoires_quality_dashboard", _context())
    except tk.NotAuthorized as error:
        return tk.abort(403, str(error))
    sort = request.args.get("sort") or "name"
    order = request.args.get("order") or "asc"
    try:
        result = tk.get_action("territoires_quality_commune_list")(
            _context(), {"sort": sort, "order": order}
        )
    except tk.ValidationError as error:
        return _bad_request(error)
    return tk.render(
        "territoires/quality/dashboard.html", {"result": result, "sort": sort, "order": order}
    )


def commune_summary(commune: dict[str, Any]) -> dict[str, Any]:
    """What ``territoires/quality/commune_summary.html`` shows for a commune
    of ``territoires_commune_show`` (with its figures, whose search also
    gave the quality facets: no search of its own)."""
    return {
        "summary": {**commune["figures"]["quality"], "insee": commune["insee"]},
        **aggregate.labels(),
        "detail_url": tk.url_for("territoires.quality_commune", id=commune["name"]),
    }


def quality_commune(id: str):
    try:
        commune = tk.get_action("territoires_commune_show")(
            _context(), {"id": id, "include_figures": False}
        )
    except tk.ObjectNotFound as error:
        return tk.abort(404, str(error))
    quality = tk.get_action("territoires_quality_commune_show")(_context(), {"id": commune["name"]})
    return tk.render(
        "territoires/quality/commune.html",
        {
            "commune": commune,
            "quality": {
                "summary": quality["commune"],
                "criteria": quality["criteria"],
                "levels": quality["levels"],
                "detail_url": None,
            },
            "datasets": quality["datasets"],
        },
    )


def register(blueprint: Blueprint) -> None:
    blueprint.add_url_rule("/quality", endpoint="quality_dashboard", view_func=quality_dashboard)
    blueprint.add_url_rule("/quality/<id>", endpoint="quality_commune", view_func=quality_commune)
