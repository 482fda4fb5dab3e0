"""Which responses a shared cache (nginx in front of the portal) may keep.

CKAN marks a rendered page ``Cache-Control: public, max-age=<ckan.cache_expires>``
when ``ckan.cache_enabled`` is on and the visitor is anonymous, and
``private`` otherwise (``ckan.lib.base._allow_caching`` puts
``__no_cache__`` in the request's environ, read by CKAN's ``after_request``).
Alone, that kept every page private and was not safe everywhere:

- every page wrote a CSRF token into the session (the meta tag of CKAN's
  ``base.html``), so every answer set the session cookie. The meta tag is
  left out for anonymous visitors on the read-only pages of
  :data:`READ_ONLY_PAGES` (they post no form; a form still calls
  ``h.csrf_input()``, which makes its page private, below);
- responses that are not rendered templates (the API) stayed ``public``
  even for a logged-in user or an API token.

So, before CKAN sets its headers, :func:`mark_response` makes private
(``__no_cache__``) every response to a logged-in visitor or to a request
with an API token, every response that used a CSRF token or showed flashed
messages, and every response that will set or refresh a session cookie.
Only anonymous, cookie-free answers stay ``public``.

It also keeps the :data:`PRIVATE_COOKIE` cookie on the visitor's browser
while they are logged in or have messages waiting (after a redirect), and
removes it otherwise: the proxy never answers from its cache a request
carrying it (``config/production/nginx-site.conf.template``), so a logged-in
user always sees their own pages, and the cache never stores their answers
(private, above).

Exact for privacy and deletion: every public answer carries an ``ETag``
naming the catalogue's content version (content_version.py, read when the
request starts) and a time slice of ``ckanext.territoires.cache.refresh``
seconds, and ``X-Accel-Expires: ckanext.territoires.cache.proxy_expires``
(1 s): nginx keeps a page that briefly, then revalidates it with its ETag
(``proxy_cache_revalidate``). :func:`answer_unchanged` answers such a
request, while the version has not changed, with an immediate ``304 Not
Modified`` (no rendering); once a dataset was edited, deleted or made
private, the ETag differs and the page is rendered again. Browsers get
``max-age=0`` (``ckan.cache_expires = 0`` in production) and revalidate
the same way. Private answers get ``X-Accel-Expires: 0``.
"""

from __future__ import annotations

import hashlib
import logging
import time
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.common import current_user
from flask import Flask, Response, current_app, g, request, session
from flask.globals import request_ctx

from ckanext.territoires import config, content_version

log = logging.getLogger(__name__)

#: The cookie telling the proxy to bypass its cache (value ``1``); the
#: nginx site template names it too.
PRIVATE_COOKIE = "territoires_private"

#: Endpoints of read-only pages: rendered for anonymous visitors without a
#: CSRF token (none of them posts a form for them), so they can be cached.
READ_ONLY_PAGES = frozenset(
    {
        "home.index",
        "dataset.search",
        "dataset.read",
        "territoires.communes",
        "commune.read",
        "intercommunalite.read",
        "organization.read",
        "group.read",
    }
)


def csrf_meta_needed() -> bool:
    """Whether the page carries CKAN's CSRF token meta tag: always, except
    for anonymous visitors on :data:`READ_ONLY_PAGES`."""
    return current_user.is_authenticated or request.endpoint not in READ_ONLY_PAGES


def _has_token_header() -> bool:
    headers = ("Authorization", "X-CKAN-API-Key", tk.config.get("apitoken_header_name"))
    return any(request.headers.get(name) for name in headers if name)


def _shown_flashes() -> bool:
    return bool(getattr(request_ctx, "flashes", None))


def _private(response: Any) -> bool:
    """Whether ``response`` concerns this visitor only."""
    return (
        current_user.is_authenticated
        or _has_token_header()
        or tk.config.get("WTF_CSRF_FIELD_NAME") in g
        or _shown_flashes()
        or bool(session)  # saved again: sets or refreshes the session cookie
        or session.modified
        or "Set-Cookie" in response.headers
    )


def _keep_private_cookie(response: Any) -> None:
    wanted = current_user.is_authenticated or bool(session.get("_flashes"))
    present = PRIVATE_COOKIE in request.cookies
    if wanted and not present:
        response.set_cookie(
            PRIVATE_COOKIE,
            "1",
            max_age=int(current_app.permanent_session_lifetime.total_seconds()),
            path="/",
            secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
            httponly=True,
            samesite="Lax",
        )
    elif present and not wanted:
        response.delete_cookie(PRIVATE_COOKIE, path="/")


#: Key of ``flask.g``: the ETag of this request's public answer.
ETAG = "_territoires_etag"


def _etag() -> str | None:
    """The validator of public answers now: content version and time slice."""
    version = content_version.current()
    if version is None:
        return None
    since = int(time.time()) // config.cache_refresh()
    return '"{}"'.format(hashlib.sha256(f"{version}:{since}".encode()).hexdigest()[:20])


def _cache_enabled() -> bool:
    return tk.asbool(tk.config.get("ckan.cache_enabled"))


def _anonymous_read() -> bool:
    """Whether the request may get a public answer: an anonymous GET or
    HEAD, without API token, login cookie or message waiting."""
    return (
        request.method in ("GET", "HEAD")
        and not current_user.is_authenticated
        and not _has_token_header()
        and PRIVATE_COOKIE not in request.cookies
        and "remember_token" not in request.cookies
        and not session.get("_flashes")
    )


def _matches(etag: str) -> bool:
    asked = request.headers.get("If-None-Match", "")
    tags = [tag.strip().removeprefix("W/") for tag in asked.split(",")]
    return etag in tags


def _proxy_headers(response: Any, etag: str | None) -> None:
    if etag is None:
        response.headers["X-Accel-Expires"] = "0"
        return
    response.headers["ETag"] = etag
    response.headers["X-Accel-Expires"] = str(config.cache_proxy_expires())


def answer_unchanged() -> Any:
    """``before_request`` hook, run after CKAN identified the visitor: the
    ETag of this request's answer if it is public, and a ``304 Not
    Modified`` when the visitor (or nginx) already holds it."""
    if not _cache_enabled() or not _anonymous_read():
        return None
    etag = _etag()
    setattr(g, ETAG, etag)
    if etag is None or not _matches(etag):
        return None
    return Response(status=304)


def mark_response(response: Any) -> Any:
    """``after_request`` hook, run before CKAN's (registered after it): see
    the module."""
    _keep_private_cookie(response)
    if _private(response):
        request.environ["__no_cache__"] = True
    if _cache_enabled():
        etag = g.get(ETAG)
        if etag is None:  # not an anonymous read, or no content version
            request.environ["__no_cache__"] = True
        _proxy_headers(response, None if "__no_cache__" in request.environ else etag)
    return response


def register(app: Any) -> Any:
    """Add :func:`answer_unchanged` and :func:`mark_response` to CKAN's
    Flask ``app`` (``IMiddleware``); ``app`` is returned."""
    if not isinstance(app, Flask):  # another plugin wrapped it first
        log.warning("Not CKAN's Flask app (%r): pages keep CKAN's cache headers", app)
        return app
    app.before_request(answer_unchanged)
    app.after_request(mark_response)
    return app
