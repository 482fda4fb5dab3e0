"""A dataset's assessment with this portal's settings and last link checks."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.territoires import config

from . import criteria, links

#: :func:`open_licences` of the last register and licence list read.
_open_licences: tuple[Any, Any, int, Mapping[str, bool]] | None = None


def open_licences() -> Mapping[str, bool]:
    """Licence id -> open (Open Definition conformant), from CKAN's register
    (the one CKAN keeps for the process: a licence list fetched once).

    Computed once per register and list of licences, not for each dataset
    indexed: a new register (``licences.configure`` on a plugin load, a
    test) or a list read again (``load_licenses``) is read anew.
    """
    global _open_licences
    register = model.Package.get_license_register()
    licences = register.licenses
    known = _open_licences
    if (
        known is not None
        and known[0] is register
        and known[1] is licences
        and known[2] == len(licences)
    ):
        return known[3]
    result = {}
    for license_id, licence in register.items():
        conformance = getattr(licence, "od_conformance", "") or ""
        result[license_id] = conformance == "approved" or bool(licence.isopen())
    shared = MappingProxyType(result)  # shared by every caller: read-only
    _open_licences = (register, licences, len(licences), shared)
    return shared


def description_min_length() -> int:
    return config.quality_description_min_length()


def assess(dataset: Mapping[str, Any]) -> criteria.Assessment:
    checks = links.last_checks(r.get("id") for r in dataset.get("resources") or [])
    return criteria.assess(dataset, checks, open_licences(), description_min_length())


def as_dict(dataset: Mapping[str, Any], assessment: criteria.Assessment) -> dict[str, Any]:
    """The JSON shape of ``territoires_quality_show``, translated."""
    min_length = description_min_length()
    checks = links.last_checks(r.get("id") for r in dataset.get("resources") or [])
    return {
        "id": dataset.get("id"),
        "name": dataset.get("name"),
        "score": assessment.score,
        "level": assessment.level,
        "level_label": level_label(assessment.level),
        "links_checked_at": max((c.checked_at for c in checks.values()), default=None),
        "criteria": [
            {
                "id": result.criterion.id,
                "label": tk._(result.criterion.label),
                "weight": result.criterion.weight,
                "status": result.status,
                "advice": tk._(result.criterion.advice).format(min_length=min_length),
                "details": result.details,
            }
            for result in assessment.results
        ],
    }


def level_label(level: str) -> str:
    return {
        criteria.HIGH: tk._("Good metadata (80 or more)"),
        criteria.MEDIUM: tk._("Fair metadata (50 to 79)"),
        criteria.LOW: tk._("Thin metadata (under 50)"),
    }.get(level, level)
