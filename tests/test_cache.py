"""Which answers a shared cache may keep (ckanext/territoires/cache.py), with
the production settings ``ckan.cache_enabled = true`` and
``ckan.cache_expires = 60``: only anonymous, cookie-free, read-only pages
are public; a logged-in user's page, an API token's answer, a page with a
form or a message, a private dataset are private, and logged-in users carry
the cookie that makes nginx bypass its cache."""

from __future__ import annotations

import re

import ckan.tests.factories as factories
import pytest

from ckanext.territoires import cache
from tests.conftest import TERRITORY_PLUGINS
from tests.views.conftest import auth, places

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", TERRITORY_PLUGINS),
    pytest.mark.ckan_config("ckan.cache_enabled", "true"),
    pytest.mark.ckan_config("ckan.cache_expires", "60"),
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
    assert "max-age=60" in response.headers["Cache-Control"]
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
