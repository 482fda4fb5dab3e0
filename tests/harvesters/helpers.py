"""Helpers of the harvester tests: sources, runs, what got harvested."""

from __future__ import annotations

import json
import re
from typing import Any

import ckan.tests.factories as factories
import ckan.tests.helpers as helpers
from ckan import model
from ckanext.harvest.model import HarvestGatherError, HarvestObject, HarvestObjectError

from ckanext.territoires.harvesters import provenance, runner


def create_source(
    url: str,
    source_type: str,
    config: dict | None = None,
    owner_org: str | None = None,
    name: str | None = None,
    frequency: str = "MANUAL",
) -> dict:
    user = factories.Sysadmin()
    data = {
        "name": name or f"source-{abs(hash((url, source_type, json.dumps(config)))) % 10**8}",
        "title": name or "Test source",
        "url": url,
        "source_type": source_type,
        "frequency": frequency,
        "config": json.dumps(config) if config else "",
    }
    if owner_org:
        data["owner_org"] = owner_org
    return helpers.call_action("harvest_source_create", context={"user": user["name"]}, **data)


def run(source: dict) -> dict:
    """Harvest ``source`` now (gather, fetch, import, close the job)."""
    return runner.run_source(source["id"])


def harvested(source_id: str, public_only: bool = False) -> dict[str, model.Package]:
    """Datasets of a source by identifier at the source (active ones; public
    ones only with ``public_only``)."""
    rows = (
        model.Session.query(model.Package, model.PackageExtra.value)
        .join(model.PackageExtra, model.PackageExtra.package_id == model.Package.id)
        .filter(
            model.PackageExtra.key == provenance.SOURCE_IDENTIFIER,
            model.PackageExtra.state == "active",
            model.Package.state == "active",
        )
    )
    result = {}
    for package, identifier in rows:
        if package.extras.get(provenance.SOURCE_ID) != source_id:
            continue
        if public_only and package.private:
            continue
        assert identifier not in result, f"duplicate dataset for {identifier}"
        result[identifier] = package
    return result


def show(package_id: str) -> dict[str, Any]:
    return helpers.call_action("package_show", id=package_id)


def gather_errors(job: dict) -> list[str]:
    return [
        error.message
        for error in model.Session.query(HarvestGatherError).filter_by(harvest_job_id=job["id"])
    ]


def object_errors(job: dict) -> dict[str, list[str]]:
    rows = (
        model.Session.query(HarvestObject.guid, HarvestObjectError.message)
        .join(HarvestObjectError, HarvestObjectError.harvest_object_id == HarvestObject.id)
        .filter(HarvestObject.harvest_job_id == job["id"])
    )
    errors: dict[str, list[str]] = {}
    for guid, message in rows:
        errors.setdefault(guid, []).append(message)
    for guid, messages in object_warnings(job).items():
        errors.setdefault(guid, []).extend(messages)
    return errors


def object_warnings(job: dict) -> dict[str, list[str]]:
    """Warnings of a job's report by record (coverage and mapping problems:
    the datasets were harvested), those that last from an earlier job included."""
    from ckanext.territoires.harvesters import warnings

    found: dict[str, list[str]] = {}
    for item in warnings.of_job(job["id"]).values():
        found.setdefault(item["guid"], []).extend(item["warnings"])
    return found


def run_queued_jobs() -> int:
    """What ckanext-harvest's gather and fetch consumers do with the messages
    on the Redis queues, here, message by message; the records fetched."""
    from ckanext.harvest import queue

    gather, fetch = queue.get_gather_consumer(), queue.get_fetch_consumer()
    while True:
        method, _channel, body = gather.basic_get("ignored")
        if body is None:
            break
        queue.gather_callback(gather, method, None, body)
    fetched = 0
    while True:
        method, _channel, body = fetch.basic_get("ignored")
        if body is None:
            return fetched
        queue.fetch_callback(fetch, method, None, body)
        fetched += 1


#: English words of ckanext-harvest's screens, and codes, that a French page
#: must not show (:func:`no_english`).
ENGLISH = (
    "Frequency",
    "MANUAL",
    "DAILY",
    "territoires_dcat",
    "harvest found",
    "Source type",
    "Save",
    "Reharvest",
    "Running",
    "Not yet",
    "Job:",
)


def no_english(page: str) -> None:
    """None of :data:`ENGLISH` in the text of ``page`` (what people read)."""
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    found = [word for word in ENGLISH if word in text]
    assert not found, found
