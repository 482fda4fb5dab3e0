"""Validation of a table file against a Table Schema (frictionless)."""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from frictionless import Detector, Schema
from frictionless.resources import TableResource


@dataclass
class Outcome:
    """What frictionless found: ``valid``, rows read, errors (stored form)."""

    valid: bool
    row_count: int | None
    errors: list[dict[str, Any]] = field(default_factory=list)
    error_count: int = 0


def _resource(path: str, **options: Any) -> TableResource:
    # frictionless refuses absolute paths unless given a base path
    return TableResource(path=os.path.basename(path), basepath=os.path.dirname(path), **options)


def _stored(error: Any) -> dict[str, Any]:
    cell = getattr(error, "cell", None)
    return {
        "type": error.type,
        "row": getattr(error, "row_number", None),
        "column": getattr(error, "field_name", None) or getattr(error, "label", None),
        "cell": None if cell is None else str(cell)[:200],
        "note": (error.note or "")[:500],
    }


def validate_file(path: str, descriptor: dict[str, Any], max_errors: int = 200) -> Outcome:
    """Validate the table at ``path`` against the schema ``descriptor``."""
    resource = _resource(path, schema=Schema.from_descriptor(descriptor))
    report = resource.validate(limit_errors=max_errors)
    task = report.tasks[0] if report.tasks else None
    errors = [_stored(error) for error in (task.errors if task else report.errors)]
    rows = task.stats.get("rows") if task else None
    return Outcome(valid=report.valid, row_count=rows, errors=errors, error_count=len(errors))


def _csv_records(path: str) -> Iterator[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as file:
        header = file.readline()
        file.seek(0)
        delimiter = max(",;\t|", key=header.count)  # the header's separator
        for record in csv.DictReader(file, delimiter=delimiter):
            yield {name: value or "" for name, value in record.items() if name is not None}


def read_records(path: str) -> Iterator[dict[str, str]]:
    """The rows of the table at ``path``, as text by header name (the
    standard csv module for CSV, much faster than frictionless's rows)."""
    if path.endswith(".csv"):
        yield from _csv_records(path)
        return
    resource = _resource(path, detector=Detector(field_type="string"))
    with resource:
        for row in resource.row_stream:
            yield {
                name: "" if value is None else str(value) for name, value in row.to_dict().items()
            }
