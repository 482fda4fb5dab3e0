"""``territoires_site_show``: the portal's title, introduction and logo,
the territory's when CKAN's options are left to their defaults."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.lib.formatters import localised_number
from ckan.logic import validate

from ckanext.territoires import site
from ckanext.territoires.logic import schema

__all__ = ["territoires_site_show"]


@tk.side_effect_free
@validate(schema.territoires_site_show)
def territoires_site_show(context, data_dict) -> dict[str, Any]:
    """The portal's identity, in the caller's language.

    :returns: ``title`` (``ckan.site_title``, or the territory's: "Open
        data of the Métropole de Lyon"), ``intro`` (markdown:
        ``ckan.site_intro_text``, or the territory's: its name and its
        number of communes), ``about`` (markdown: ``ckan.site_about``, or
        ``""`` for the territory's own page), ``logo`` (``ckan.site_logo``)
        and ``favicon`` (``ckan.favicon``): the options as a sysadmin may
        have changed them from ``/ckan-admin/config``
    :rtype: dictionary
    """
    tk.check_access("territoires_site_show", context, data_dict)
    return {
        "title": site.title(tk.config.get(site.TITLE), tk._),
        "intro": tk.config.get("ckan.site_intro_text")
        or site.default_intro(tk._, localised_number),
        "about": tk.config.get("ckan.site_about") or "",
        "logo": tk.config.get("ckan.site_logo") or "",
        "favicon": tk.config.get("ckan.favicon") or "",
    }
