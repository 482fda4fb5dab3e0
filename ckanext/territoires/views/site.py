"""The portal's identity on every page: the title CKAN's templates show
(``g.site_title``: header, page titles, footer, about page) is the one of
``territoires_site_show``, in the page's language.

CKAN's templates read ``g.site_title`` from its application globals; a value
set on Flask's ``g`` for the request takes precedence over them. It is lazy:
computed when a template shows it, in the language of the page (which is
not always settled before the request's first hooks run).
"""

from __future__ import annotations

import ckan.plugins.toolkit as tk
from flask import Blueprint, request


def site_identity() -> None:
    if request.path.startswith("/api/"):
        return  # no page

    tk.g.site_title = LazyTitle()


class LazyTitle:
    """The title, computed the first time it is shown. Shown as text only:
    Jinja escapes it as any string (no ``__html__``)."""

    _title: str | None = None

    def __str__(self) -> str:
        if self._title is None:
            self._title = tk.get_action("territoires_site_show")({}, {})["title"]
        return self._title

    def __len__(self) -> int:
        return len(str(self))

    def __eq__(self, other: object) -> bool:
        return str(self) == other

    def __hash__(self) -> int:
        return hash(str(self))


def register(blueprint: Blueprint) -> None:
    blueprint.before_app_request(site_identity)
