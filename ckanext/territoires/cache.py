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
"""

from __future__ import annotations

import logging
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.common import current_user
from flask import Flask, current_app, g, request, session
from flask.globals import request_ctx

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


def mark_response(response: Any) -> Any:
    """``after_request`` hook, run before CKAN's (registered after it): see
    the module."""
    _keep_private_cookie(response)
    if _private(response):
        request.environ["__no_cache__"] = True
    return response


def register(app: Any) -> Any:
    """Add :func:`mark_response` to CKAN's Flask ``app`` (``IMiddleware``);
    ``app`` is returned."""
    if not isinstance(app, Flask):  # another plugin wrapped it first
        log.warning("Not CKAN's Flask app (%r): pages keep CKAN's cache headers", app)
        return app
    app.after_request(mark_response)
    return app
