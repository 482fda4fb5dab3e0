"""The file of a resource, uploaded or linked, as a local path.

Uploaded files are read from CKAN's storage; linked ones are downloaded by
the harvesters' HTTP client: the same SSRF guard (no private or loopback
address unless allowed by ``ckanext.territoires.harvest.allowed_hosts``),
timeouts and size cap as harvesting.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from ckan.lib import uploader

from ckanext.territoires.harvesters.http import HarvestClient

TABLE_FORMATS = ("csv", "xlsx", "xls", "ods", "json")


def table_format(resource: dict[str, Any]) -> str:
    """The file format frictionless reads: the declared one, else the
    name's extension, else CSV."""
    declared = (resource.get("format") or "").strip().lower().lstrip(".")
    if declared in TABLE_FORMATS:
        return declared
    path = urlsplit(resource.get("url") or "").path
    extension = os.path.splitext(path)[1].lower().lstrip(".")
    return extension if extension in TABLE_FORMATS else "csv"


#: Files loaded as data tables without a declared schema (CSV and spreadsheets).
DATA_TABLE_FORMATS = ("csv", "xlsx", "xls")


def is_data_table(resource: dict[str, Any]) -> bool:
    """Whether the resource is a CSV or spreadsheet file, by its declared
    format or, without one, its name's extension."""
    declared = (resource.get("format") or "").strip().lower().lstrip(".")
    if declared:
        return declared in DATA_TABLE_FORMATS
    extension = os.path.splitext(urlsplit(resource.get("url") or "").path)[1].lower()
    return extension.lstrip(".") in DATA_TABLE_FORMATS


@contextlib.contextmanager
def local_copy(resource: dict[str, Any]) -> Iterator[str]:
    """A temporary copy of the resource's file (removed afterwards). Raises
    the HTTP client's errors (``FetchError``, ``ForbiddenURL``) or OSError."""
    directory = tempfile.mkdtemp(prefix="territoires-pooling-")
    path = os.path.join(directory, "data." + table_format(resource))
    try:
        if resource.get("url_type") == "upload":
            stored = uploader.get_resource_uploader(resource).get_path(resource["id"])
            shutil.copyfile(stored, path)
        else:
            with HarvestClient() as client:
                fetched = client.get(resource["url"])
            with open(path, "wb") as file:
                file.write(fetched.content)
        yield path
    finally:
        shutil.rmtree(directory, ignore_errors=True)
