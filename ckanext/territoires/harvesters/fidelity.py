"""Fidelity of a harvest source: per field, how many records of the source
carried it and how many of its datasets kept it.

Read from what the last harvests stored: each current harvest object's
record (its content, as the source kind read it) and the dataset it wrote.
A field the source carries that the datasets lose is visible here before
it is published elsewhere. Fields the portal does not keep yet are listed
with their reason (:data:`NOT_KEPT`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckanext.harvest.model import HarvestObject

from . import mapping
from .kinds import csw
from .kinds.csw import is_box
from .messages import N_

#: Fields, in the order of the report, and how a dataset keeps each.
DATASET_FIELDS: dict[str, Callable[[dict[str, Any]], bool]] = {
    "title": lambda d: bool(d.get("title")),
    "description": lambda d: bool(d.get("notes")),
    "keywords": lambda d: bool(d.get("tags")),
    "themes": lambda d: bool(d.get("theme")),
    "hvd_category": lambda d: bool(d.get("hvd_category")),
    "licence": lambda d: bool(d.get("license_id")),
    "access_rights": lambda d: bool(d.get("access_rights")),
    "publisher": lambda d: bool(d.get("publisher")),
    "creator": lambda d: bool(d.get("creator")),
    "rights_holder": lambda d: bool(d.get("rights_holder")),
    "contact": lambda d: bool(d.get("contact")),
    "issued": lambda d: bool(d.get("issued")),
    "modified": lambda d: bool(d.get("modified")),
    "created": lambda d: bool(d.get("created")),
    "temporal_coverage": lambda d: bool(d.get("temporal_coverage")),
    "frequency": lambda d: bool(d.get("frequency")),
    "language": lambda d: bool(d.get("language")),
    "conforms_to": lambda d: bool(d.get("conforms_to")),
    "spatial_extent": lambda d: bool(d.get("spatial_coverage")),
    "landing_page": lambda d: bool(d.get("url") or d.get("territoires_source_url")),
    "distributions": lambda d: bool(d.get("resources")),
    "distribution_formats": lambda d: any(r.get("format") for r in d.get("resources") or []),
    "service_endpoints": lambda d: any(r.get("access_services") for r in d.get("resources") or []),
    "lineage": lambda d: bool(d.get("provenance")),
    "thumbnail": lambda d: bool(d.get("thumbnail")),
}
#: Each field as a person reads it (the preview's table).
LABELS = {
    "title": N_("Title"),
    "description": N_("Description"),
    "keywords": N_("Keywords"),
    "themes": N_("Themes"),
    "hvd_category": N_("High-value dataset categories"),
    "licence": N_("Licence"),
    "access_rights": N_("Access rights"),
    "publisher": N_("Publisher"),
    "creator": N_("Creators"),
    "rights_holder": N_("Rights holders"),
    "contact": N_("Contact points"),
    "issued": N_("Release date"),
    "modified": N_("Modification date"),
    "created": N_("Creation date"),
    "temporal_coverage": N_("Temporal coverage"),
    "frequency": N_("Update frequency"),
    "language": N_("Languages"),
    "conforms_to": N_("Reference systems, specifications"),
    "spatial_extent": N_("Spatial extent"),
    "landing_page": N_("Page at the source"),
    "distributions": N_("Distributions"),
    "distribution_formats": N_("Formats of the distributions"),
    "service_endpoints": N_("Service endpoints"),
    "lineage": N_("Lineage"),
    "thumbnail": N_("Thumbnail"),
}
#: Fields the portal does not keep, and why.
NOT_KEPT: dict[str, str] = {}


def _csw(record: dict[str, Any]) -> set[str]:
    dates = record.get("dates") or {}
    resources = record.get("resources") or []
    found = {
        "title": record.get("title"),
        "description": record.get("abstract"),
        "keywords": record.get("keywords"),
        "themes": record.get("topics") or record.get("inspire_themes"),
        "licence": record.get("licence_texts")
        or any("licen" in text.lower() for text in record.get("licence_candidates") or []),
        "access_rights": record.get("access"),
        "publisher": record.get("organisations"),
        "creator": csw.parties_in(record, csw.CREATOR_ROLES),
        "rights_holder": csw.parties_in(record, csw.RIGHTS_HOLDER_ROLES),
        "contact": record.get("emails"),
        "issued": dates.get("publication") or dates.get("creation"),
        "modified": dates.get("revision") or dates.get("publication"),
        "created": dates.get("creation"),
        "temporal_coverage": record.get("temporal"),
        "frequency": record.get("frequencies"),
        "language": record.get("languages"),
        "conforms_to": record.get("reference_systems"),
        # boxes whose sides make no box (west > east) are reported, not kept
        "spatial_extent": [box for box in record.get("bboxes") or [] if is_box(box)],
        "landing_page": any("catalog.search" in r.get("url", "") for r in resources),
        "distributions": resources,
        "distribution_formats": resources,
        "service_endpoints": any(
            mapping.service_of(r.get("protocol") or "", r.get("url") or "") for r in resources
        ),
        "lineage": record.get("lineage"),
        "thumbnail": csw.thumbnail(record),
    }
    return {key for key, value in found.items() if value}


#: Fields of ckanext-dcat's parsed dataset (root or extras) carrying each field.
DCAT_KEYS = {
    "title": ("title",),
    "description": ("notes",),
    "keywords": ("tags",),
    "themes": ("theme",),
    "hvd_category": ("hvd_category",),
    "licence": ("license_id", "license"),
    "access_rights": ("access_rights",),
    "publisher": ("publisher", "publisher_name", "publisher_uri"),
    "creator": ("creator", "creator_name", "creator_uri"),
    "rights_holder": ("rights_holder",),
    "contact": ("contact", "contact_name", "contact_email"),
    "issued": ("issued",),
    "modified": ("modified",),
    "temporal_coverage": ("temporal_coverage", "temporal_start"),
    "frequency": ("frequency",),
    "language": ("language",),
    "conforms_to": ("conforms_to",),
    "landing_page": ("url",),
    "lineage": ("provenance",),
    "thumbnail": ("thumbnail",),
}


def _dcat(record: dict[str, Any]) -> set[str]:
    dataset = record.get("dataset") or {}
    extras = {
        extra.get("key"): extra.get("value")
        for extra in dataset.get("extras") or []
        if isinstance(extra, dict)
    }
    found = {
        field
        for field, keys in DCAT_KEYS.items()
        if any(dataset.get(key) or extras.get(key) for key in keys)
    }
    if record.get("extents"):
        found.add("spatial_extent")
    return found | _dcat_distributions(dataset)


def _dcat_distributions(dataset: dict[str, Any]) -> set[str]:
    # a distribution the document only names (no URL at all) carries nothing
    resources = [
        r
        for r in dataset.get("resources") or []
        if isinstance(r, dict) and (r.get("url") or r.get("access_url") or r.get("download_url"))
    ]
    found = {
        "licence": any(r.get("license") for r in resources),
        "distributions": bool(resources),
        "distribution_formats": any(r.get("format") or r.get("mimetype") for r in resources),
        "service_endpoints": any(r.get("access_services") for r in resources),
    }
    return {field for field, carried in found.items() if carried}


def _mapped(harvester, source, config) -> Callable[[dict[str, Any]], set[str]]:
    """Other kinds: the fields their mapping reads from the record (the
    record's own fields are the portal's API answers, read field by field)."""

    def carried(record: dict[str, Any]) -> set[str]:
        package, _hints = harvester.to_package(record, source, config)
        return {key for key, keeps in DATASET_FIELDS.items() if keeps(package)}

    return carried


def carried_by(source, harvester, config) -> Callable[[dict[str, Any]], set[str]]:
    """The fields a record of the source's kind carries."""
    return {
        "territoires_csw": _csw,
        "territoires_dcat": _dcat,
    }.get(source.type) or _mapped(harvester, source, config)


