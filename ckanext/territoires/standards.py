"""What a dataset conforms to (``conforms_to``), named for people: a shared
schema by its title, a reference system by its EPSG code, another
specification by its site; never a bare address on a page."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import ckan.plugins.toolkit as tk

from ckanext.territoires import urls
from ckanext.territoires.pooling import registry

_EPSG = re.compile(r"(?:EPSG/\d+/|EPSG:{1,2})(\d+)$", re.IGNORECASE)


def standard_reference(value: str) -> dict[str, str]:
    """A ``conforms_to`` value as a page shows it: ``{"label", "url"}``, the
    label never a bare address (a shared schema by its title, a reference
    system by its EPSG code, another specification by its site)."""
    value = (value or "").strip()
    schema = registry.by_reference(value)
    if schema is not None:
        url = schema.descriptor.get("homepage") or schema.url
        return {
            "label": tk._("Shared schema \u201c%(title)s\u201d") % {"title": schema.title},
            "url": urls.safe_link(url),
        }
    link = urls.safe_link(value)
    epsg = _EPSG.search(value)
    if epsg:
        return {
            "label": tk._("Reference system EPSG:%(code)s") % {"code": epsg.group(1)},
            "url": link,
        }
    if link:
        host = urlparse(link).hostname or ""
        return {"label": tk._("Specification (%(site)s)") % {"site": host}, "url": link}
    return {"label": value, "url": ""}
