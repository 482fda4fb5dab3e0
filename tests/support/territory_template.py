"""The loaded territory, kept once per test process and copied back in SQL.

``load_territory`` of the Métropole de Lyon writes its 59 groups and their
875 extras through the ORM: about 1.7 s, before every test that uses the
``lyon`` fixture. The first such test loads it for real; the rows it wrote
are then copied into tables of a schema of their own
(:data:`SCHEMA`, outside ``public``: neither CKAN's ``clean_db`` nor its
first ``reset_db``, which drops the tables of ``public``, touches it). The
next tests get the same rows back with one ``INSERT ... SELECT`` per table
(a few milliseconds), as long as:

- the state is the one the template was taken from: the tables the load
  wrote are empty (``clean_db`` ran, nothing else created groups);
- the load would be the same: same scope, same referential object, same
  configuration (``ckan_config`` marks) - the key of the template.

Anything else (a table not empty, a schema changed by a migration test, a
copy that fails) falls back to the real load. The triggers on ``group`` and
``group_extra`` fire on the copy as on the load: the places version token
changes, the process caches of the communes are read again.
"""

from __future__ import annotations

import copy
import itertools
from typing import Any

import sqlalchemy as sa
from ckan import model
from ckan.common import config

from ckanext.territoires.referential import store

SCHEMA = "territoires_test_template"

#: Tables whose rows never belong to a template (versions, tokens).
_NEVER = ("territoires_places_version",)

_TABLES = sa.text(
    "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
    " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY c.relname"
)

# key -> (template number, [(table, columns)], the load's report, the referential kept alive)
_templates: dict[tuple, tuple[int, list[tuple[str, list[str]]], Any, Any]] = {}
_numbers = itertools.count(1)
_schema_ready: list[bool] = []


def _key(scope, ref) -> tuple:
    options = tuple(sorted((str(k), repr(v)) for k, v in config.items() if k != "testing"))
    return (repr(sorted(scope.communes)), str(store.data_path()), id(ref), options)


def _row_counts(conn) -> dict[str, int]:
    names = [
        name
        for (name,) in conn.execute(_TABLES)
        if "alembic_version" not in name and name not in _NEVER
    ]
    if not names:
        return {}
    query = " UNION ALL ".join(f"SELECT '{name}', count(*) FROM \"{name}\"" for name in names)
    return {str(row[0]): int(row[1]) for row in conn.execute(sa.text(query))}


def _columns(conn, table: str) -> list[str]:
    rows = conn.execute(
        sa.text(
            "SELECT attname FROM pg_attribute WHERE attrelid = CAST(:t AS regclass)"
            " AND attnum > 0 AND NOT attisdropped ORDER BY attnum"
        ),
        {"t": f'public."{table}"'},
    )
    return [name for (name,) in rows]


def _sorted_for_inserts(tables: list[str]) -> list[str]:
    """Parents before children (CKAN's metadata order), others after."""
    order = {table.name: i for i, table in enumerate(model.repo.metadata.sorted_tables)}
    return sorted(tables, key=lambda name: (order.get(name, len(order)), name))


def _quoted(columns: list[str]) -> str:
    return ", ".join(f'"{c}"' for c in columns)


def _restore(number: int, tables: list[tuple[str, list[str]]]) -> bool:
    session = model.Session
    try:
        conn = session.connection()
        empty = " AND ".join(f'NOT EXISTS (SELECT 1 FROM public."{t}")' for t, _ in tables)
        if not conn.execute(sa.text(f"SELECT {empty}")).scalar():
            session.rollback()
            return False
        for table, columns in tables:
            if _columns(conn, table) != columns:
                session.rollback()
                return False
        conn.exec_driver_sql(
            "".join(
                f'INSERT INTO public."{t}" ({_quoted(c)})'
                f' SELECT {_quoted(c)} FROM {SCHEMA}."t{number}_{t}";'
                for t, c in tables
            )
        )
        session.commit()
    except sa.exc.SQLAlchemyError:
        session.rollback()
        return False
    session.remove()
    return True


def _keep(number: int, before: dict[str, int]) -> list[tuple[str, list[str]]] | None:
    """Copy the tables the load wrote into the template schema (None: the
    load did not start from empty tables, no template)."""
    session = model.Session
    conn = session.connection()
    after = _row_counts(conn)
    written = [t for t, n in after.items() if n != before.get(t, 0)]
    if not written or any(before.get(t, 0) for t in written):
        session.rollback()
        return None
    if not _schema_ready:
        conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE; CREATE SCHEMA {SCHEMA};")
        _schema_ready.append(True)
    tables = []
    for table in _sorted_for_inserts(written):
        columns = _columns(conn, table)
        conn.exec_driver_sql(
            f'CREATE TABLE {SCHEMA}."t{number}_{table}" AS'
            f' SELECT {_quoted(columns)} FROM public."{table}"'
        )
        tables.append((table, columns))
    session.commit()
    return tables


def load_territory(scope, ref, load):
    """``load(scope, ref)`` (``communes.load.load_territory``), or the copy of
    what it wrote the first time for the same key."""
    key = _key(scope, ref)
    known = _templates.get(key)
    if known is not None:
        number, tables, report, _ref = known
        if _restore(number, tables):
            return copy.deepcopy(report)
    before = _row_counts(model.Session.connection())
    model.Session.commit()
    report = load(scope, ref)
    if known is None and not report.errors:
        number = next(_numbers)
        tables = _keep(number, before)
        if tables is not None:
            _templates[key] = (number, tables, copy.deepcopy(report), ref)
    return report
