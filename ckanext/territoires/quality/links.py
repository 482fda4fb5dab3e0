"""Checking that resource links answer, and remembering the last check.

The result of the last check of each resource is kept in CKAN's own
``task_status`` table (entity: the resource; task type
``territoires_link_check``), which exists for exactly this kind of
background result: no table of our own, and a check never changes the
dataset's metadata (nor its ``metadata_modified``, nor the DCAT export).

Requests: HEAD (GET when the server refuses HEAD), connect and read
timeouts, at most :data:`MAX_REDIRECTS` redirects, each one checked again.
SSRF guard: a link whose host resolves to a loopback, private, link-local,
reserved or multicast address (cloud metadata included) is not requested
and counts as not working, unless its host is listed in
``ckanext.territoires.quality.allowed_hosts``.
"""

from __future__ import annotations

import datetime
import ipaddress
import json
import socket
from collections.abc import Iterable
from urllib.parse import urljoin, urlsplit

import ckan.plugins.toolkit as tk
import requests
import sqlalchemy as sa
from ckan import model

from ckanext.territoires import config

from .criteria import LinkCheck

TASK_TYPE = "territoires_link_check"
TASK_KEY = "link"
MAX_REDIRECTS = 5
USER_AGENT = "ckanext-territoires link checker"


class RefusedAddress(Exception):
    """The link points to an address this server must not request."""


_LAST_CHECKS = sa.text(
    "SELECT entity_id, value FROM task_status"
    " WHERE entity_id = ANY(:ids) AND task_type = :type AND key = :key"
)


def last_checks(resource_ids: Iterable[str]) -> dict[str, LinkCheck]:
    """The last check of each of these resources that was ever checked."""
    ids = [rid for rid in resource_ids if rid]
    if not ids:
        return {}
    # Run for every dataset indexed: a plain statement (an ORM query costs
    # several times as much to build)
    rows = model.Session.execute(_LAST_CHECKS, {"ids": ids, "type": TASK_TYPE, "key": TASK_KEY})
    checks = {}
    for resource_id, value in rows:
        try:
            data = json.loads(value or "{}")
            checks[resource_id] = LinkCheck(
                url=data.get("url", ""),
                ok=bool(data.get("ok")),
                checked_at=data.get("checked_at", ""),
                status_code=data.get("status_code"),
                error=data.get("error"),
            )
        except (ValueError, TypeError):
            continue
    return checks


def _allowed_hosts() -> set[str]:
    return {host.lower() for host in config.quality_allowed_hosts()}


def _guard(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RefusedAddress(tk._("not a web address"))
    host = parts.hostname.lower()
    if host in _allowed_hosts():
        return
    try:
        infos = socket.getaddrinfo(
            host, parts.port or (443 if parts.scheme == "https" else 80), proto=socket.IPPROTO_TCP
        )
    except (socket.gaierror, UnicodeError):
        raise RefusedAddress(tk._("unknown host")) from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if (
            address.is_private
            or address.is_loopback
            or address.is_link_local
            or address.is_reserved
            or address.is_multicast
            or address.is_unspecified
        ):
            raise RefusedAddress(tk._("refused: the host has a private address"))


def check_url(url: str, session: requests.Session | None = None) -> LinkCheck:
    """Request a link the careful way and say whether it works."""
    timeout = float(config.quality_link_timeout())
    session = session or requests.Session()
    now = datetime.datetime.utcnow().isoformat(timespec="seconds")
    current = (url or "").strip()
    try:
        for _ in range(MAX_REDIRECTS + 1):
            _guard(current)
            response = session.head(
                current,
                timeout=(timeout, timeout),
                allow_redirects=False,
                headers={"User-Agent": USER_AGENT},
            )
            if response.status_code in (403, 405, 501):
                response = session.get(
                    current,
                    timeout=(timeout, timeout),
                    allow_redirects=False,
                    stream=True,
                    headers={"User-Agent": USER_AGENT},
                )
                response.close()
            if response.is_redirect and response.headers.get("Location"):
                current = urljoin(current, response.headers["Location"])
                continue
            ok = 200 <= response.status_code < 400
            return LinkCheck(
                url, ok, now, response.status_code, None if ok else f"HTTP {response.status_code}"
            )
        return LinkCheck(url, False, now, None, tk._("too many redirects"))
    except RefusedAddress as error:
        return LinkCheck(url, False, now, None, str(error))
    except requests.RequestException as error:
        return LinkCheck(url, False, now, None, type(error).__name__)


def record(resource_id: str, check: LinkCheck) -> None:
    """Keep a check as the resource's last one (no commit)."""
    task = (
        model.Session.query(model.TaskStatus)
        .filter_by(entity_id=resource_id, task_type=TASK_TYPE, key=TASK_KEY)
        .first()
    )
    if task is None:
        task = model.TaskStatus(
            entity_id=resource_id, entity_type="resource", task_type=TASK_TYPE, key=TASK_KEY
        )
        model.Session.add(task)
    task.value = json.dumps(
        {
            "url": check.url,
            "ok": check.ok,
            "checked_at": check.checked_at,
            "status_code": check.status_code,
            "error": check.error,
        }
    )
    task.state = "done" if check.ok else "error"
    task.error = check.error or ""
    task.last_updated = datetime.datetime.utcnow()


def check_dataset(dataset: dict, session: requests.Session | None = None) -> bool:
    """Check every resource link of a dataset; True when a result changed."""
    resources = [r for r in dataset.get("resources") or [] if r.get("url")]
    before = last_checks(r["id"] for r in resources)
    changed = False
    for resource in resources:
        check = check_url(resource["url"], session)
        previous = before.get(resource["id"])
        if previous is None or previous.ok != check.ok or previous.url != check.url:
            changed = True
        record(resource["id"], check)
    model.Session.commit()
    return changed
