"""Which answers a shared cache may keep (ckanext/territoires/cache.py), with
the production settings ``ckan.cache_enabled = true`` and
``ckan.cache_expires = 0``: only anonymous, cookie-free, read-only pages
are public; a logged-in user's page, an API token's answer, a page with a
form or a message, a private dataset are private, and logged-in users carry
the cookie that makes nginx bypass its cache. Public answers carry an ETag
naming the catalogue's version (content_version.py): a 304 without
rendering while it is current, a new page once a dataset was edited,
deleted or made private."""

from __future__ import annotations

import re
import types

import ckan.lib.base
import ckan.tests.factories as factories
import ckan.tests.helpers as helpers
import pytest
from ckan import model

from ckanext.territoires import cache, content_version
from tests.conftest import TERRITORY_PLUGINS
from tests.views.conftest import auth, places

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", TERRITORY_PLUGINS),
    pytest.mark.ckan_config("ckan.cache_enabled", "true"),
    pytest.mark.ckan_config("ckan.cache_expires", "0"),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]

READ_ONLY = [
    "/",
    "/communes",
    "/commune/ecully-69081",
    "/intercommunalite/metropole-de-lyon-200046977",
    "/dataset/",
    "/dataset/ecully-bancs",
    "/organization/ville-d-ecully",
]
PASSWORD = "Mot-de-passe-2026"


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    """The clock of cache.py, stopped in the middle of a refresh slice: a
    test running across a slice boundary (every five minutes of the wall
    clock) would otherwise see its ETag change between two requests."""
    stopped = types.SimpleNamespace(now=1_800_000_150.0)
    monkeypatch.setattr(cache, "time", types.SimpleNamespace(time=lambda: stopped.now))
    return stopped


def public(response) -> bool:
    control = response.headers.get("Cache-Control", "")
    return "public" in control and "private" not in control


def cookies(response) -> list[str]:
    return response.headers.getlist("Set-Cookie")


def has_cookie(browser, name: str) -> bool:
    """Whether the test client's cookie jar holds ``name`` (for any host)."""
    return any(cookie.key == name for cookie in browser._cookies.values())


def csrf_token(body: str) -> str:
    return re.search(r'name="_csrf_token" value="([^"]+)"', body).group(1)


@pytest.mark.parametrize("url", READ_ONLY)
def test_a_read_only_page_of_an_anonymous_visitor_is_public_and_sets_no_cookie(app, places, url):
    response = app.get(url)
    assert response.status_code == 200
    assert public(response), response.headers.get("Cache-Control")
    assert "max-age=0" in response.headers["Cache-Control"]
    assert cookies(response) == []
    # no CSRF token in the page (it would be another visitor's)
    assert 'name="_csrf_token"' not in response.body
    assert '<meta name="csrf_field_name" content="_csrf_token"' in response.body


@pytest.mark.parametrize("url", READ_ONLY)
def test_the_same_page_of_a_logged_in_user_is_private(app, places, url):
    response = app.get(url, headers=auth(places.member))
    assert response.status_code == 200
    assert "private" in response.headers["Cache-Control"]
    assert "public" not in response.headers["Cache-Control"]
    # their page keeps CKAN's CSRF token for its scripts
    assert '<meta name="_csrf_token" content="' in response.body


@pytest.mark.parametrize("url", ["/user/login", "/user/register", "/user/reset"])
def test_a_page_with_a_form_is_private_with_its_session_cookie(app, places, url):
    response = app.get(url)
    assert response.status_code == 200
    assert "private" in response.headers["Cache-Control"]
    assert any(c.startswith("ckan=") for c in cookies(response)), cookies(response)


def test_a_private_dataset_is_never_public(app, places):
    seen = app.get("/dataset/projet-secret", headers=auth(places.member))
    assert seen.status_code == 200
    assert "private" in seen.headers["Cache-Control"]
    api = app.get("/api/3/action/package_show?id=projet-secret", headers=auth(places.member))
    assert api.status_code == 200 and api.json["result"]["private"] is True
    assert "private" in api.headers["Cache-Control"]
    assert "public" not in api.headers["Cache-Control"]
    search = app.get(
        "/api/3/action/package_search?include_private=true&q=secret",
        headers=auth(places.member),
    )
    assert search.json["result"]["count"] == 1
    assert "private" in search.headers["Cache-Control"]


