"""The demo of ``make run``: a catalogue written for the project, harvested.

``ckan territoires demo`` creates the publishing organisations of the demo
(the Métropole, owner of the harvest source, linked to the
intercommunality by its SIREN, and three communes whose organisation
carries their INSEE code, so that their datasets are published under their
name: "published by the commune" on their pages), a DCAT harvest source
reading the Turtle catalogue shipped in ``demo/`` (a ``file://`` URL, the
one local path the harvesters may always read), and harvests it now
through the same stages as any source. Given a password, it also creates
the agent of Villeurbanne, who publishes for the commune. Running it again
changes nothing (the records are unchanged). Codes outside the portal's
territory are left out (the demo is written for the Métropole de Lyon).

On any other territory the demo is that territory's own, generated from the
referential (:mod:`.demo_catalogue`): no Lyon data on another portal.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.territoires import territory
from ckanext.territoires.referential import get_referential

from . import demo_catalogue, runner
from .config import DEMO_DIR, generated_demo_dir
from .messages import N_, HarvestProblem

CATALOGUE = os.path.join(DEMO_DIR, "catalogue.ttl")
SOURCE_NAME = "demo-catalogue-communes"
SOURCE_TITLE = "Catalogue de démonstration des communes"
#: The territory the hand-written catalogue is written for.
LYON_SCOPE = ("epci:200046977",)
Organization = demo_catalogue.Organization
#: The organisations of the Lyon demo, linked to their place.
ORGANIZATIONS = (
    Organization("metropole-de-lyon", "Métropole de Lyon", "siren", "200046977"),
    Organization("ville-de-villeurbanne", "Ville de Villeurbanne", "insee", "69266"),
    Organization("ville-de-bron", "Ville de Bron", "insee", "69029"),
    Organization("ville-de-venissieux", "Ville de Vénissieux", "insee", "69259"),
)
#: ``system_info`` key: the names of the demo's organisations (JSON list).
DEMO_ORGANIZATIONS_KEY = "territoires.demo.organizations"
#: The Lyon demo's agent: (user name, full name, INSEE code of their commune).
AGENT = ("agent-villeurbanne", "Agent de Villeurbanne", "69266")


def catalogue_and_plan() -> tuple[str, demo_catalogue.DemoPlan | None]:
    """The demo catalogue's path for the portal's territory, and the plan it
    was generated from (None: the shipped Lyon catalogue)."""
    scope = territory.configured_scope()
    if scope.values == LYON_SCOPE:
        return CATALOGUE, None
    plan = demo_catalogue.plan_demo(scope, get_referential())
    return demo_catalogue.write_catalogue(plan, generated_demo_dir()), plan


class DemoError(HarvestProblem):
    """The demo cannot be set up; the message says why, in any language."""


def _context() -> dict:
    user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"model": model, "session": model.Session, "user": user["name"], "ignore_auth": True}


def _in_territory(key: str, code: str) -> bool:
    communes = territory.configured_scope().communes
    if key == "insee":
        return code in communes
    epci = get_referential().epcis.get(code)
    return epci is not None and set(epci.members) <= communes


def ensure_organizations(organizations=ORGANIZATIONS) -> dict[str, str]:
    """The demo's organisations, linked to their place (an organisation of
    an earlier demo without its code gets it)."""
    ids = {}
    for organization in organizations:
        name, title, key, code = (
            organization.name,
            organization.title,
            organization.key,
            organization.code,
        )
        extras = [{"key": key, "value": code}] if _in_territory(key, code) else []
        existing = model.Group.get(name)
        if existing is not None and not existing.is_organization:
            raise DemoError(
                N_("The name %(name)s is taken by a group; the demo cannot use it."), name=name
            )
        if existing is None:
            data: dict[str, Any] = {"name": name, "title": title, "extras": extras}
            ids[name] = tk.get_action("organization_create")(_context(), data)["id"]
            continue
        ids[name] = existing.id
        if extras and not existing.extras.get(key):
            tk.get_action("organization_patch")(_context(), {"id": existing.id, "extras": extras})
    return ids


def ensure_agent(password: str, agent: tuple[str, str, str] = AGENT) -> dict | None:
    """The demo's agent (created with this password, once), agent of their
    commune; None when the commune is not in the territory."""
    name, fullname, insee = agent
    if insee not in territory.configured_scope().communes:
        return None
    if model.User.get(name) is None:
        tk.get_action("user_create")(
            _context(),
            {
                "name": name,
                "fullname": fullname,
                "email": f"{name}@example.org",
                "password": password,
            },
        )
    return tk.get_action("territoires_commune_agent_add")(
        _context(), {"id": insee, "username": name}
    )


def ensure_source(owner_org: str, catalogue: str = CATALOGUE) -> dict:
    """The demo's harvest source, reading ``catalogue`` (an earlier demo's
    source, of another territory, is pointed at it)."""
    url = "file://" + catalogue
    try:
        source = tk.get_action("harvest_source_show")(_context(), {"id": SOURCE_NAME})
    except tk.ObjectNotFound:
        source = None
    if source is not None:
        if source["url"] != url:
            # another territory's demo: its fictitious datasets go first
            tk.get_action("harvest_source_clear")(_context(), {"id": source["id"]})
            source = tk.get_action("harvest_source_patch")(
                _context(), {"id": source["id"], "url": url, "owner_org": owner_org}
            )
        return source
    return tk.get_action("harvest_source_create")(
        _context(),
        {
            "name": SOURCE_NAME,
            "title": SOURCE_TITLE,
            "url": url,
            "source_type": "territoires_dcat",
            "owner_org": owner_org,
            "frequency": "MANUAL",
            "config": '{"grace_days": 0}',
            "notes": "Catalogue écrit pour le projet ckanext-territoires (données fictives).",
        },
    )


def demo_agent() -> tuple[str, str, str]:
    """(user name, full name, INSEE code) of the demo's agent here."""
    _catalogue, plan = catalogue_and_plan()
    return plan.agent if plan and plan.agent else AGENT


