"""Validation results, one row per resource declaring a schema, and the
data-table status of the other table files (``schema_id`` empty).

Table ``territoires_resource_validation`` (migration of this plugin), read
and written in CKAN's session, committed by the caller.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from ckan import model
from sqlalchemy.dialects.postgresql import JSONB, insert

metadata = sa.MetaData()

validation_table = sa.Table(
    "territoires_resource_validation",
    metadata,
    sa.Column("resource_id", sa.UnicodeText, primary_key=True),
    sa.Column("package_id", sa.UnicodeText, nullable=False),
    sa.Column("schema_id", sa.UnicodeText, nullable=False),
    sa.Column("status", sa.UnicodeText, nullable=False),
    sa.Column("row_count", sa.Integer),
    sa.Column("error_count", sa.Integer, nullable=False),
    sa.Column("errors", JSONB, nullable=False),
    sa.Column("message", sa.UnicodeText),
    sa.Column("checked", sa.DateTime),
)

PENDING, VALID, INVALID, ERROR = "pending", "valid", "invalid", "error"
#: A file without a declared schema loaded as a data table (``schema_id`` "").
TABLE = "table"


def save(
    resource_id: str,
    package_id: str,
    schema_id: str,
    status: str,
    row_count: int | None = None,
    errors: list[dict[str, Any]] | None = None,
    error_count: int = 0,
    message: str | None = None,
) -> None:
    values = {
        "package_id": package_id,
        "schema_id": schema_id,
        "status": status,
        "row_count": row_count,
        "error_count": error_count,
        "errors": errors or [],
        "message": message,
        "checked": dt.datetime.utcnow(),
    }
    statement = insert(validation_table).values(resource_id=resource_id, **values)
    model.Session.execute(
        statement.on_conflict_do_update(index_elements=["resource_id"], set_=values)
    )


def get(resource_id: str) -> dict[str, Any] | None:
    row = model.Session.execute(
        validation_table.select().where(validation_table.c.resource_id == resource_id)
    ).first()
    return _as_dict(row) if row else None


def delete(resource_id: str) -> None:
    model.Session.execute(
        validation_table.delete().where(validation_table.c.resource_id == resource_id)
    )


def of_schema(schema_id: str) -> list[dict[str, Any]]:
    """Results of the active resources of active datasets declaring ``schema_id``."""
    rows = model.Session.execute(
        sa.select(validation_table)
        .select_from(
            validation_table.join(
                model.resource_table, model.resource_table.c.id == validation_table.c.resource_id
            ).join(model.package_table, model.package_table.c.id == validation_table.c.package_id)
        )
        .where(
            validation_table.c.schema_id == schema_id,
            model.resource_table.c.state == "active",
            model.package_table.c.state == "active",
        )
        .order_by(validation_table.c.package_id, model.resource_table.c.position)
    )
    return [_as_dict(row) for row in rows]


def of_package(package_id: str) -> list[dict[str, Any]]:
    """Results of the resources of one dataset."""
    rows = model.Session.execute(
        validation_table.select().where(validation_table.c.package_id == package_id)
    )
    return [_as_dict(row) for row in rows]


def _as_dict(row: Any) -> dict[str, Any]:
    values = dict(row._mapping)
    if values.get("checked"):
        values["checked"] = values["checked"].isoformat()
    return values