def test_login_sets_the_private_cookie_and_logout_removes_it(app, places):
    user = factories.User(password=PASSWORD)
    browser = app.test_client()
    form = browser.get("/user/login")
    logged_in = browser.post(
        "/user/login",
        data={"login": user["name"], "password": PASSWORD, "_csrf_token": csrf_token(form.text)},
        follow_redirects=False,
    )
    assert any(c.startswith(cache.PRIVATE_COOKIE + "=1") for c in cookies(logged_in))
    page = browser.get("/")
    assert "private" in page.headers["Cache-Control"]
    assert user["name"] in page.text or user["fullname"] in page.text
    assert has_cookie(browser, cache.PRIVATE_COOKIE)
    token = re.search(r'<meta name="_csrf_token" content="([^"]+)"', page.text).group(1)
    browser.post("/user/_logout", data={"_csrf_token": token}, follow_redirects=False)
    assert not has_cookie(browser, cache.PRIVATE_COOKIE)
    after = browser.get("/")
    assert user["name"] not in after.text


def test_a_message_waiting_for_an_anonymous_visitor_keeps_their_pages_private(app, places):
    browser = app.test_client()
    form = browser.get("/user/reset")
    sent = browser.post(
        "/user/reset",
        data={"user": "nobody@example.org", "_csrf_token": csrf_token(form.text)},
        follow_redirects=False,
    )
    assert sent.status_code == 302
    # the redirect asks the proxy for fresh pages: the message is on the next one
    assert any(c.startswith(cache.PRIVATE_COOKIE + "=1") for c in cookies(sent))
    shown = browser.get(sent.headers["Location"])
    assert "private" in shown.headers["Cache-Control"]
    assert "flash-messages" in shown.text and "alert" in shown.text
    assert not has_cookie(browser, cache.PRIVATE_COOKIE)  # shown: removed


def test_an_api_token_makes_any_answer_private(app, places):
    for url in ("/api/3/action/status_show", "/api/3/action/package_search"):
        anonymous = app.get(url)
        assert public(anonymous)
        with_token = app.get(url, headers=auth(places.member))
        assert "private" in with_token.headers["Cache-Control"]
        assert "public" not in with_token.headers["Cache-Control"]


def test_the_language_picker_posts_no_form(app, places):
    page = app.get("/dataset/ecully-bancs")
    picker = re.search(r'<form class="lang-select" action="([^"]+)"[^>]*method="GET"', page.body)
    assert picker, "the language picker is a GET form"
    english = re.search(r'<option value="(/en/dataset/ecully-bancs)"', page.body).group(1)
    moved = app.get(f"{picker.group(1)}?url={english}", follow_redirects=False)
    assert moved.status_code == 302 and moved.headers["Location"].endswith(english)


# -- validators: exact for privacy and deletion ------------------------------


def unchanged(app, url: str, etag: str, **headers):
    return app.get(url, headers={"If-None-Match": etag, **headers})


@pytest.mark.parametrize("url", [*READ_ONLY, "/api/3/action/package_search?q=bancs"])
def test_a_public_answer_carries_an_etag_and_a_short_proxy_expiry(app, places, url):
    response = app.get(url)
    assert public(response)
    assert response.headers["ETag"].startswith('"')
    assert response.headers["X-Accel-Expires"] == "1"


@pytest.mark.parametrize("url", READ_ONLY)
def test_a_private_answer_has_no_etag_and_is_not_kept_by_the_proxy(app, places, url):
    response = app.get(url, headers=auth(places.member))
    assert "ETag" not in response.headers
    assert response.headers["X-Accel-Expires"] == "0"


