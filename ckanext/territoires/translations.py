"""Translations of ckanext-territoires.

The catalogues are edited in the repository's ``i18n/`` directory
(``i18n/<locale>/LC_MESSAGES/ckanext-territoires.po``) and compiled by the
package build (``setup.py``'s ``build_py``) into ``ckanext/territoires/i18n/``,
which ships in the wheel and which the plugin's ``ITranslation`` reads.

:func:`extract_schema` is a Babel extractor for the scheming YAML schemas:
their plain-string labels, help texts and placeholders are shown through
``gettext`` by ckanext-scheming, so they belong in the catalogue.
:func:`extract_licences` extracts the titles of the licence register
(``licences.json``), shown translated (see :mod:`.licences`).

Strings of the code are English msgids: marked with :func:`N_` where they are
defined, shown with ``tk._`` in the page's language, or with
:func:`in_every_locale` where every language is written at once (the RDF
labels of the DCAT export) or read (the words the vocabularies' parsers
accept).
"""

from __future__ import annotations

import gettext
import json
import os
import threading
from collections.abc import Iterator
from functools import cache
from typing import Any

import yaml

PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
DOMAIN = "ckanext-territoires"
#: The language of the msgids.
SOURCE_LOCALE = "en"

#: Schema keys whose plain-string values scheming passes through gettext.
TRANSLATED_KEYS = {"label", "repeating_label", "help_text", "form_placeholder", "upload_label"}


def N_(message: str) -> str:
    """Mark a string for extraction (``pybabel -k N_``); translate it where shown."""
    return message


def directory() -> str:
    """Where the compiled catalogues are: ``<package>/i18n``."""
    return os.path.join(PACKAGE_DIR, "i18n")


def locales(path: str) -> list[str]:
    """Locales with a compiled catalogue (none in an uncompiled checkout)."""
    if not os.path.isdir(path):
        return []
    return sorted(
        name
        for name in os.listdir(path)
        if os.path.isfile(os.path.join(path, name, "LC_MESSAGES", DOMAIN + ".mo"))
    )


@cache
def _catalogue(locale: str) -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, directory(), languages=[locale], fallback=True)


@cache
def _compiled_locales() -> tuple[str, ...]:
    return tuple(locales(directory()))


def translate(message: str, locale: str) -> str:
    """``message`` in ``locale``, from the compiled catalogue (the message itself
    without one). Unlike ``tk._``, needs no request: for a set language."""
    return _catalogue(locale).gettext(message)


def in_every_locale(message: str) -> dict[str, str]:
    """``{locale: text}``: the msgid (English) and its translation in every
    compiled catalogue."""
    return {SOURCE_LOCALE: message} | {
        locale: translate(message, locale) for locale in _compiled_locales()
    }


#: Folders of CKAN's JavaScript strings built by this process.
_BUILT_SCRIPT_STRINGS: set[str] = set()
_BUILDING = threading.Lock()


def build_script_strings() -> None:
    """CKAN's JavaScript strings (``/api/i18n/<lang>``: upload and link
    buttons, confirmations, autocomplete...), built once per process from
    CKAN's catalogues and the plugins', ours included.

    CKAN builds them only under ``ckan run`` or ``ckan translation js``: a
    portal served otherwise (a WSGI server, the tests) would answer ``{}``
    and its scripts would speak English. CKAN keeps the files newer than
    every catalogue, so a later call rebuilds nothing.
    """
    from ckan.lib import i18n

    folder = i18n.get_js_translations_dir()
    if folder in _BUILT_SCRIPT_STRINGS:
        return
    with _BUILDING:
        if folder not in _BUILT_SCRIPT_STRINGS:
            i18n.build_js_translations()
            _BUILT_SCRIPT_STRINGS.add(folder)


def extract_schema(
    fileobj, keywords, comment_tags, options
) -> Iterator[tuple[int, str, str, list[str]]]:
    """Babel extractor: translatable strings of a scheming YAML schema."""
    node = yaml.compose(fileobj.read().decode(options.get("encoding", "utf-8")))
    if node is not None:
        yield from _walk(node)


def extract_licences(
    fileobj, keywords, comment_tags, options
) -> Iterator[tuple[int, str, str, list[str]]]:
    """Babel extractor: the titles of a CKAN licence register (JSON list)."""
    text = fileobj.read().decode(options.get("encoding", "utf-8"))
    for licence in json.loads(text):
        title = licence.get("title") if isinstance(licence, dict) else None
        if title:
            line = next(
                (
                    number
                    for number, row in enumerate(text.splitlines(), 1)
                    if json.dumps(title) in row
                ),
                0,
            )
            yield line, "_", title, []


def _walk(node: Any) -> Iterator[tuple[int, str, str, list[str]]]:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if (
                isinstance(key, yaml.ScalarNode)
                and key.value in TRANSLATED_KEYS
                and isinstance(value, yaml.ScalarNode)
                and value.value.strip()
            ):
                # exactly the text scheming will look up (folded text keeps its newline)
                yield value.start_mark.line + 1, "_", value.value, []
            else:
                yield from _walk(value)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _walk(item)
