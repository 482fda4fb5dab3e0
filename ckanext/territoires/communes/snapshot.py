"""The territory's commune groups as the pages read them, kept per process.

A région's index reads its 4,000 commune groups (60,000 extras) on every
request: the statement and the decoding of the extras took 600 ms. Each
process keeps them, with what lists derive from them (the identity as
``territoires_commune_show`` gives it, the name key that sorts and filters),
until the token of ``territoires_places_version`` changes: the plugin's
migration has triggers give it a new value in every transaction that writes
a group or a group extra, whoever writes (``ckan territoires load``, CKAN's
group forms, a test's factory).

The token is read in the request's own transaction before the groups, so
that a snapshot never holds groups older than its token; without the table
(migrations not applied), nothing is kept.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from ckan import model

from ckanext.territoires.referential import normalize

from . import groups
from .groups import CommuneGroup

_TABLE_EXISTS = sa.text("SELECT to_regclass('territoires_places_version') IS NOT NULL")
_TOKEN = sa.text("SELECT CAST(token AS text) FROM territoires_places_version")


@dataclass(frozen=True)
class Snapshot:
    """Every active commune group by INSEE code, its identity (the shape of
    :func:`groups.identity_as_dict`) and its name key (:func:`normalize.name_key`
    of its title). Shared between requests: read, never modify."""

    token: str | None
    groups: dict[str, CommuneGroup]
    identities: dict[str, dict[str, Any]]
    name_keys: dict[str, str]
    #: The current intercommunality groups, by title.
    intercommunalities: list[CommuneGroup]


_lock = threading.Lock()
_current: Snapshot | None = None


def places_token(session=None) -> str | None:
    """The current token of the groups, or None without the plugin's table."""
    session = session or model.Session
    if not session.execute(_TABLE_EXISTS).scalar():
        return None
    return session.execute(_TOKEN).scalar()


def commune_snapshot() -> Snapshot:
    """The snapshot of the current groups: the kept one while the token is
    unchanged, else read again (and kept)."""
    global _current
    token = places_token()
    current = _current
    if token is not None and current is not None and current.token == token:
        return current
    by_insee = groups.commune_groups_by_insee()
    snapshot = Snapshot(
        token=token,
        groups=by_insee,
        identities={
            insee: groups.identity_as_dict(dict(group.extras)) for insee, group in by_insee.items()
        },
        name_keys={
            insee: normalize.name_key(group.title or "") for insee, group in by_insee.items()
        },
        intercommunalities=[
            CommuneGroup(
                id=group.id,
                name=group.name,
                title=group.title or "",
                type=group.type,
                description=group.description or "",
                image_url=group.image_url or "",
                extras=dict(group.extras),
            )
            for group in groups.intercommunality_groups()
        ],
    )
    if token is not None:
        with _lock:
            _current = snapshot
    return snapshot
