"""Options of the harvesters (declared in ``config_declaration.yaml``), typed."""

from __future__ import annotations

import os
from dataclasses import dataclass

import ckan.plugins.toolkit as tk

PREFIX = "ckanext.territoires.harvest."
#: The demo catalogue shipped with the package, always readable as file://.
DEMO_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "demo")


@dataclass(frozen=True)
class Settings:
    allowed_hosts: tuple[str, ...] = ()
    local_roots: tuple[str, ...] = (DEMO_DIR,)
    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    total_timeout: float = 300.0
    max_bytes: int = 50 * 1024 * 1024
    retries: int = 3
    backoff: float = 1.0
    max_retry_after: float = 120.0
    max_pages: int = 1000
    grace_days: int = 7
    stale_minutes: int = 120


def _get(name: str):
    return tk.config.get(PREFIX + name)


def current() -> Settings:
    """The options as configured now (read on each call: tests change them)."""
    return Settings(
        allowed_hosts=tuple(_get("allowed_hosts") or ()),
        local_roots=(DEMO_DIR, *(_get("local_roots") or ())),
        connect_timeout=float(_get("connect_timeout")),
        read_timeout=float(_get("read_timeout")),
        total_timeout=float(_get("total_timeout")),
        max_bytes=int(_get("max_bytes")),
        retries=int(_get("retries")),
        backoff=int(_get("backoff_ms")) / 1000.0,
        max_retry_after=float(_get("max_retry_after")),
        max_pages=int(_get("max_pages")),
        grace_days=int(_get("grace_days")),
        stale_minutes=int(_get("stale_minutes")),
    )
