"""What source kinds hand to the shared machinery: records and item errors."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from .messages import Message


@dataclass
class RemoteRecord:
    """One dataset as listed by a source.

    ``identifier`` is its stable identity at the source (the harvest
    object's guid). ``content`` is what the import stage maps to a dataset;
    it is ``None`` when the listing only gave the identifier and
    ``modified`` (the fetch stage then reads the record).
    """

    identifier: str
    content: dict[str, Any] | None
    uri: str | None = None
    landing_page: str | None = None
    modified: str | None = None
    #: Where the record can be read at the source (job reports link to it).
    source_url: str | None = None

    @property
    def needs_fetch(self) -> bool:
        return self.content is None


@dataclass
class ItemError:
    """A listed item that cannot be harvested (malformed, no identifier...)."""

    label: str
    message: Message
    extra: dict[str, str] = field(default_factory=dict)


def digest(content: Any, salt: str = "") -> str:
    """Fingerprint of a record's content: equal content, equal digest."""
    canonical = json.dumps(
        content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    )
    return hashlib.sha1((salt + "\n" + canonical).encode("utf-8")).hexdigest()
