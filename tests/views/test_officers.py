"""The commune's organisation and agents from the web: the forms of the
commune page, and the landing page of an agent after login."""

from __future__ import annotations

import html

import ckan.tests.factories as factories
import ckan.tests.helpers as helpers
import pytest

from tests.conftest import TERRITORY_PLUGINS
from tests.views.conftest import auth

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", TERRITORY_PLUGINS),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "lyon"),
]

BRON = "/commune/bron-69029"


def section(body: str) -> str:
    start = body.find('id="territoires-officers"')
    return body[start : body.find("</section>", start)] if start >= 0 else ""


def messages(body: str) -> str:
    start = body.find('class="flash-messages"')
    return " ".join(html.unescape(body[start : body.find("</div>", start)]).split())


def post(app, url, user, data=None):
    """Post a form of the commune page; the commune page it goes back to."""
    response = app.post(url, headers=auth(user), data=data or {}, follow_redirects=True)
    assert response.request.path == "/fr" + BRON if url.startswith("/fr") else BRON
    return response.body


def test_the_data_team_creates_the_organisation_then_adds_an_agent(app):
    sysadmin = factories.SysadminWithToken()
    body = app.get(BRON, headers=auth(sysadmin)).body
    assert "Create the commune's organisation" in section(body)
    response = app.post(
        "/commune/bron-69029/organisation", headers=auth(sysadmin), follow_redirects=False
    )
    assert response.status_code == 303
    assert response.location.endswith(BRON + "#territoires-officers")
    body = app.get(BRON, headers=auth(sysadmin)).body
    assert 'href="/organization/commune-bron-69029"' in section(body)
    assert 'id="territoires-agent-username"' in section(body)
    assert "Create the commune" not in section(body)

    agent = factories.User(name="camille", fullname="Camille Martin")
    body = post(app, "/commune/bron-69029/agents", sysadmin, {"username": "camille"})
    assert "Bron: Camille Martin is now an agent of the commune." in messages(body)
    assert "Camille Martin" in section(body)
    (listed,) = helpers.call_action("territoires_commune_agent_list", id="69029")
    assert listed["user"]["name"] == agent["name"]

    body = post(app, "/commune/bron-69029/agents/remove", sysadmin, {"username": "camille"})
    assert "camille is no longer an agent of the commune." in messages(body)
    assert helpers.call_action("territoires_commune_agent_list", id="69029") == []


def test_the_organisation_created_is_announced(app):
    body = post(app, "/commune/bron-69029/organisation", factories.SysadminWithToken())
    assert "The organisation Commune de Bron now publishes for the commune." in messages(body)


def test_errors_come_back_as_messages_in_french(app):
    sysadmin = factories.SysadminWithToken()
    factories.Organization(name="ville-de-bron", title="Ville de Bron", insee="69029")
    body = post(app, "/fr/commune/bron-69029/agents", sysadmin, {"username": "personne"})
    assert "Aucun utilisateur n'est connu sous le nom « personne »." in messages(body)
    body = post(app, "/fr/commune/bron-69029/organisation", sysadmin)
    assert "Bron a déjà son organisation : Ville de Bron." in messages(body)


def test_others_neither_see_nor_use_the_forms(app):
    officer = factories.UserWithToken()
    helpers.call_action(
        "group_member_create", id="bron-69029", username=officer["name"], role="editor"
    )
    for user in (None, officer):
        assert section(app.get(BRON, headers=auth(user)).body) == ""
    response = app.post(
        "/commune/bron-69029/agents", headers=auth(officer), data={"username": officer["name"]}
    )
    assert response.status_code == 403
    response = app.post("/commune/bron-69029/organisation", headers=auth(officer))
    assert response.status_code == 403


def test_an_admin_of_the_communes_organisation_manages_its_agents(app):
    organisation = factories.Organization(insee="69029")
    admin = factories.UserWithToken()
    helpers.call_action(
        "organization_member_create", id=organisation["id"], username=admin["name"], role="admin"
    )
    body = app.get(BRON, headers=auth(admin)).body
    assert 'id="territoires-agent-username"' in section(body)
    assert "Create the commune" not in section(body)


def test_an_agent_sees_the_publish_button(app):
    organisation = factories.Organization(insee="69029")
    agent = factories.UserWithToken()
    helpers.call_action("territoires_commune_agent_add", id="69029", username=agent["name"])
    body = app.get(BRON, headers=auth(agent)).body
    assert f'href="/dataset/new?owner_org={organisation["id"]}"' in body
    assert "Publish a dataset for the commune" in body
    assert section(body) == ""  # agents do not manage agents
    assert "Publish a dataset for the commune" not in app.get(BRON).body


@pytest.mark.ckan_config("ckan.auth.route_after_login", "territoires.after_login")
def test_an_agent_lands_on_their_commune_after_login(app):
    factories.Organization(insee="69029")
    agent = factories.User(name="agent-bron", password="correct horse battery")
    helpers.call_action("territoires_commune_agent_add", id="69029", username=agent["name"])
    response = app.post(
        "/user/login",
        data={"login": "agent-bron", "password": "correct horse battery"},
        follow_redirects=True,
    )
    assert response.request.path == BRON
    assert "Publish a dataset for the commune" in response.body


@pytest.mark.ckan_config("ckan.auth.route_after_login", "territoires.after_login")
def test_anyone_else_lands_on_the_dashboard(app):
    factories.User(name="someone", password="correct horse battery")
    response = app.post(
        "/user/login",
        data={"login": "someone", "password": "correct horse battery"},
        follow_redirects=True,
    )
    assert response.request.path == "/dashboard/datasets"
    # anonymous: CKAN's dashboard, which asks to log in
    response = app.get("http://other.example/dashboard/commune", follow_redirects=False)
    assert response.location.endswith("/dashboard/datasets")


def test_the_organisation_form_has_the_code_fields_checked_in_french(app):
    sysadmin = factories.SysadminWithToken()
    form = app.get("/fr/organization/new", headers=auth(sysadmin)).body
    assert 'name="insee"' in form and 'name="siren"' in form
    assert "Commune pour laquelle elle publie (code INSEE)" in html.unescape(form)
    response = app.post(
        "/fr/organization/new",
        headers=auth(sysadmin),
        data={"title": "Mairie", "name": "mairie", "insee": "Paris", "save": ""},
    )
    assert response.status_code == 200
    text = " ".join(html.unescape(response.body).split())
    assert (
        "Commune pour laquelle elle publie (code INSEE) : Paris (75 Paris, INSEE 75056) "
        "n'est pas dans le territoire (Métropole de Lyon)."
    ) in text
    response = app.post(
        "/fr/organization/new",
        headers=auth(sysadmin),
        data={"title": "Mairie de Bron", "name": "mairie", "insee": "Bron", "save": ""},
        follow_redirects=False,
    )
    assert response.status_code == 302
    assert helpers.call_action("territoires_commune_show", id="69029")["organization"]["name"] == (
        "mairie"
    )
