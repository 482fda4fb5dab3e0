"""Views of the harvesters: the dry run of a source, shown in its admin pages.

``/harvest/preview/<source>`` parses the request, calls
``territoires_harvest_preview`` and renders ``source/preview.html`` (an
admin page of ckanext-harvest's source screens, extended in this package's
``templates/``). Nothing is written: the "Reharvest" button runs the harvest.
"""

from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckanext.harvest.utils import DATASET_TYPE_NAME
from flask import Blueprint

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