def load_demo(
    progress: Callable[[Iterable[str]], Iterable[str]] | None = None,
    agent_password: str | None = None,
) -> dict:
    """Create what the demo needs and harvest its catalogue; the finished
    job. With ``agent_password``, the demo's agent too."""
    catalogue, plan = catalogue_and_plan()
    if not os.path.exists(catalogue):
        raise DemoError(N_("The demo catalogue is missing: %(path)s"), path=catalogue)
    organizations = ensure_organizations(plan.organizations if plan else ORGANIZATIONS)
    if agent_password:
        try:
            ensure_agent(agent_password, plan.agent if plan and plan.agent else AGENT)
        except tk.ValidationError as error:
            raise DemoError(
                N_("The demo's agent cannot be created: %(errors)s"), errors=str(error.error_dict)
            ) from error
    owner = plan.owner if plan else ORGANIZATIONS[0].name
    source = ensure_source(organizations[owner], catalogue)
    job = runner.run_source(source["id"], progress)
    retire_earlier_organizations(organizations)
    return job


def retire_earlier_organizations(current: Iterable[str]) -> list[str]:
    """Delete the organisations of an earlier demo (another territory's)
    that hold no dataset any more; an organisation where someone published
    is kept. The demo's organisations are remembered in ``system_info``
    (before that, an earlier demo could only be Lyon's). Their names."""
    current = set(current)
    remembered = model.get_system_info(DEMO_ORGANIZATIONS_KEY)
    earlier = json.loads(remembered) if remembered else [org.name for org in ORGANIZATIONS]
    retired = []
    for name in sorted(set(earlier) - current):
        organization = model.Group.get(name)
        if organization is None or not organization.is_organization:
            continue
        if organization.state != "active" or _holds_datasets(organization.id):
            continue
        tk.get_action("organization_delete")(_context(), {"id": organization.id})
        retired.append(name)
    model.set_system_info(DEMO_ORGANIZATIONS_KEY, json.dumps(sorted(current)))
    return retired


def _holds_datasets(organization_id: str) -> bool:
    return (
        model.Session.query(model.Package.id)
        .filter(model.Package.owner_org == organization_id, model.Package.state != "deleted")
        .first()
        is not None
    )