def tally(
    pairs: Iterable[tuple[dict[str, Any], dict[str, Any]]],
    carried_by: Callable[[dict[str, Any]], set[str]],
) -> dict[str, Any]:
    """``{"records": n, "fields": [{"field", "label", "carried", "kept",
    "reason"}]}`` of ``(record, dataset)`` pairs: the record as the source
    kind read it, the dataset as the portal keeps (or would keep) it."""
    carried = dict.fromkeys(DATASET_FIELDS, 0)
    kept = dict.fromkeys(DATASET_FIELDS, 0)
    records = 0
    for record, dataset in pairs:
        records += 1
        for field in carried_by(record):
            carried[field] += 1
            kept[field] += bool(DATASET_FIELDS[field](dataset))
    return {
        "records": records,
        "fields": [
            {
                "field": field,
                "label": LABELS[field],
                "carried": carried[field],
                "kept": kept[field],
                "reason": NOT_KEPT.get(field, "") if carried[field] > kept[field] else "",
            }
            for field in DATASET_FIELDS
        ],
    }


def report(source_id: str) -> dict[str, Any]:
    """:func:`tally` of the current records of a harvest source and the
    datasets they wrote."""
    from ckanext.harvest import queue
    from ckanext.harvest.model import HarvestSource

    source = HarvestSource.get(source_id)
    harvester = queue.get_harvester(source.type)
    config = harvester.parse_config(source.config)
    rows = (
        model.Session.query(HarvestObject.content, HarvestObject.package_id)
        .filter(
            HarvestObject.harvest_source_id == source.id,
            HarvestObject.current.is_(True),
            HarvestObject.content.isnot(None),
        )
        .all()
    )
    context = {"ignore_auth": True, "use_cache": False}
    pairs = (
        (json.loads(content), tk.get_action("package_show")(dict(context), {"id": package_id}))
        for content, package_id in rows
    )
    return tally(pairs, carried_by(source, harvester, config))
