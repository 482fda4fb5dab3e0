"""Options of the harvesters, typed.

Declared, with their defaults, in ``config_declaration.yaml`` only; each
reader here returns one option as configured now (read on each call: tests
and ``ckan_config`` change them). The values are normalised by CKAN when the
plugin loads; the casts keep the types right for values set later as text.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass

import ckan.plugins.toolkit as tk

PREFIX = "ckanext.territoires.harvest."
#: The demo catalogue shipped with the package, always readable as file://.
DEMO_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "demo")


def _get(name: str):
    return tk.config.get(PREFIX + name)


def _list(name: str) -> tuple[str, ...]:
    return tuple(tk.aslist(_get(name)))


def allowed_hosts() -> tuple[str, ...]:
    """Non-public hosts, addresses or networks the harvesters may reach."""
    return _list("allowed_hosts")


def generated_demo_dir() -> str:
    """Where the demo catalogue of a territory other than Lyon is written:
    ``territoires/demo`` under ``ckan.storage_path`` (CKAN's temporary
    folder when no storage path is set)."""
    root = tk.config.get("ckan.storage_path") or os.path.join(
        tempfile.gettempdir(), "ckan-territoires"
    )
    return os.path.join(root, "territoires", "demo")


def local_roots() -> tuple[str, ...]:
    """Directories ``file://`` URLs may read: the demo's (shipped and
    generated), then the configured ones."""
    return (DEMO_DIR, generated_demo_dir(), *_list("local_roots"))


def connect_timeout() -> float:
    """Seconds to wait for a connection."""
    return float(_get("connect_timeout"))


def read_timeout() -> float:
    """Seconds to wait for each read."""
    return float(_get("read_timeout"))


def total_timeout() -> float:
    """Seconds after which one download is abandoned."""
    return float(_get("total_timeout"))


def max_bytes() -> int:
    """Largest document read, decompressed, in bytes."""
    return int(_get("max_bytes"))


def retries() -> int:
    """Further attempts after a transient failure."""
    return int(_get("retries"))


def backoff() -> float:
    """Seconds before the first retry (declared in milliseconds)."""
    return int(_get("backoff_ms")) / 1000.0


def max_retry_after() -> float:
    """Longest Retry-After honoured, in seconds."""
    return float(_get("max_retry_after"))


def max_pages() -> int:
    """Most pages read from one source in one harvest (a source may set its own)."""
    return int(_get("max_pages"))


def grace_days() -> int:
    """Days a withdrawn dataset stays published (a source may set its own)."""
    return int(_get("grace_days"))


def stale_minutes() -> int:
    """Minutes without progress after which a running job is taken for dead."""
    return int(_get("stale_minutes"))


@dataclass(frozen=True)
class ClientOptions:
    """What the HTTP client needs, read once per client (a harvest keeps the
    options it started with). No defaults: see :func:`client_options`."""

    allowed_hosts: tuple[str, ...]
    local_roots: tuple[str, ...]
    connect_timeout: float
    read_timeout: float
    total_timeout: float
    max_bytes: int
    retries: int
    backoff: float
    max_retry_after: float


def client_options() -> ClientOptions:
    """The HTTP client's options as configured now."""
    return ClientOptions(
        allowed_hosts=allowed_hosts(),
        local_roots=local_roots(),
        connect_timeout=connect_timeout(),
        read_timeout=read_timeout(),
        total_timeout=total_timeout(),
        max_bytes=max_bytes(),
        retries=retries(),
        backoff=backoff(),
        max_retry_after=max_retry_after(),
    )
