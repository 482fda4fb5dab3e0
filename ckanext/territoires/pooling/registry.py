"""The Table Schemas the portal offers: shipped ones and configured ones.

Shipped (``schemas/``, unmodified copies of schema.data.gouv.fr's files;
licences beside them): car parks, EV charge points, the data catalogue and
the SCDL of OpenDataFrance. Configured ones (option
``ckanext.territoires.pooling.schemas``) are URLs, read once per process
through the harvesters' HTTP client (SSRF guard, timeouts, size cap), or
JSON files on the server.
"""

from __future__ import annotations

import json
import logging
import os
import re
from dataclasses import dataclass, field
from typing import Any

from . import config, points

log = logging.getLogger(__name__)

SHIPPED_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "schemas")


@dataclass(frozen=True)
class OfferedSchema:
    """A Table Schema offered to publishers."""

    id: str
    title: str
    version: str
    source: str  # "shipped", or the configured URL or path
    descriptor: dict[str, Any] = field(repr=False, compare=False)

    @property
    def url(self) -> str:
        """The schema's address (its descriptor's ``path``, else its home
        page), what ``dct:conformsTo`` names; its id when it has neither."""
        return self.descriptor.get("path") or self.descriptor.get("homepage") or self.id

    @property
    def field_names(self) -> list[str]:
        return [column["name"] for column in self.descriptor.get("fields", [])]

    @property
    def coordinates(self) -> points.Coordinates | None:
        """The columns holding each row's position and label (read from the
        fields: see :mod:`.points`), or None: rows without a position."""
        return points.coordinates_of(self.descriptor)

    def as_dict(self) -> dict[str, Any]:
        coordinates = self.coordinates
        return {
            "id": self.id,
            "title": self.title,
            "version": self.version,
            "source": self.source,
            "fields": self.field_names,
            "coordinates": coordinates.as_dict() if coordinates else None,
        }


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _offered(schema_id: str, descriptor: dict[str, Any], source: str) -> OfferedSchema:
    return OfferedSchema(
        id=schema_id,
        title=str(descriptor.get("title") or schema_id),
        version=str(descriptor.get("version") or ""),
        source=source,
        descriptor=descriptor,
    )


def _shipped() -> list[OfferedSchema]:
    found = []
    for name in sorted(os.listdir(SHIPPED_DIR)):
        if name.endswith(".json"):
            with open(os.path.join(SHIPPED_DIR, name), encoding="utf-8") as file:
                found.append(_offered(name[:-5], json.load(file), "shipped"))
    return found


_CACHE: dict[str, OfferedSchema | None] = {}


def _read_configured(location: str) -> OfferedSchema | None:
    if location not in _CACHE:
        try:
            if re.match(r"^https?://", location):
                from ckanext.territoires.harvesters.http import HarvestClient

                with HarvestClient() as client:
                    descriptor = client.get(location, accept="application/json").json()
            else:
                with open(location, encoding="utf-8") as file:
                    descriptor = json.load(file)
            if not isinstance(descriptor, dict) or not isinstance(descriptor.get("fields"), list):
                raise ValueError("not a Table Schema (no list of fields)")
            schema_id = _slug(str(descriptor.get("name") or descriptor.get("title") or location))
            _CACHE[location] = _offered(schema_id, descriptor, location)
        except Exception as error:  # one bad schema must not hide the others
            log.warning("Table Schema %s not offered: %s", location, error)
            _CACHE[location] = None
    return _CACHE[location]


def forget() -> None:
    """Read the configured schemas again on next use (tests)."""
    _CACHE.clear()


def offered() -> list[OfferedSchema]:
    """Every schema offered, shipped first, by id (a configured schema of an
    id already offered is ignored)."""
    schemas = {schema.id: schema for schema in _shipped()}
    for location in config.extra_schemas():
        schema = _read_configured(location)
        if schema is not None and schema.id not in schemas:
            schemas[schema.id] = schema
    return list(schemas.values())


def get(schema_id: str | None) -> OfferedSchema | None:
    """The offered schema of this id, or None."""
    for schema in offered():
        if schema.id == schema_id:
            return schema
    return None


def by_reference(value: str | None) -> OfferedSchema | None:
    """The offered schema a ``conforms_to`` value names: its id, its address
    or its home page."""
    value = (value or "").strip()
    if not value:
        return None
    for schema in offered():
        if value in (schema.id, schema.url, schema.descriptor.get("homepage")):
            return schema
    return None
