"""The demo of ``make run``: a catalogue written for the project, harvested.

``ckan territoires demo`` creates the publishing organisations of the demo
(the Métropole, owner of the harvest source, and three communes whose
organisation carries their INSEE code, so that their datasets are
published under their name), a DCAT harvest source reading the Turtle
catalogue shipped in ``demo/`` (a ``file://`` URL, the one local path the
harvesters may always read), and harvests it now through the same stages
as any source. Running it again changes nothing (the records are
unchanged).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model

from . import runner
from .config import DEMO_DIR
from .messages import N_, HarvestProblem

CATALOGUE = os.path.join(DEMO_DIR, "catalogue.ttl")
SOURCE_NAME = "demo-catalogue-communes"
SOURCE_TITLE = "Catalogue de démonstration des communes"
#: (name, title, INSEE code or None)
ORGANIZATIONS = (
    ("metropole-de-lyon", "Métropole de Lyon", None),
    ("ville-de-villeurbanne", "Ville de Villeurbanne", "69266"),
    ("ville-de-bron", "Ville de Bron", "69029"),
    ("ville-de-venissieux", "Ville de Vénissieux", "69259"),
)


class DemoError(HarvestProblem):
    """The demo cannot be set up; the message says why, in any language."""


def _context() -> dict:
    user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"model": model, "session": model.Session, "user": user["name"], "ignore_auth": True}


def ensure_organizations() -> dict[str, str]:
    ids = {}
    for name, title, insee in ORGANIZATIONS:
        existing = model.Group.get(name)
        if existing is not None and existing.is_organization:
            ids[name] = existing.id
            continue
        if existing is not None:
            raise DemoError(
                N_("The name %(name)s is taken by a group; the demo cannot use it."), name=name
            )
        data: dict[str, Any] = {"name": name, "title": title}
        if insee:
            data["extras"] = [{"key": "insee", "value": insee}]
        ids[name] = tk.get_action("organization_create")(_context(), data)["id"]
    return ids


def ensure_source(owner_org: str) -> dict:
    try:
        return tk.get_action("harvest_source_show")(_context(), {"id": SOURCE_NAME})
    except tk.ObjectNotFound:
        pass
    return tk.get_action("harvest_source_create")(
        _context(),
        {
            "name": SOURCE_NAME,
            "title": SOURCE_TITLE,
            "url": "file://" + CATALOGUE,
            "source_type": "territoires_dcat",
            "owner_org": owner_org,
            "frequency": "MANUAL",
            "config": '{"grace_days": 0}',
            "notes": "Catalogue écrit pour le projet ckanext-territoires (données fictives).",
        },
    )


def load_demo(progress: Callable[[Iterable[str]], Iterable[str]] | None = None) -> dict:
    """Create what the demo needs and harvest its catalogue; the finished job."""
    if not os.path.exists(CATALOGUE):
        raise DemoError(N_("The demo catalogue is missing: %(path)s"), path=CATALOGUE)
    organizations = ensure_organizations()
    source = ensure_source(organizations["metropole-de-lyon"])
    return runner.run_source(source["id"], progress)
