"""Views of ckanext-territoires.

``/commune/<INSEE code>`` (current or former code, arrondissement, commune
déléguée) redirects to the current commune's page ``/commune/<slug>``.
"""
from __future__ import annotations

import re

from flask import Blueprint, redirect, request

import ckan.plugins.toolkit as tk

from ckanext.territoires.dcat import views as dcat_views
from ckanext.territoires.quality import views as quality_views

__all__ = ["territoires"]

territoires = Blueprint("territoires", __name__)
dcat_views.register(territoires)  # /catalog/<place>.<format>
quality_views.register(territoires)  # /quality, /quality/<commune>

_CODE = re.compile(r"^(?:\d{2}|2[ABab])\d{3}$")


@territoires.before_app_request
def redirect_commune_codes():
    if request.endpoint not in ("commune.read", "commune.about"):
        return None
    code = (request.view_args or {}).get("id", "")
    if not _CODE.match(code):
        return None
    try:
        commune = tk.get_action("territoires_commune_show")({}, {"id": code})
    except tk.ObjectNotFound:
        return None
    return redirect(tk.url_for(request.endpoint, id=commune["name"]), code=302)
