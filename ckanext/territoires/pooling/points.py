"""Point data: which columns of a Table Schema hold coordinates, and the
points of a pooled CSV.

The columns are read from the schema, never written per schema:

- a field of type ``geopoint`` (formats ``default`` "lon, lat", ``array``
  "[lon, lat]", ``object`` {"lon": …, "lat": …}: IRVE's ``coordonneesXY``);
- else one ``number`` field named for the longitude and one for the latitude
  (a word of the name, or else of the title: ``Xlong``/``Ylat`` of the car
  parks, ``EQUIP_LONG``/``EQUIP_LAT`` of the SCDL facilities,
  ``consolidated_longitude``/``consolidated_latitude``).

The label of a point is a ``string`` field named for a name (``nom``,
``name``, ``libelle``, ``titre``…): one named exactly so first, else a
required one, the last in the schema's order (schemas name the
organisation before the thing itself: ``COLL_NOM`` then ``EQUIP_NOM``,
``nom_enseigne`` then ``nom_station``).

A pooled CSV is read once per version of its file (cache by path, size and
modification time): a page of a commune only filters the points.
"""

from __future__ import annotations

import csv
import json
import math
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

LONGITUDE_WORDS = frozenset({"lon", "lng", "long", "longitude", "xlong", "xlon", "longitudes"})
LATITUDE_WORDS = frozenset({"lat", "latitude", "ylat", "latitudes"})
NAME_WORDS = frozenset(
    {"nom", "name", "libelle", "label", "titre", "title", "intitule", "denomination"}
)

#: Versions of pooled files kept parsed, per process.
CACHE_SIZE = 8


@dataclass(frozen=True)
class Coordinates:
    """Where a schema's rows have their position, and their label."""

    longitude: str | None = None
    latitude: str | None = None
    #: A ``geopoint`` field instead of two numbers, and its format.
    geopoint: str | None = None
    geopoint_format: str = "default"
    label: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "longitude": self.longitude,
            "latitude": self.latitude,
            "geopoint": self.geopoint,
            "geopoint_format": self.geopoint_format if self.geopoint else None,
            "label": self.label,
        }

    def position(self, record: dict[str, str]) -> tuple[float, float] | None:
        """(longitude, latitude) of a row, None when missing or out of range."""
        if self.geopoint:
            pair = parse_geopoint(record.get(self.geopoint, ""), self.geopoint_format)
        else:
            pair = (
                _number(record.get(self.longitude or "", "")),
                _number(record.get(self.latitude or "", "")),
            )
        longitude, latitude = pair
        if longitude is None or latitude is None or not valid(pair):
            return None
        return longitude, latitude


def _words(text: str) -> set[str]:
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", text or "")
    return set(re.split(r"[^a-z0-9]+", spaced.lower())) - {""}


def _named(column: dict[str, Any], words: frozenset[str]) -> int:
    """2 when the column's name says it, 1 when only its title does, else 0."""
    if _words(str(column.get("name") or "")) & words:
        return 2
    if _words(str(column.get("title") or "")) & words:
        return 1
    return 0


def _best(columns: list[dict[str, Any]], words: frozenset[str]) -> str | None:
    """The only number column named for ``words`` (by name, else by title)."""
    for level in (2, 1):
        found = [c["name"] for c in columns if _named(c, words) == level]
        if len(found) == 1:
            return found[0]
        if found:
            return None  # ambiguous: no guess
    return None


def _label(columns: list[dict[str, Any]]) -> str | None:
    texts = [c for c in columns if c.get("type", "string") == "string" and c.get("name")]
    exact = [c["name"] for c in texts if str(c["name"]).lower() in NAME_WORDS]
    if exact:
        return exact[0]
    named = [c for c in texts if _words(str(c["name"])) & NAME_WORDS]
    required = [c for c in named if (c.get("constraints") or {}).get("required")]
    chosen = required or named
    return chosen[-1]["name"] if chosen else None


