"""ckanext-harvest's screens as this plugin shows them.

- Its templates are extended by this package's ``templates/``, which must
  come first in the template path whatever the order of ``ckan.plugins``
  (:func:`templates_first`).
- The facets of its source list: ckanext-harvest titles them "Frequency"
  and "Type" (English, fixed) and shows their values as codes (``MANUAL``,
  ``territoires_dcat``); the titles are replaced (this plugin comes after
  ``harvest`` in ``ckan.plugins``), and each value gets its label as
  ``display_name``.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from typing import Any

import ckan.plugins.toolkit as tk
from ckanext.harvest.utils import DATASET_TYPE_NAME

from .helpers import FREQUENCIES, territoires_harvest_label, territoires_harvest_type_label
from .messages import N_

TITLES = {"frequency": N_("Update frequency"), "source_type": N_("Source type")}
TEMPLATES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")


def templates_first(config: Any) -> None:
    """Put this package's templates before ckanext-harvest's in the template
    path CKAN computed: they extend them (``{% ckan_extends %}``), and CKAN
    lets the plugin listed first in ``ckan.plugins`` win, while this plugin
    comes after ``harvest`` (its facets and actions build on harvest's)."""
    paths = list(config.get("computed_template_paths") or [])
    if TEMPLATES not in paths:
        return
    paths.remove(TEMPLATES)
    harvest = [
        index for index, path in enumerate(paths) if "ckanext/harvest" in path.replace(os.sep, "/")
    ]
    paths.insert(harvest[0] if harvest else 0, TEMPLATES)
    config["computed_template_paths"] = paths


def facet_titles(facets: dict[str, Any], package_type: str | None) -> dict[str, Any]:
    """The facets of harvest sources with their titles in the page's language."""
    if package_type != DATASET_TYPE_NAME:
        return facets
    return OrderedDict(
        (name, tk._(TITLES[name]) if name in TITLES else title) for name, title in facets.items()
    )


def facet_labels(search_results: dict[str, Any]) -> dict[str, Any]:
    """Frequencies and source types of a search's facets shown by their labels
    (their values, the codes, are kept for the links)."""
    facets = search_results.get("search_facets") or {}
    for item in (facets.get("frequency") or {}).get("items", []):
        if item.get("name") in FREQUENCIES:
            item["display_name"] = territoires_harvest_label("frequency", item["name"])
    types = (facets.get("source_type") or {}).get("items", [])
    if types:
        for item in types:
            item["display_name"] = territoires_harvest_type_label(item.get("name"))
    return search_results
