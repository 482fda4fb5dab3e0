"""Errors: no request breaks the next ones, every error page is the portal's.

A view made to fail in the database as the dataset form did (a value
PostgreSQL cannot take, refused at flush) must leave the next requests
working. CKAN's test app handles errors as the portal does (``debug =
false``: CKAN's error handler answers; CKAN's config resets Flask's
``TESTING``); with ``debug = true`` errors propagate (to Werkzeug's
debugger), which :func:`_as_in_debug_mode` reproduces.
"""

from __future__ import annotations

import ckan.lib.base
import pytest
import sqlalchemy.exc
from ckan import model
from ckan.tests import factories

from ckanext.territoires import errors
from ckanext.territoires.communes import membership
from tests.conftest import TERRITORY_PLUGINS
from tests.support.forms import form_values, login, replace

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", TERRITORY_PLUGINS),
    pytest.mark.usefixtures("with_plugins", "clean_db"),
]

BROKEN = "/test-broken-request"
PASSWORD = "Mot-de-passe-2026"


def _fail_in_the_database():
    """What ``frequency = tk.missing`` did: a row PostgreSQL cannot take."""
    model.Session.add(model.PackageExtra(key="territoires-broken", value=object()))
    model.Session.flush()
    return "not reached"


@pytest.fixture
def portal(app):
    """The test app with a route failing in the database."""
    app.flask_app.add_url_rule(BROKEN, "test_broken", _fail_in_the_database)
    return app


def _browser(app):
    """A logged-in person's browser (their pages read the database)."""
    user = factories.Sysadmin(password=PASSWORD)
    browser = app.test_client()
    login(browser, user["name"], PASSWORD)
    return browser


def _as_in_debug_mode(app) -> None:
    """As CKAN's app with ``debug = true``: no handler for exceptions, which
    propagate (to Werkzeug's debugger under ``ckan run``)."""
    app.flask_app.error_handler_spec[None][None].pop(Exception)
    app.flask_app.config["PROPAGATE_EXCEPTIONS"] = True


def test_a_failed_request_does_not_break_the_next_ones(portal):
    browser = _browser(portal)
    response = browser.get("/fr" + BROKEN)
    assert response.status_code == 500
    assert "<h1>Erreur du serveur</h1>" in response.body
    assert "Traceback" not in response.body and "Internal server error" not in response.body
    assert browser.get("/fr/dataset/").status_code == 200
    assert portal.test_client().get("/fr/user/login").status_code == 200
    assert model.Session.query(model.PackageExtra).filter_by(key="territoires-broken").count() == 0


def test_an_error_that_propagates_does_not_break_the_next_requests(portal):
    _as_in_debug_mode(portal)
    browser = _browser(portal)
    with pytest.raises(sqlalchemy.exc.StatementError):
        browser.get(BROKEN)
    assert browser.get("/dataset/").status_code == 200
    assert portal.test_client().get("/user/login").status_code == 200


def test_a_failed_dataset_form_does_not_break_the_next_visitors(portal, monkeypatch):
    browser = _browser(portal)
    values = form_values(browser.get("/dataset/new").body, "dataset-edit")

    def refuse(package_id):  # during package_create, before its commit
        _fail_in_the_database()

    monkeypatch.setattr(membership, "sync_package_by_id", refuse)
    data = replace(
        values, title="Arbres", name="arbres", notes="Arbres", private="False", save="continue"
    )
    assert browser.post("/dataset/new", data=data).status_code == 500
    monkeypatch.undo()
    assert browser.get("/dataset/new").status_code == 200
    visitor = portal.test_client()
    assert visitor.get("/user/login").status_code == 200
    assert visitor.get("/dataset/").status_code == 200


def test_when_the_error_page_itself_fails_a_plain_french_page_answers(portal, monkeypatch):
    browser = _browser(portal)

    def broken_render(*args, **kwargs):
        raise RuntimeError("the template cannot be rendered")

    monkeypatch.setattr(ckan.lib.base, "render", broken_render)
    response = browser.get("/fr" + BROKEN)
    assert response.status_code == 500
    assert "<h1>Erreur du serveur</h1>" in response.body and 'lang="fr"' in response.body
    assert "Traceback" not in response.body
    monkeypatch.undo()
    assert browser.get("/dataset/").status_code == 200


@pytest.mark.parametrize(
    "url, code, title",
    [
        ("/fr/page-qui-n-existe-pas", 404, "Page introuvable"),
        ("/fr/dataset/jeu-qui-n-existe-pas", 404, "Page introuvable"),
        ("/fr/ckan-admin", 403, "Accès refusé"),
    ],
)
def test_error_pages_are_french_with_a_way_on(app, url, code, title):
    response = app.get(url)
    assert response.status_code == code
    body = response.body
    assert f"<h1>{title}</h1>" in body
    assert 'action="/fr/dataset/"' in body and 'name="q"' in body  # search
    assert 'href="/fr/"' in body  # home
    for english in ("Not Found", "Forbidden", "The requested URL", "You might need to login"):
        assert english not in body


def test_the_view_s_own_message_is_shown_in_french(app):
    body = app.get("/fr/dataset/jeu-qui-n-existe-pas").body
    assert "Jeu de données introuvable" in body


def test_an_anonymous_visitor_is_offered_to_log_in(app):
    body = app.get("/fr/ckan-admin").body
    assert "/fr/user/login" in body and "Vous devez peut-être vous connecter" in body


def test_a_form_sent_without_its_token_gets_a_french_400(app):
    browser = _browser(app)
    response = browser.post("/fr/dataset/new", data={"title": "Arbres"})
    assert response.status_code == 400
    assert "Requête invalide" in response.body and "CSRF token" not in response.body


def test_english_pages_stay_english(app):
    body = app.get("/en/page-that-does-not-exist").body
    assert "<h1>Page not found</h1>" in body


@pytest.mark.parametrize(
    "code, content, detail",
    [
        ([500], "Internal server error", None),  # CKAN's words for an exception
        (
            404,
            "The requested URL was not found on the server. If you entered the URL "
            "manually please check your spelling and try again.",
            None,
        ),
        (404, "Groupe introuvable", "Groupe introuvable"),
        ("418", None, None),
    ],
)
def test_page_keeps_only_the_view_s_own_message(app, code, content, detail):
    with app.flask_app.test_request_context():
        shown = errors.page(code, content)
    assert shown["detail"] == detail
    assert shown["code"] in (500, 404, 418)


def test_a_wrapped_app_is_left_alone():
    def wsgi(environ, start_response):
        return []

    assert errors.register(wsgi) is wsgi
