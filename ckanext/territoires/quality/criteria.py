"""The metadata quality of a dataset: documented criteria and a score.

Each criterion is met, unmet, or unknown (only "working links" can be
unknown: while some resource links were never checked and none failed).
The score is the weight of the met criteria over the weight of the
criteria that are not unknown, from 0 to 100.

========================  ======  =============================================
criterion                 weight  met when
========================  ======  =============================================
``description``           15      the description has at least
                                  ``ckanext.territoires.quality.description_min_length``
                                  characters (200), markdown left aside
``licence``               15      the licence is an open licence (CKAN's licence
                                  register says so: ``od_conformance`` approved
                                  or ``isopen``)
``spatial``               15      the communes covered are set (``territoires_coverage``)
``frequency``             10      an update frequency other than "unknown" is set
``temporal``              10      the temporal coverage has a start or an end
``open_formats``          10      at least one resource is in an open,
                                  machine-readable format (CSV, JSON, GeoJSON,
                                  XML, ODS, shapefile, WMS/WFS... see
                                  ``vocabularies.FILE_TYPES``)
``working_links``         15      every resource link answered at its last check
                                  (``ckan territoires quality check-links``)
``contact``               10      a contact point with an email or a URL (or the
                                  maintainer's email) is given
========================  ======  =============================================

Level: ``high`` from 80, ``medium`` from 50, ``low`` below.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ckanext.territoires import vocabularies
from ckanext.territoires.values import as_list

MET, UNMET, UNKNOWN = "met", "unmet", "unknown"
HIGH, MEDIUM, LOW = "high", "medium", "low"


def N_(text: str) -> str:
    """Mark a string for translation; it is translated where it is shown."""
    return text


@dataclass(frozen=True)
class Criterion:
    id: str
    weight: int
    label: str
    advice: str


CRITERIA = (
    Criterion(
        "description",
        15,
        N_("Detailed description"),
        N_(
            "Describe the data in at least {min_length} characters: what it holds, "
            "how it is produced, its limits."
        ),
    ),
    Criterion(
        "licence",
        15,
        N_("Open licence"),
        N_("Choose an open licence (Licence Ouverte, ODbL, CC-BY...)."),
    ),
    Criterion("spatial", 15, N_("Communes covered"), N_("Say which communes the data covers.")),
    Criterion("frequency", 10, N_("Update frequency"), N_("Say how often the data is updated.")),
    Criterion("temporal", 10, N_("Temporal coverage"), N_("Give the period the data covers.")),
    Criterion(
        "open_formats",
        10,
        N_("Open format"),
        N_(
            "Publish at least one resource in an open, machine-readable format "
            "(CSV, JSON, GeoJSON...)."
        ),
    ),
    Criterion(
        "working_links",
        15,
        N_("Working links"),
        N_("Fix the resource links that did not answer at the last check."),
    ),
    Criterion(
        "contact", 10, N_("Contact point"), N_("Give a contact point with an email address.")
    ),
)
CRITERIA_BY_ID = {criterion.id: criterion for criterion in CRITERIA}


@dataclass(frozen=True)
class LinkCheck:
    url: str
    ok: bool
    checked_at: str
    status_code: int | None = None
    error: str | None = None


@dataclass
class Result:
    criterion: Criterion
    status: str
    #: what failed, e.g. the resources whose link is broken
    details: list[str] = field(default_factory=list)


@dataclass
class Assessment:
    score: int
    level: str
    results: list[Result]

    @property
    def missing(self) -> list[str]:
        return [r.criterion.id for r in self.results if r.status == UNMET]


def level_of(score: int) -> str:
    return HIGH if score >= 80 else MEDIUM if score >= 50 else LOW


def _text_length(markdown: str | None) -> int:
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)|\[([^\]]*)\]\([^)]*\)", r"\1", markdown or "")
    text = re.sub(r"[#*_>`~|-]+", " ", text)
    return len(re.sub(r"\s+", " ", text).strip())


def _open_licence(dataset: Mapping[str, Any], licences: Mapping[str, bool]) -> bool:
    license_id = dataset.get("license_id")
    if not license_id:
        return False
    return licences.get(license_id, False)


def _contact(dataset: Mapping[str, Any]) -> bool:
    for contact in as_list(dataset.get("contact")):
        if isinstance(contact, dict) and (contact.get("email") or contact.get("url")):
            return True
    return bool(dataset.get("maintainer_email") or dataset.get("author_email"))


def _temporal(dataset: Mapping[str, Any]) -> bool:
    return any(
        isinstance(item, dict) and (item.get("start") or item.get("end"))
        for item in as_list(dataset.get("temporal_coverage"))
    )


def _frequency(dataset: Mapping[str, Any]) -> bool:
    value = dataset.get("frequency")
    return bool(value) and vocabularies.frequency_uri(value) not in (
        None,
        vocabularies.FREQUENCY_BASE + "UNKNOWN",
    )


def _links(resources: list[dict], checks: Mapping[str, LinkCheck]) -> Result:
    criterion = CRITERIA_BY_ID["working_links"]
    if not resources:
        return Result(criterion, UNMET, [])
    broken = [
        r.get("name") or r.get("url") or r["id"]
        for r in resources
        if r.get("id") in checks and not checks[r["id"]].ok
    ]
    if broken:
        return Result(criterion, UNMET, broken)
    if all(r.get("id") in checks for r in resources):
        return Result(criterion, MET)
    return Result(criterion, UNKNOWN)


def assess(
    dataset: Mapping[str, Any],
    checks: Mapping[str, LinkCheck],
    open_licences: Mapping[str, bool],
    description_min_length: int,
) -> Assessment:
    """Assess a dataset dict (as ``package_show`` returns it).

    ``checks``: the last link check of each resource id; ``open_licences``:
    licence id -> open or not; ``description_min_length``: the setting
    (``assessment.description_min_length``).
    """
    resources = [r for r in dataset.get("resources") or [] if r.get("state", "active") == "active"]
    closed = [
        r.get("name") or r.get("url")
        for r in resources
        if not (
            vocabularies.file_type(r.get("format")) or vocabularies.FileType("", None, False)
        ).open
    ]
    checks_done = {
        "description": _text_length(dataset.get("notes")) >= description_min_length,
        "licence": _open_licence(dataset, open_licences),
        "spatial": bool(as_list(dataset.get("territoires_coverage"))),
        "frequency": _frequency(dataset),
        "temporal": _temporal(dataset),
        "open_formats": len(closed) < len(resources),
        "contact": _contact(dataset),
    }
    results = []
    for criterion in CRITERIA:
        if criterion.id == "working_links":
            results.append(_links(resources, checks))
        elif criterion.id == "open_formats":
            met = checks_done["open_formats"]
            results.append(Result(criterion, MET if met else UNMET, [] if met else closed))
        else:
            results.append(Result(criterion, MET if checks_done[criterion.id] else UNMET))
    return Assessment(*_score(results), results)


def _score(results: Iterable[Result]) -> tuple[int, str]:
    applicable = [r for r in results if r.status != UNKNOWN]
    total = sum(r.criterion.weight for r in applicable)
    earned = sum(r.criterion.weight for r in applicable if r.status == MET)
    score = round(100 * earned / total) if total else 0
    return score, level_of(score)
