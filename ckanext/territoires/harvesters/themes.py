"""INSPIRE themes and ISO 19115 topic categories -> EU data themes.

The table is a data file of the package (``data/eu_themes.json``), the one
the README documents. An INSPIRE theme is recognised by its code, its IRI
(``http://inspire.ec.europa.eu/theme/<code>``, in any language variant) or
its English or French label (GeoNetwork writes the GEMET label, e.g.
"Usage des sols"). What a harvested dataset gets: the INSPIRE theme IRI
and the EU data theme codes (the export makes them EU IRIs).
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from functools import cache
from typing import Any

TABLE_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "eu_themes.json")
INSPIRE_THEME_BASE = "http://inspire.ec.europa.eu/theme/"
_INSPIRE_IRI = re.compile(r"^https?://inspire\.ec\.europa\.eu/theme/([a-z]{2})\b", re.I)


@cache
def table() -> dict[str, Any]:
    with open(TABLE_PATH, encoding="utf-8") as stream:
        return json.load(stream)


def _key(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "", folded)


@cache
def _inspire_keys() -> dict[str, str]:
    keys = {}
    for code, theme in table()["inspire"].items():
        keys[_key(theme["en"])] = code
        keys[_key(theme["fr"])] = code
    return keys


def inspire_code(value: Any) -> str | None:
    """The INSPIRE theme code of an IRI, a code or a label, or None."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    match = _INSPIRE_IRI.match(text)
    if match:
        code = match.group(1).lower()
        return code if code in table()["inspire"] else None
    if text.lower() in table()["inspire"] and len(text) == 2:
        return text.lower()
    return _inspire_keys().get(_key(text))


def inspire_eu_themes(code: str) -> list[str]:
    return list(table()["inspire"].get(code, {}).get("eu", []))


def topic_eu_themes(category: Any) -> list[str]:
    """EU data theme codes of an ISO 19115 topic category code."""
    if not isinstance(category, str):
        return []
    return list(table()["iso_topic_categories"].get(category.strip(), []))


def themes_of(inspire: list[str], topics: list[str]) -> list[str]:
    """The INSPIRE theme IRIs then the EU data theme codes of INSPIRE theme
    values and topic categories, without repeats."""
    found: list[str] = []
    for value in inspire:
        code = inspire_code(value)
        if code:
            found.append(INSPIRE_THEME_BASE + code)
            found += inspire_eu_themes(code)
    for category in topics:
        found += topic_eu_themes(category)
    return list(dict.fromkeys(found))
