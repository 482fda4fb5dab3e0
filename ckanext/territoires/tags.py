"""CKAN tags from keywords as sources write them (one place, for the
harvesters and the DCAT export)."""

from __future__ import annotations

import re
from typing import Any

_TAG_INVALID = re.compile(r"[^\w \-.]+", re.UNICODE)
_SPACES = re.compile(r"\s+")


def clean_tag(text: Any) -> str | None:
    """A CKAN-valid tag (2-100 chars of letters, digits, space, - _ .), or None."""
    if not isinstance(text, str):
        return None
    tag = _SPACES.sub(" ", _TAG_INVALID.sub(" ", text)).strip(" -._")
    if len(tag) < 2:
        return None
    return tag[:100].strip()
