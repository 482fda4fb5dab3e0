"""Warnings of a harvest: what was harvested with a loss or a doubt.

A coverage problem (an unknown, ambiguous or outside place, no coverage at
all) or a mapping problem (a licence the register does not list) does not
prevent the dataset from being created or updated: it is a warning, not an
error. Warnings are kept with the harvest object that wrote the dataset
(extra :data:`EXTRA`, the rendered messages as a JSON list), so that they
count in no job's errors (ckanext-harvest counts every object error as
"errored", and ``harvest run`` exits 1 on errors) and so that a job whose
record did not change (a "not modified" object, nothing imported) still
shows the warnings of the dataset, as long as they last.
"""

from __future__ import annotations

import json
from typing import Any

from ckan import model
from ckanext.harvest.model import HarvestObject, HarvestObjectExtra

from .messages import Message

EXTRA = "territoires_warnings"


def record(obj: HarvestObject, messages: list[Message]) -> None:
    """Replace the warnings of a harvest object (an empty list clears them)."""
    value = json.dumps([message.render() for message in messages], ensure_ascii=False)
    for extra in obj.extras:
        if extra.key == EXTRA:
            extra.value = value
            return
    obj.extras.append(HarvestObjectExtra(key=EXTRA, value=value))


def _decode(value: str | None) -> list[str]:
    try:
        found = json.loads(value or "[]")
    except ValueError:
        return []
    return [str(item) for item in found] if isinstance(found, list) else []


def of_job(job_id: str) -> dict[str, dict[str, Any]]:
    """The warnings a job's report shows, by harvest object id: ``guid``,
    ``warnings`` (messages) and ``carried`` (True when they are those of the
    dataset's current object, written by an earlier job: the record did not
    change, the warnings last)."""
    objects = (
        model.Session.query(HarvestObject.id, HarvestObject.guid, HarvestObject.package_id)
        .filter(HarvestObject.harvest_job_id == job_id)
        .all()
    )
    own = dict(
        model.Session.query(HarvestObjectExtra.harvest_object_id, HarvestObjectExtra.value)
        .join(HarvestObject, HarvestObject.id == HarvestObjectExtra.harvest_object_id)
        .filter(HarvestObject.harvest_job_id == job_id, HarvestObjectExtra.key == EXTRA)
        .all()
    )
    carried = _current_warnings(
        [package_id for object_id, _guid, package_id in objects if object_id not in own]
    )
    report: dict[str, dict[str, Any]] = {}
    for object_id, guid, package_id in objects:
        if object_id in own:
            messages, is_carried = _decode(own[object_id]), False
        else:
            messages, is_carried = carried.get(package_id or "", []), True
        if messages:
            report[object_id] = {"guid": guid, "warnings": messages, "carried": is_carried}
    return report


def _current_warnings(package_ids: list[str | None]) -> dict[str, list[str]]:
    """Warnings of the current harvest object of each dataset."""
    wanted = [package_id for package_id in package_ids if package_id]
    if not wanted:
        return {}
    rows = (
        model.Session.query(HarvestObject.package_id, HarvestObjectExtra.value)
        .join(HarvestObjectExtra, HarvestObjectExtra.harvest_object_id == HarvestObject.id)
        .filter(
            HarvestObject.package_id.in_(wanted),
            HarvestObject.current.is_(True),
            HarvestObjectExtra.key == EXTRA,
        )
        .all()
    )
    return {package_id: _decode(value) for package_id, value in rows}
