"""Views of the harvesters: the dry run of a source, shown in its admin pages.

``/harvest/preview/<source>`` parses the request, calls
``territoires_harvest_preview`` and renders ``source/preview.html`` (an
admin page of ckanext-harvest's source screens, extended in this package's
``templates/``). Nothing is written: the "Reharvest" button runs the harvest.

ckanext-harvest's ``/harvest/delete/<source>`` (and ``/harvest/clear/...``)
deleted on a plain GET, its blueprint being exempt from CSRF protection like
every extension's: :func:`replace_harvest_views` makes them POST only, with
the CSRF token checked here.
"""

from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckanext.harvest import utils as harvest_utils
from ckanext.harvest.utils import DATASET_TYPE_NAME
from flask import Blueprint, current_app

__all__ = ["territoires_harvest"]

#: Records described one by one on the page by default, and at most.
DEFAULT_LIMIT = 20
MAX_LIMIT = 200

territoires_harvest = Blueprint("territoires_harvest", __name__)


def _limit() -> int:
    try:
        limit = int(tk.request.args.get("limit", DEFAULT_LIMIT))
    except ValueError:
        return DEFAULT_LIMIT
    return min(max(limit, 1), MAX_LIMIT)


def preview(id: str):
    """The dry run of the source ``id`` (name or id), for its editors."""
    tk.g.dataset_type = DATASET_TYPE_NAME  # ckanext-harvest's source templates use it
    context = {"user": tk.current_user.name, "auth_user_obj": tk.current_user}
    try:
        source = tk.get_action("harvest_source_show")(dict(context), {"id": id})
        tk.check_access("territoires_harvest_preview", dict(context), {"id": source["id"]})
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Harvest source not found"))
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only the editors of a harvest source may preview it."))
    result, error = None, None
    try:
        result = tk.get_action("territoires_harvest_preview")(
            dict(context), {"id": source["id"], "limit": _limit()}
        )
    except tk.ValidationError as invalid:
        # the source's configuration cannot be read: said on the page
        error = "; ".join(str(message) for message in invalid.error_dict.get("id", []))
    return tk.render(
        "source/preview.html",
        extra_vars={"harvest_source": source, "preview": result, "preview_error": error},
    )


territoires_harvest.add_url_rule(f"/{DATASET_TYPE_NAME}/preview/<id>", view_func=preview)


def _post_with_csrf() -> None:
    """Refuse anything but a POST carrying the page's CSRF token."""
    if tk.request.method != "POST":
        tk.abort(405, tk._("This action needs the confirmation form (POST)."))
    current_app.extensions["csrf"].protect()  # 400 without a valid token


def delete_source(id: str):
    """ckanext-harvest's source deletion (``?clear=true``: and its datasets),
    by POST with the CSRF token only."""
    _post_with_csrf()
    return harvest_utils.delete_view(id)


def clear_source(id: str):
    """ckanext-harvest's source clearing, by POST with the CSRF token only."""
    _post_with_csrf()
    return harvest_utils.clear_view(id)


#: ckanext-harvest's endpoints replaced, and the methods their routes accept.
HARVEST_VIEWS = {"harvester.delete": delete_source, "harvester.clear": clear_source}


def replace_harvest_views(app) -> None:
    """Once every blueprint is registered (IMiddleware), ckanext-harvest's
    delete and clear endpoints are this module's, and POST only."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint in HARVEST_VIEWS:
            rule.methods = {"POST", "OPTIONS"}
    for endpoint, view in HARVEST_VIEWS.items():
        if endpoint in app.view_functions:
            app.view_functions[endpoint] = view