def coordinates_of(descriptor: dict[str, Any]) -> Coordinates | None:
    """The coordinate columns of a Table Schema, or None when it has none."""
    columns = [c for c in descriptor.get("fields") or [] if isinstance(c, dict) and c.get("name")]
    label = _label(columns)
    geopoints = [c for c in columns if c.get("type") == "geopoint"]
    if geopoints:
        column = geopoints[0]
        return Coordinates(
            geopoint=column["name"],
            geopoint_format=str(column.get("format") or "default"),
            label=label,
        )
    numbers = [c for c in columns if c.get("type") in ("number", "integer")]
    longitude, latitude = _best(numbers, LONGITUDE_WORDS), _best(numbers, LATITUDE_WORDS)
    if longitude and latitude and longitude != latitude:
        return Coordinates(longitude=longitude, latitude=latitude, label=label)
    return None


# -- values ------------------------------------------------------------------


def _number(value: Any) -> float | None:
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = str(value or "").strip()
        if text.count(",") == 1 and "." not in text:  # a decimal comma
            text = text.replace(",", ".")
        try:
            number = float(text)
        except ValueError:
            return None
    return number if math.isfinite(number) else None


def parse_geopoint(value: str, form: str = "default") -> tuple[float | None, float | None]:
    """(longitude, latitude) of a Table Schema ``geopoint`` cell."""
    text = (value or "").strip()
    if not text:
        return None, None
    try:
        if form == "array" or text.startswith("["):
            pair = json.loads(text)
            if isinstance(pair, list) and len(pair) == 2:
                return _number(pair[0]), _number(pair[1])
        elif form == "object" or text.startswith("{"):
            pair = json.loads(text)
            if isinstance(pair, dict):
                return _number(pair.get("lon")), _number(pair.get("lat"))
        else:
            parts = text.split(",")
            if len(parts) == 2:
                return _number(parts[0]), _number(parts[1])
    except (ValueError, TypeError):
        pass
    return None, None


def valid(pair: tuple[float | None, float | None]) -> bool:
    longitude, latitude = pair
    return (
        longitude is not None
        and latitude is not None
        and -180 <= longitude <= 180
        and -90 <= latitude <= 90
        and not (longitude == 0 and latitude == 0)  # a blank exported as 0, 0
    )


# -- the points of a pooled file ---------------------------------------------------


@dataclass(slots=True)
class Point:
    longitude: float
    latitude: float
    label: str
    commune_insee: str
    commune_nom: str


@dataclass
class Table:
    """The points of a pooled file, and per commune the rows without a position."""

    points: list[Point] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    without: dict[str, int] = field(default_factory=dict)


def read_table(records: Iterable[dict[str, str]], coordinates: Coordinates) -> Table:
    table = Table()
    for record in records:
        insee = record.get("commune_insee") or ""
        table.rows[insee] = table.rows.get(insee, 0) + 1
        position = coordinates.position(record)
        if position is None:
            table.without[insee] = table.without.get(insee, 0) + 1
            continue
        label = (record.get(coordinates.label) or "").strip() if coordinates.label else ""
        table.points.append(
            Point(position[0], position[1], label, insee, record.get("commune_nom") or "")
        )
    return table


_TABLES: OrderedDict[tuple[Any, ...], Table] = OrderedDict()
_LOCK = threading.Lock()


def _records(path: str) -> Iterable[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as file:
        yield from csv.DictReader(file)


def table_of(path: str, coordinates: Coordinates) -> Table:
    """The points of the pooled CSV at ``path`` (parsed once per version)."""
    stat = os.stat(path)
    key = (path, stat.st_size, stat.st_mtime_ns, coordinates)
    with _LOCK:
        table = _TABLES.get(key)
        if table is not None:
            _TABLES.move_to_end(key)
            return table
    table = read_table(_records(path), coordinates)
    with _LOCK:
        _TABLES[key] = table
        while len(_TABLES) > CACHE_SIZE:
            _TABLES.popitem(last=False)
    return table
