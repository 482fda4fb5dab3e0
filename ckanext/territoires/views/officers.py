"""The officers of the communes, from the web.

- ``POST /commune/<id>/organisation``: the data team creates the
  commune's publishing organisation;
- ``POST /commune/<id>/agents`` and ``/commune/<id>/agents/remove``: the
  data team (and the admins of the commune's organisation) add and remove
  the commune's agents;
- ``/dashboard/commune`` (``territoires.after_login``, the value of CKAN's
  ``ckan.auth.route_after_login``): an agent lands on their commune's
  page after login, anyone else on CKAN's dashboard.

The forms are on the commune page; each answer goes back to it with a
message (CKAN's flash messages).
"""

from __future__ import annotations

from typing import Any

import ckan.lib.base as base
import ckan.plugins.toolkit as tk
from ckan.common import current_user
from flask import Blueprint, redirect, request

#: Where the commune page's officers section starts.
ANCHOR = "territoires-officers"


def _context() -> dict[str, Any]:
    return {"user": current_user.name, "auth_user_obj": current_user}


def _back(commune_id: str):
    try:
        commune = tk.get_action("territoires_commune_show")(
            _context(), {"id": commune_id, "include_figures": False}
        )
    except tk.ObjectNotFound:
        return base.abort(404, tk._("Commune not found"))
    return redirect(tk.url_for("commune.read", id=commune["name"]) + "#" + ANCHOR, code=303)


def _flash_errors(error: tk.ValidationError) -> None:
    for messages in (error.error_dict or {}).values():
        for message in messages if isinstance(messages, list) else [messages]:
            tk.h.flash_error(str(message))


def _call(action: str, data_dict: dict[str, Any]) -> dict[str, Any] | None:
    """Run an action for a form; its errors become flash messages."""
    try:
        return tk.get_action(action)(_context(), data_dict) or {}
    except tk.NotAuthorized:
        return base.abort(403, tk._("Not authorized to manage the agents of this commune"))
    except tk.ObjectNotFound:
        return base.abort(404, tk._("Commune not found"))
    except tk.ValidationError as error:
        _flash_errors(error)
        return None


def commune_organization_create(id: str):
    organization = _call("territoires_commune_organization_create", {"id": id})
    if organization:
        tk.h.flash_success(
            tk._("The organisation %s now publishes for the commune.") % organization["title"]
        )
    return _back(id)


def commune_agent_add(id: str):
    username = request.form.get("username", "").strip()
    agent = _call("territoires_commune_agent_add", {"id": id, "username": username})
    if agent:
        tk.h.flash_success(
            tk._("%(commune)s: %(user)s is now an agent of the commune.")
            % {"user": agent["user"]["display_name"], "commune": agent["commune"]["title"]}
        )
    return _back(id)


def commune_agent_remove(id: str):
    username = request.form.get("username", "").strip()
    if _call("territoires_commune_agent_remove", {"id": id, "username": username}) is not None:
        tk.h.flash_success(tk._("%s is no longer an agent of the commune.") % username)
    return _back(id)


def commune_officers(commune: dict[str, Any]) -> dict[str, Any]:
    """What the commune page shows of its organisation and agents to whom:
    ``agents`` (None unless the visitor manages them), ``can_create_organization``,
    ``can_publish`` (the visitor may publish for the commune)."""
    organization = commune.get("organization")
    context = _context()
    try:
        agents = tk.get_action("territoires_commune_agent_list")(context, {"id": commune["id"]})
    except tk.NotAuthorized:
        agents = None
    return {
        "agents": agents,
        "can_create_organization": organization is None
        and tk.h.check_access("territoires_commune_organization_create", {"id": commune["id"]}),
        "can_publish": organization is not None
        and tk.h.check_access("package_create", {"owner_org": organization["id"]}),
    }


def after_login():
    """An agent's commune page, or CKAN's dashboard."""
    if current_user.is_authenticated:
        communes = tk.get_action("territoires_commune_agent_list")(
            _context(), {"user": current_user.name}
        )
        if communes:
            return redirect(communes[0]["commune"]["url"])
    return redirect(tk.url_for("dashboard.datasets"))


def register(blueprint: Blueprint) -> None:
    """Add the officers' routes to the plugin's blueprint."""
    blueprint.add_url_rule(
        "/commune/<id>/organisation",
        view_func=commune_organization_create,
        endpoint="commune_organization_create",
        methods=["POST"],
    )
    blueprint.add_url_rule(
        "/commune/<id>/agents",
        view_func=commune_agent_add,
        endpoint="commune_agent_add",
        methods=["POST"],
    )
    blueprint.add_url_rule(
        "/commune/<id>/agents/remove",
        view_func=commune_agent_remove,
        endpoint="commune_agent_remove",
        methods=["POST"],
    )
    blueprint.add_url_rule("/dashboard/commune", view_func=after_login, endpoint="after_login")
