"""Views of ckanext-territoires: they parse the request, call actions, render.

One blueprint, ``territoires``, to which each module adds its routes
explicitly (:func:`blueprints`, wired by the plugin):

- :mod:`.places`: ``/communes``, the commune and intercommunality pages
  (behind CKAN's group-type routes, see :func:`.places.replace_group_type_views`);
- :mod:`.catalogue`: ``/catalog/<place>.<format>``, DCAT catalogues of places;
- :mod:`.quality`: ``/quality`` and ``/quality/<commune>``;
- :mod:`.site`: the portal's title on every page.
- :mod:`.script_strings`: CKAN's JavaScript strings (``/api/i18n/<lang>``),
  built on the first request for them.
- :mod:`.officers`: the commune's organisation and agents (forms of the
  commune page), the landing page after login;
- :mod:`.publish`: ``/dataset/publish``, the dataset form's first step with
  its file or link.
"""

from __future__ import annotations

from flask import Blueprint

from ckanext.territoires.views import (
    catalogue,
    officers,
    places,
    publish,
    quality,
    script_strings,
    site,
)


def blueprints() -> list[Blueprint]:
    """The plugin's blueprint with the routes of every view module."""
    blueprint = Blueprint("territoires", __name__)
    places.register(blueprint)
    catalogue.register(blueprint)
    quality.register(blueprint)
    site.register(blueprint)
    script_strings.register(blueprint)
    officers.register(blueprint)
    publish.register(blueprint)
    return [blueprint]
