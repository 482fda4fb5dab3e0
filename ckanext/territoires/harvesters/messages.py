"""Messages of the harvesters, rendered in the portal's language.

Job reports are written by workers, outside any web request, and read
later by the data team: they are stored in ``ckan.locale_default``'s
language (French on a French portal). Messages are kept as an English msgid
and parameters (:class:`Message`) until rendered; ``N_`` marks msgids for
extraction. They are translated by the extension's one catalogue (domain
``ckanext-territoires``, compiled into the package by the build, see
:mod:`ckanext.territoires.translations`), the one CKAN serves to the pages.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import ckan.plugins.toolkit as tk
from babel.support import NullTranslations, Translations

from ckanext.territoires import translations as catalogue
from ckanext.territoires.translations import N_

__all__ = ["N_", "HarvestProblem", "Message", "report_locale", "request_locale", "translate"]


@lru_cache(maxsize=8)
def translations(locale: str) -> NullTranslations:
    """The compiled catalogue of ``locale`` (none: messages stay in English)."""
    return Translations.load(catalogue.directory(), [locale], catalogue.DOMAIN)


def report_locale() -> str:
    return tk.config.get("ckan.locale_default") or "en"


def request_locale() -> str | None:
    """The language of the page being served; None outside a web request
    (CLI, workers: :func:`report_locale` then applies)."""
    try:
        return str(tk.h.lang()) if tk.request else None
    except Exception:  # no request context at all
        return None


def translate(msgid: str, locale: str | None = None) -> str:
    return translations(locale or report_locale()).gettext(msgid)


class Message:
    """An English msgid with ``%(name)s`` parameters, rendered on demand."""

    __slots__ = ("msgid", "params")

    def __init__(self, msgid: str, **params: Any):
        self.msgid = msgid
        self.params = params

    def render(self, locale: str | None = None) -> str:
        text = translate(self.msgid, locale)
        params = {
            key: (value.render(locale) if isinstance(value, Message) else value)
            for key, value in self.params.items()
        }
        try:
            return text % params if params else text
        except (KeyError, ValueError, TypeError):  # a broken translation must not hide the facts
            return self.msgid % params if params else self.msgid

    def __str__(self) -> str:
        return self.render("en")

    def __repr__(self) -> str:
        return f"Message({self.msgid!r}, {self.params!r})"


class HarvestProblem(Exception):
    """An error of a harvest, with a translatable message."""

    def __init__(self, msgid: str, **params: Any):
        self.message = Message(msgid, **params)
        super().__init__(str(self.message))

    def render(self, locale: str | None = None) -> str:
        return self.message.render(locale)
