"""The micro-cache of anonymous pages, through ``make run-prod`` (nginx in
front of gunicorn, config/production/nginx-site.conf.template and
ckanext/territoires/cache.py): an anonymous page is served from the cache
the second time and never sets a cookie; a logged-in user, an API token, a
page with a form never get a cached answer, and what they get is never
stored for others; a private dataset stays invisible to visitors, and a dataset made private leaves the cache
as soon as the proxy's entry expires (1 s): nginx revalidates the page with
its ETag, which names the catalogue's version.
Skipped without nginx (``apt-get install nginx-light``)."""

from __future__ import annotations

import time

import ckan.tests.factories as factories
import ckan.tests.helpers as helpers
import pytest
import requests
from ckanext.harvest import queue

from tests.config.test_run_prod import NGINX, prepare, production_environment, run_prod, web_up
from tests.config.test_scale_out import login
from tests.config.test_serve import harvest_test
from tests.views.conftest import places  # the fixture of the pages' datasets

pytestmark = pytest.mark.skipif(
    NGINX is None,
    reason="nginx is not installed: the cache is nginx's (apt-get install nginx-light)",
)

#: nginx of this test, gunicorn on the next port.
PORT = 5097
PASSWORD = "Mot-de-passe-2026"


@pytest.fixture
def production(ckan_config, tmp_path):
    environment = production_environment(tmp_path, PORT)
    prepare(tmp_path, environment)
    served = run_prod(tmp_path, PORT, environment)
    yield served
    served.kill_everything()
    queue.purge_queues()


def status(response: requests.Response) -> str:
    return response.headers.get("X-Cache-Status", "")


def anonymous(url: str) -> requests.Response:
    return requests.get(url, timeout=30, allow_redirects=False)


@harvest_test
def test_nginx_caches_anonymous_pages_and_never_a_users(production, places):
    base = production.base
    production.wait_for(web_up(base), 240, "the web server answering")
    member = factories.User(password=PASSWORD)
    helpers.call_action(
        "organization_member_create",
        id=places.secret_org["id"],
        username=member["name"],
        role="member",
    )
    # anonymous visitors: the second one is served from the cache, no cookie ever
    first, second = (anonymous(f"{base}/dataset/ecully-bancs") for _ in range(2))
    assert (first.status_code, second.status_code) == (200, 200)
    assert (status(first), status(second)) == ("MISS", "HIT")
    assert "Set-Cookie" not in first.headers and "Set-Cookie" not in second.headers
    assert "_csrf_token" not in second.text.replace('content="_csrf_token"', "")

    # a logged-in user: never from the cache, and their pages are not stored
    browser = requests.Session()
    login(base, browser, member["name"], PASSWORD)
    assert browser.cookies.get("territoires_private") == "1"
    for url in ("/communes", "/dataset/ecully-bancs", "/"):
        page = browser.get(base + url, timeout=30)
        assert page.status_code == 200 and status(page) == "BYPASS", (url, status(page))
        assert member["name"] in page.text
    secret = browser.get(f"{base}/dataset/projet-secret", timeout=30)
    assert secret.status_code == 200 and status(secret) == "BYPASS"
    after = anonymous(f"{base}/communes")  # the user's /communes was not stored
    assert status(after) == "MISS" and member["name"] not in after.text
    for _ in range(2):
        hidden = anonymous(f"{base}/dataset/projet-secret")
        assert hidden.status_code == 404 and "Projet secret" not in hidden.text
    home = anonymous(f"{base}/")
    assert member["name"] not in home.text

    # an API token: never from the cache, never stored
    token = {"Authorization": places.member["token"]}
    for _ in range(2):
        api = requests.get(
            f"{base}/api/3/action/package_show?id=projet-secret", headers=token, timeout=30
        )
        assert api.status_code == 200 and status(api) == "BYPASS"
    assert anonymous(f"{base}/api/3/action/package_show?id=projet-secret").status_code == 403
    # the API's reads of anonymous callers are cached like pages
    reads = [anonymous(f"{base}/api/3/action/package_search?q=bancs") for _ in range(2)]
    assert [status(read) for read in reads] == ["MISS", "HIT"]
    assert reads[1].json()["result"]["count"] == 1

    # pages with a form that posts: never cached, their session cookie always sent
    for url in ("/user/login", "/user/reset"):  # (no self-registration in production)
        for _ in range(2):
            page = anonymous(base + url)
            assert page.status_code == 200 and status(page) != "HIT", url
            assert "ckan=" in page.headers.get("Set-Cookie", ""), url

    # logged out: the cookie is gone, the cache is used again (a variant of
    # its own while the browser keeps a session cookie: CKAN's "Vary: Cookie")
    csrf = browser.get(f"{base}/dashboard/datasets", timeout=30)
    field = 'name="_csrf_token" content="'
    value = csrf.text.split(field, 1)[1].split('"', 1)[0]
    browser.post(f"{base}/user/_logout", data={"_csrf_token": value}, timeout=30)
    assert "territoires_private" not in browser.cookies
    again = browser.get(f"{base}/dataset/ecully-bancs", timeout=30)
    assert status(again) in ("MISS", "HIT") and member["name"] not in again.text


@harvest_test
def test_a_dataset_made_private_leaves_the_cache_at_once(production, places):
    base = production.base
    production.wait_for(web_up(base), 240, "the web server answering")
    page, search = f"{base}/dataset/ecully-bancs", f"{base}/dataset/?q=bancs"
    first, second = anonymous(page), anonymous(page)
    assert (status(first), status(second)) == ("MISS", "HIT")
    assert second.headers["ETag"] and second.headers["Cache-Control"].startswith("public")
    assert "Bancs publics" in anonymous(search).text
    time.sleep(
        2.1
    )  # the proxy's entry expired (1 s, counted in whole seconds): revalidated, unchanged (a 304 upstream)
    assert status(anonymous(page)) == "REVALIDATED"
    assert status(anonymous(search)) in ("REVALIDATED", "HIT")

    helpers.call_action("package_patch", id="ecully-bancs", private=True)
    time.sleep(
        2.1
    )  # the proxy's entry expired (1 s, counted in whole seconds): revalidated, changed
    hidden = anonymous(page)
    assert hidden.status_code == 404 and "Bancs publics" not in hidden.text
    assert "Bancs publics" not in anonymous(search).text
