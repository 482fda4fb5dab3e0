"""Errors: the database session is rolled back, the page is the portal's.

A request that fails in the database (a flush PostgreSQL refuses) leaves
SQLAlchemy's scoped session, shared by the requests of a thread, in a failed
transaction. CKAN's error handler then renders its page through that
session, fails again, and nothing rolls it back: every following request
of the thread (all of them under ``ckan run``) answered 500
(``PendingRollbackError``). :func:`register`, called on CKAN's Flask app
(``IMiddleware``), makes every error roll the session back:

- each of CKAN's error handlers first rolls the session back, and if its
  page still cannot be rendered, answers :func:`fallback_page`;
- after a request that raised anyway (no handler answered, or CKAN runs in
  debug or testing mode, where errors propagate), the session is rolled
  back and removed.

:func:`page` gives the error template (``error_document_template.html``)
its French or English title, explanation and detail.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from html import escape
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from flask import Flask
from werkzeug.exceptions import HTTPException, default_exceptions

from ckanext.territoires.translations import N_

log = logging.getLogger(__name__)

#: Title and explanation of the usual error codes.
PAGES: dict[int, tuple[str, str]] = {
    400: (
        N_("Invalid request"),
        N_(
            "The portal could not understand the request. If you were sending a "
            "form, go back to it, reload the page and send it again."
        ),
    ),
    401: (N_("Login required"), N_("You need to log in to see this page.")),
    403: (N_("Access denied"), N_("You are not allowed to see this page or to do this.")),
    404: (
        N_("Page not found"),
        N_(
            "The page you are looking for does not exist or is no longer available. "
            "Check the address, or find what you need from the home page or the search."
        ),
    ),
    405: (N_("Action not allowed"), N_("This page cannot be used this way.")),
    409: (N_("Conflict"), N_("The request conflicts with the current state of the data.")),
    413: (
        N_("File too large"),
        N_("The file or the form sent is larger than the portal accepts."),
    ),
    429: (N_("Too many requests"), N_("Too many requests were sent: wait a moment and retry.")),
    500: (
        N_("Server error"),
        N_(
            "Something went wrong on the portal's side and your request was not "
            "completed. Try again in a moment; if it happens again, contact the "
            "portal's team."
        ),
    ),
    503: (
        N_("Service unavailable"),
        N_("The portal is unavailable for a moment. Try again in a few minutes."),
    ),
}
CLIENT_ERROR = (N_("Error %(code)s"), N_("The request could not be served."))
SERVER_ERROR = PAGES[500]

#: Messages CKAN and Flask-WTF put in error pages without a French
#: translation in CKAN's catalogue: translated by the plugin's.
MESSAGES = (
    N_("Dataset not found or you have no permission to view it"),
    N_("Unauthorized to read package"),
    N_("Not authorized to download resource"),
    N_("Unauthorized to access"),
    N_("Invalid URL"),
    N_("Members not found"),
    N_("The CSRF token is missing."),
    N_("The CSRF session token is missing."),
    N_("The CSRF token has expired."),
    N_("The CSRF token is invalid."),
    N_("The CSRF tokens do not match."),
    N_("The referrer header is missing."),
    N_("The referrer header is invalid."),
    N_("The referrer does not match the host."),
)

#: What CKAN and Werkzeug say when a view gave no message of its own.
_GENERIC = {exception.description for exception in default_exceptions.values()} | {
    "Internal server error"
}


def register(app: Any) -> Any:
    """Roll the session back on every error of CKAN's Flask ``app`` (see the
    module); ``app`` is returned, as ``IMiddleware`` expects."""
    if not isinstance(app, Flask):  # another plugin wrapped it first
        log.warning("Not CKAN's Flask app (%r): errors will not roll back the session", app)
        return app
    app.teardown_request(_discard_failed_session)
    for handlers in app.error_handler_spec.get(None, {}).values():
        for exception_class, handler in list(handlers.items()):
            handlers[exception_class] = _after_rollback(handler)
    return app


def rollback() -> None:
    """Roll the request's session back (its objects reload when next read)."""
    try:
        model.Session.rollback()
    except Exception:  # a lost connection: removing the session still helps
        log.exception("Could not roll the database session back")


def _discard_failed_session(error: BaseException | None) -> None:
    if error is not None:
        rollback()
        model.Session.remove()


def _after_rollback(handler: Callable) -> Callable:
    @functools.wraps(handler)
    def handle(error: Exception):
        rollback()
        try:
            return handler(error)
        except Exception:
            log.exception("The error page could not be rendered")
            rollback()
            # (not any ``code``: SQLAlchemy's errors have one, "f405"...)
            code = (error.code if isinstance(error, HTTPException) else None) or 500
            return fallback_page(code), code

    return handle


def _code(code: Any) -> int:
    # CKAN passes [500] for an unexpected exception
    if isinstance(code, (list, tuple)):
        code = code[0] if code else 500
    try:
        return int(code)
    except (TypeError, ValueError):
        return 500


def page(code: Any, content: Any = None) -> dict[str, Any]:
    """What the error page of ``code`` says, in the page's language:
    ``{"code", "title", "explanation", "detail"}``; ``detail`` is the view's
    own message (None when it is Werkzeug's or CKAN's generic text)."""
    number = _code(code)
    title, explanation = PAGES.get(number, SERVER_ERROR if number >= 500 else CLIENT_ERROR)
    text = str(content).strip() if content else ""
    return {
        "code": number,
        "title": tk._(title) % {"code": number},
        "explanation": tk._(explanation),
        "detail": tk._(text) if text and text not in _GENERIC else None,
    }


def fallback_page(code: int) -> str:
    """A page of its own, for when the portal's page cannot be rendered."""
    try:
        shown = page(code)
        lang, home, url = tk.h.lang(), tk._("Back to the home page"), tk.h.url_for("home.index")
    except Exception:  # no request, no catalogue: French
        shown = {"title": "Erreur du serveur", "explanation": "Réessayez dans un moment."}
        lang, home, url = "fr", "Retour à l'accueil", "/"
    title, explanation = escape(shown["title"]), escape(shown["explanation"])
    return (
        f'<!DOCTYPE html>\n<html lang="{escape(lang)}"><head><meta charset="utf-8">'
        f"<title>{title}</title></head><body><main><h1>{title}</h1><p>{explanation}</p>"
        f'<p><a href="{escape(url)}">{escape(home)}</a></p></main></body></html>'
    )
