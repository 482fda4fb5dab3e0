"""``/catalog/<place>.<format>``: the DCAT catalogue of a commune or of the
intercommunality (endpoint ``territoires.place_catalogue``)."""

from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckanext.dcat.utils import CONTENT_TYPES
from flask import Blueprint, make_response, request


def place_catalogue(id: str, _format: str = "ttl"):
    try:
        body = tk.get_action("territoires_catalog_show")(
            {}, {"id": id, "format": _format, "page": request.args.get("page") or 1}
        )
    except tk.ObjectNotFound as error:
        return tk.abort(404, str(error))
    except tk.ValidationError as error:
        return tk.abort(
            400,
            "; ".join(
                f"{field}: {' '.join(messages)}" for field, messages in error.error_dict.items()
            ),
        )
    response = make_response(body)
    response.headers["Content-Type"] = CONTENT_TYPES[_format]
    return response


def register(blueprint: Blueprint) -> None:
    """Add the place catalogue to the plugin's blueprint.

    ``/catalog/<id>`` (Turtle) is an alias of ``/catalog/<id>.ttl``: it
    redirects there, and a URL with its extension is never redirected
    (paging URLs keep it)."""
    blueprint.add_url_rule(
        "/catalog/<id>.<_format>", endpoint="place_catalogue", view_func=place_catalogue
    )
    blueprint.add_url_rule(
        "/catalog/<id>",
        endpoint="place_catalogue",
        view_func=place_catalogue,
        defaults={"_format": "ttl"},
        alias=True,
    )
