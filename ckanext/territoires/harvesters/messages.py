"""Messages of the harvesters, rendered in the portal's language.

Job reports are written by workers, outside any web request, and read
later by the data team: they are stored in ``ckan.locale_default`` (French
on a French portal). Messages are kept as an English msgid and parameters
(:class:`Message`) until rendered; ``N_`` marks msgids for extraction.
The catalogues are the ``.po`` files of ``i18n/`` (compiled in memory, so
that a plain install from the repository needs no build step).
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
from functools import lru_cache
from typing import Any

import ckan.plugins.toolkit as tk
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

I18N_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "i18n")
DOMAIN = "ckanext-territoires-harvest"
LOCALES = ("fr",)


def N_(msgid: str) -> str:
    """Mark a msgid for extraction; it is translated when rendered."""
    return msgid


@lru_cache(maxsize=8)
def translations(locale: str) -> NullTranslations:
    path = os.path.join(I18N_DIR, locale, "LC_MESSAGES", DOMAIN + ".po")
    if not os.path.exists(path):
        return NullTranslations()
    with open(path, "rb") as po:
        catalog = read_po(po, locale=locale)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def _read_bytes(path: str) -> bytes:
    with open(path, "rb") as source:
        return source.read()


def compiled_directory() -> str:
    """A directory of ``.mo`` files compiled from the ``.po`` ones, for
    CKAN's ITranslation (which reads ``.mo`` files only). Compiled once per
    catalogue version, in the temporary directory."""
    sources = {
        locale: os.path.join(I18N_DIR, locale, "LC_MESSAGES", DOMAIN + ".po") for locale in LOCALES
    }
    version = hashlib.sha1(b"".join(_read_bytes(path) for path in sources.values()))
    target = os.path.join(tempfile.gettempdir(), f"{DOMAIN}-{version.hexdigest()[:12]}")
    for locale, path in sources.items():
        directory = os.path.join(target, locale, "LC_MESSAGES")
        compiled = os.path.join(directory, DOMAIN + ".mo")
        if os.path.exists(compiled):
            continue
        os.makedirs(directory, exist_ok=True)
        with open(path, "rb") as po:
            catalog = read_po(po, locale=locale)
        partial = compiled + f".{os.getpid()}"
        with open(partial, "wb") as mo:
            write_mo(mo, catalog)
        os.replace(partial, compiled)  # atomic: parallel workers never read half a file
    return target


def report_locale() -> str:
    return tk.config.get("ckan.locale_default") or "en"


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
