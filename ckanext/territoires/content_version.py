"""The version of the catalogue's content, changed after each commit that
changed it: the cache validators of anonymous pages (cache.py) name it, so
a page cached before a dataset was edited, deleted or made private is not
served again once the change is committed.

The version is a random token in CKAN's Redis (a token, not a counter: a
counter reset with Redis would give old pages their validators back). A
transaction changes the catalogue when it writes or deletes rows of the
search index (every dataset create, update, delete and privacy change,
``bulk_update_private`` included, goes through the search backend:
:func:`changed`) or flushes a dataset, resource, group, organisation,
membership, group extra or site setting (a flush listener). The flag is
kept in the session's ``info``; after the commit of the root transaction
the token is replaced. Never before the commit: a page rendered meanwhile
from the old rows would be cached under the new version. A rolled-back
transaction leaves the version alone.

The version is read at the start of a request (cache.py): a page is at
least as new as the version it is tagged with.
"""

from __future__ import annotations

import itertools
import logging
import uuid
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib.redis import connect_to_redis
from redis.exceptions import RedisError
from sqlalchemy import event

log = logging.getLogger(__name__)

#: Key of the session's ``info`` set by a transaction that changed the catalogue.
FLAG = "territoires_content_changed"

#: Objects whose flush changes what anonymous pages show.
WATCHED = (
    model.Package,
    model.PackageExtra,
    model.Resource,
    model.Group,
    model.GroupExtra,
    model.Member,
    model.SystemInfo,
)


def _key() -> str:
    return "{}:territoires:content_version".format(tk.config.get("ckan.site_id"))


def changed(session: Any = None) -> None:
    """Mark the current transaction of ``session`` (CKAN's by default) as
    changing the catalogue."""
    (session or model.Session()).info[FLAG] = True


def bump() -> None:
    """Give the catalogue a new version (after a commit)."""
    try:
        connect_to_redis().set(_key(), uuid.uuid4().hex)
    except RedisError:
        log.exception("The content version was not changed: cached pages stay until they expire")


def current() -> str | None:
    """The current version, ``None`` when Redis cannot be read."""
    try:
        redis = connect_to_redis()
        value = redis.get(_key())
        if value is None:  # first read, or Redis emptied: a token never seen before
            redis.set(_key(), uuid.uuid4().hex, nx=True)
            value = redis.get(_key())
    except RedisError:
        log.exception("The content version cannot be read")
        return None
    return value.decode() if isinstance(value, bytes) else value


def _before_flush(session: Any, flush_context: Any, instances: Any) -> None:
    objects = itertools.chain(session.new, session.dirty, session.deleted)
    if any(isinstance(obj, WATCHED) for obj in objects):
        session.info[FLAG] = True


def _after_commit(session: Any) -> None:
    if session.in_nested_transaction():  # a savepoint released: not committed yet
        return
    if session.info.pop(FLAG, False):
        bump()


def _after_transaction_end(session: Any, transaction: Any) -> None:
    if transaction.parent is None:  # the root transaction: committed or rolled back
        session.info.pop(FLAG, None)


LISTENERS = (
    ("before_flush", _before_flush),
    ("after_commit", _after_commit),
    ("after_transaction_end", _after_transaction_end),
)


def listen() -> None:
    """Watch CKAN's session (once per process)."""
    for name, function in LISTENERS:
        if not event.contains(model.meta.Session, name, function):
            event.listen(model.meta.Session, name, function)
