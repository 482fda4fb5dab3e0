"""The validation report in words: what is wrong, how to fix it.

Errors are stored as frictionless reports them (type, row, column, cell,
note); they are put into words when shown, in the page's language, with the
column's expectations read from the schema (type, constraint, example).
"""

from __future__ import annotations

import re
from typing import Any

import ckan.plugins.toolkit as tk

_CONSTRAINT = re.compile(r'constraint "(?P<name>[^"]+)" is "(?P<value>.*)"', re.S)
_TYPE = re.compile(r'type is "(?P<type>[^"/]+)(/(?P<format>[^"]+))?"')


def _type_label(name: str) -> str:
    labels = {
        "string": tk._("text"),
        "integer": tk._("a whole number"),
        "number": tk._("a number (decimal point, not comma)"),
        "boolean": tk._("true or false"),
        "date": tk._("a date (YYYY-MM-DD)"),
        "datetime": tk._("a date and time (YYYY-MM-DDTHH:MM:SS)"),
        "year": tk._("a year (YYYY)"),
        "geopoint": tk._("a point (longitude, latitude)"),
    }
    return labels.get(name, name)


def _constraint_fix(name: str, value: str, column: dict[str, Any] | None = None) -> str:
    if name == "pattern" and column and column.get("example") not in (None, ""):
        # an example says more to a publisher than a regular expression
        return tk._("Write the value in the format of the column's example.")
    fixes = {
        "required": tk._("Fill in this cell: the column is required."),
        "unique": tk._("Each value of this column must appear once only."),
        "pattern": tk._("Write the value in the expected format (regular expression {value})."),
        "enum": tk._("Use one of the allowed values: {value}."),
        "minimum": tk._("Use a value of at least {value}."),
        "maximum": tk._("Use a value of at most {value}."),
        "minLength": tk._("Use a value of at least {value} characters."),
        "maxLength": tk._("Use a value of at most {value} characters."),
    }
    value = value.strip("[]").replace("'", "")
    return fixes.get(name, tk._("Respect the constraint {name} ({value}).")).format(
        name=name, value=value
    )


def _example(column: dict[str, Any] | None) -> str:
    if column and column.get("example") not in (None, ""):
        return " " + tk._("Example: {example}").format(example=column["example"])
    return ""


def describe(error: dict[str, Any], columns: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """``error`` (a stored error) as ``{row, column, cell, what, fix}``."""
    kind = error.get("type") or ""
    note = error.get("note") or ""
    column = columns.get(error.get("column") or "")
    what, fix = _words(kind, note, column)
    return {
        "row": error.get("row"),
        "column": error.get("column"),
        "cell": error.get("cell"),
        "what": what,
        "fix": fix,
    }


def _words(kind: str, note: str, column: dict[str, Any] | None) -> tuple[str, str]:
    if kind == "type-error":
        expected = _type_label((column or {}).get("type", ""))
        match = _TYPE.search(note)
        if match and not column:
            expected = _type_label(match.group("type"))
        return (
            tk._("The value is not of the expected type."),
            tk._("Write {expected}.").format(expected=expected) + _example(column),
        )
    if kind == "constraint-error":
        match = _CONSTRAINT.search(note)
        name, value = (match.group("name"), match.group("value")) if match else ("", note)
        return (
            tk._("The value does not respect the column's rules."),
            _constraint_fix(name, value, column) + _example(column),
        )
    return _structure_words(kind, note)


def _structure_words(kind: str, note: str) -> tuple[str, str]:
    words = {
        "missing-cell": (
            tk._("The row has fewer cells than the header."),
            tk._(
                "Add the missing cells (empty ones if need be) so that every row has the columns of the header."
            ),
        ),
        "extra-cell": (
            tk._("The row has more cells than the header."),
            tk._("Remove the extra cells or check the separators and quotes of the row."),
        ),
        "blank-row": (
            tk._("The row is empty."),
            tk._("Delete the empty row."),
        ),
        "missing-label": (
            tk._("A column of the schema is missing from the header."),
            tk._("Add the column, with this exact name, in the order of the schema."),
        ),
        "extra-label": (
            tk._("The header has a column the schema does not know."),
            tk._("Remove the column or rename it as in the schema."),
        ),
        "incorrect-label": (
            tk._("A column of the header is not named as in the schema."),
            tk._("Rename the column exactly as in the schema (accents and case included)."),
        ),
        "duplicate-label": (
            tk._("Two columns of the header have the same name."),
            tk._("Give each column its own name."),
        ),
        "blank-label": (
            tk._("A column of the header has no name."),
            tk._("Name the column as in the schema."),
        ),
        "primary-key": (
            tk._("The identifier of the row appears more than once."),
            tk._("Give each row its own identifier."),
        ),
        "unique-error": (
            tk._("The value appears more than once in a column where it must be unique."),
            tk._("Give each row its own value in this column."),
        ),
        "encoding-error": (
            tk._("The file is not readable text."),
            tk._("Save the file as CSV encoded in UTF-8."),
        ),
    }
    if kind in words:
        return words[kind]
    return (
        tk._("The file could not be read as a table."),
        tk._(
            "Publish a CSV (UTF-8, comma or semicolon separated) or an XLSX file with one header row."
        ),
    )


def status_label(status: str | None) -> str:
    """The status of a validation, in words."""
    labels = {
        "pending": tk._("Validation in progress"),
        "valid": tk._("Conforming to the schema"),
        "invalid": tk._("Not conforming to the schema"),
        "error": tk._("Could not be validated"),
        "table": tk._("Loaded as a data table"),
    }
    return labels.get(status or "", tk._("Not validated"))
