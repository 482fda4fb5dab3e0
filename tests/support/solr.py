"""A Solr schema read from its XML, and the check Solr would make of a
document CKAN sends it (``pysolr``'s own XML of the document, field by field).

What Solr refuses at indexing, and is checked here:

- a field that matches neither a ``<field>`` nor a ``<dynamicField>``;
- several values for a field that is not multiValued (its own attribute,
  else its type's);
- a value its type cannot parse: integers, longs, floats, doubles,
  booleans, dates (ISO 8601 in UTC, ``Z``, as Solr wants them);
- an indexed string value longer than Lucene's largest term (32,766 bytes);
- a required field missing.

Dynamic fields are matched as Solr does: a ``<field>`` first, then the
longest matching pattern (``*_date`` before ``*``).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pysolr

#: Lucene's largest indexed term, in UTF-8 bytes ("immense term" beyond it).
MAX_TERM_BYTES = 32766
INT_RANGE = (-(2**31), 2**31 - 1)
LONG_RANGE = (-(2**63), 2**63 - 1)
SOLR_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$")
BOOLEANS = {"true", "false"}


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    type_class: str
    multi_valued: bool
    indexed: bool
    required: bool
    dynamic: bool


class Schema:
    """Fields, dynamic fields and types of one or more schema XML texts (the
    later ones add to, or replace, the earlier ones)."""

    def __init__(self, *texts: str):
        self.types: dict[str, dict[str, str]] = {}
        self.fields: dict[str, dict[str, str]] = {}
        self.dynamic: list[dict[str, str]] = []
        self.copy_fields: list[tuple[str, str]] = []
        for text in texts:
            self._read(ElementTree.fromstring(text))

    @classmethod
    def from_files(cls, *paths: Path) -> Schema:
        return cls(*(Path(path).read_text(encoding="utf-8") for path in paths))

    def _read(self, root: ElementTree.Element) -> None:
        for element in root.iter("fieldType"):
            self.types[element.attrib["name"]] = dict(element.attrib)
        for element in root.iter("field"):
            self.fields[element.attrib["name"]] = dict(element.attrib)
        for element in root.iter("dynamicField"):
            self.dynamic = [d for d in self.dynamic if d["name"] != element.attrib["name"]]
            self.dynamic.append(dict(element.attrib))
        for element in root.iter("copyField"):
            self.copy_fields.append((element.attrib["source"], element.attrib["dest"]))

    def _field(self, attrib: dict[str, str], dynamic: bool) -> Field:
        field_type = self.types[attrib["type"]]

        def flag(name: str, default: bool) -> bool:
            value = attrib.get(name, field_type.get(name))
            return default if value is None else value == "true"

        return Field(
            name=attrib["name"],
            type=attrib["type"],
            type_class=field_type["class"],
            multi_valued=flag("multiValued", False),
            indexed=flag("indexed", True),
            required=flag("required", False),
            dynamic=dynamic,
        )

    def field(self, name: str) -> Field | None:
        """The field Solr would use for ``name`` (None: Solr refuses it)."""
        if name in self.fields:
            return self._field(self.fields[name], dynamic=False)
        matching = [d for d in self.dynamic if glob_matches(d["name"], name)]
        if not matching:
            return None
        longest = max(len(d["name"]) for d in matching)
        return self._field(next(d for d in matching if len(d["name"]) == longest), dynamic=True)

    def required(self) -> list[str]:
        return [name for name, attrib in self.fields.items() if attrib.get("required") == "true"]


def glob_matches(pattern: str, name: str) -> bool:
    if pattern == "*":
        return True
    if pattern.startswith("*"):
        return name.endswith(pattern[1:])
    if pattern.endswith("*"):
        return name.startswith(pattern[:-1])
    return pattern == name


def solr_fields(document: dict[str, Any]) -> list[tuple[str, str]]:
    """(name, text) of each ``<field>`` pysolr sends Solr for ``document``."""
    element = pysolr.Solr("http://127.0.0.1:8983/solr/unused")._build_xml_doc(document)
    return [(child.attrib["name"], child.text or "") for child in element.iter("field")]


def value_error(field: Field, text: str) -> str | None:
    """Why Solr would refuse ``text`` for ``field`` (None: accepted)."""
    kind = field.type_class.rsplit(".", 1)[-1]
    if kind in ("IntPointField", "TrieIntField", "LongPointField", "TrieLongField"):
        low, high = INT_RANGE if "Int" in kind else LONG_RANGE
        try:
            number = int(text)
        except ValueError:
            return "not an integer"
        return None if low <= number <= high else "out of range"
    if kind in ("FloatPointField", "DoublePointField", "TrieFloatField", "TrieDoubleField"):
        try:
            float(text)
        except ValueError:
            return "not a number"
        return None
    if kind == "BoolField":
        return None if text in BOOLEANS else "not a boolean"
    if kind in ("DatePointField", "TrieDateField"):
        return None if SOLR_DATE.match(text) else "not an ISO 8601 UTC date"
    if kind == "StrField" and field.indexed and len(text.encode("utf-8")) > MAX_TERM_BYTES:
        return "longer than Lucene's largest term"
    return None


def refusals(schema: Schema, document: dict[str, Any]) -> list[str]:
    """What Solr would refuse in ``document``, one line each (empty: accepted)."""
    problems: list[str] = []
    sent = solr_fields(document)
    counts: dict[str, int] = {}
    for name, text in sent:
        counts[name] = counts.get(name, 0) + 1
        field = schema.field(name)
        if field is None:
            problems.append(f"{name}: no field nor dynamic field")
            continue
        error = value_error(field, text)
        if error:
            problems.append(f"{name} ({field.type}): {error}: {text[:80]!r}")
    for name, count in counts.items():
        field = schema.field(name)
        if field is not None and count > 1 and not field.multi_valued:
            problems.append(f"{name} ({field.type}): {count} values, not multiValued")
    for name in schema.required():
        if name not in counts:
            problems.append(f"{name}: required, missing")
    for source, dest in schema.copy_fields:
        sources = [name for name in counts if glob_matches(source, name)]
        target = schema.field(dest)
        if sources and target is not None and not target.multi_valued:
            values = sum(counts[name] for name in sources)
            if values > 1:
                problems.append(f"copyField {source} -> {dest}: {values} values, not multiValued")
    return sorted(set(problems))