@pytest.mark.parametrize(
    "url", ["/dataset/ecully-bancs", "/communes", "/api/3/action/package_search"]
)
def test_a_current_etag_gets_a_304_without_rendering(app, places, url, monkeypatch):
    etag = app.get(url).headers["ETag"]

    def no_rendering(*args, **kwargs):
        raise AssertionError("rendered")

    monkeypatch.setattr(ckan.lib.base, "flask_render_template", no_rendering)
    for asked in (etag, "W/" + etag, '"other", ' + etag):  # nginx's gzip makes it weak
        response = unchanged(app, url, asked)
        assert response.status_code == 304, asked
        assert response.body == ""
        assert response.headers["ETag"] == etag
        assert response.headers["X-Accel-Expires"] == "1"
        assert public(response) and "max-age=0" in response.headers["Cache-Control"]
        assert cookies(response) == []


def test_a_page_is_rendered_again_once_its_refresh_time_has_passed(app, places, clock):
    etag = app.get("/communes").headers["ETag"]
    clock.now += 299 - clock.now % 300  # the last second of the slice
    assert unchanged(app, "/communes", etag).status_code == 304
    clock.now += 1  # ckanext.territoires.cache.refresh (300 s) after the slice began
    again = unchanged(app, "/communes", etag)
    assert again.status_code == 200 and "Écully" in again.body
    assert again.headers["ETag"] != etag


def test_a_logged_in_user_never_gets_a_304(app, places):
    etag = app.get("/dataset/ecully-bancs").headers["ETag"]
    response = unchanged(app, "/dataset/ecully-bancs", etag, **auth(places.member))
    assert response.status_code == 200
    assert "private" in response.headers["Cache-Control"]
    assert "ETag" not in response.headers


def test_a_dataset_made_private_gets_new_pages_without_it(app, places):
    page, search = app.get("/dataset/ecully-bancs"), app.get("/dataset/")
    assert "Bancs publics" in search.body
    helpers.call_action("package_patch", id="ecully-bancs", private=True)
    hidden = unchanged(app, "/dataset/ecully-bancs", page.headers["ETag"])
    assert hidden.status_code == 404
    again = unchanged(app, "/dataset/", search.headers["ETag"])
    assert again.status_code == 200 and "Bancs publics" not in again.body
    assert again.headers["ETag"] != search.headers["ETag"]


def test_a_deleted_dataset_gets_new_pages_without_it(app, places):
    search = app.get("/organization/ville-d-ecully")
    assert "Bancs publics" in search.body
    helpers.call_action("package_delete", id="ecully-bancs")
    again = unchanged(app, "/organization/ville-d-ecully", search.headers["ETag"])
    assert again.status_code == 200 and "Bancs publics" not in again.body
    assert unchanged(app, "/dataset/ecully-bancs", search.headers["ETag"]).status_code == 404


def test_bulk_update_private_gets_new_pages(app, places):
    url = "/api/3/action/package_search?q=bancs"
    read = app.get(url)
    assert read.json["result"]["count"] == 1
    helpers.call_action(
        "bulk_update_private", datasets=[places.published["id"]], org_id=places.ecully_org["id"]
    )
    again = unchanged(app, url, read.headers["ETag"])
    assert again.status_code == 200 and again.json["result"]["count"] == 0


def test_an_edited_dataset_gets_a_new_page(app, places):
    page = app.get("/dataset/ecully-bancs")
    helpers.call_action("package_patch", id="ecully-bancs", title="Bancs repeints")
    again = unchanged(app, "/dataset/ecully-bancs", page.headers["ETag"])
    assert again.status_code == 200 and "Bancs repeints" in again.body


def test_an_organisation_change_gets_new_pages(app, places):
    page = app.get("/organization/ville-d-ecully")
    helpers.call_action("organization_patch", id="ville-d-ecully", title="Mairie d'Écully")
    again = unchanged(app, "/organization/ville-d-ecully", page.headers["ETag"])
    assert again.status_code == 200 and "Mairie d" in again.body


def test_the_version_changes_after_the_commit_only(app, places):
    before = content_version.current()
    session = model.Session()
    session.begin_nested()
    content_version.changed(session)
    session.commit()  # a savepoint released: nothing committed yet
    assert content_version.current() == before
    session.commit()
    after = content_version.current()
    assert after != before
    model.Session.add(model.Group(name="rolled-back-group"))
    model.Session.flush()
    model.Session.rollback()
    model.Session.commit()  # a new, empty transaction
    assert content_version.current() == after
