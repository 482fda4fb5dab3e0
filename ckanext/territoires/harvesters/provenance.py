"""Provenance of harvested datasets: dataset fields and harvest object extras.

Each harvested dataset keeps where it comes from, in fields of the dataset
schema (shown together on the dataset page, kept on form edits, exported in
DCAT by :mod:`.dcat_profile`):

- ``territoires_harvest_source`` / ``_id``: the harvest source (title, id);
- ``territoires_source_url``: the dataset's page at the source;
- ``territoires_source_identifier`` / ``territoires_source_uri``: its
  identity at the source;
- ``territoires_harvested``: when the harvester last wrote it (UTC);
- ``territoires_harvest_status`` and ``territoires_withdrawn_since``:
  ``current``, or ``withdrawn`` (missing at the source, grace period
  running) then ``archived`` (private, never deleted).

Harvest objects carry, in extras, what the next harvest compares against.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

SOURCE_TITLE = "territoires_harvest_source"
SOURCE_ID = "territoires_harvest_source_id"
SOURCE_URL = "territoires_source_url"
SOURCE_IDENTIFIER = "territoires_source_identifier"
SOURCE_URI = "territoires_source_uri"
HARVESTED = "territoires_harvested"
STATUS = "territoires_harvest_status"
WITHDRAWN_SINCE = "territoires_withdrawn_since"
FIELDS = (
    SOURCE_TITLE,
    SOURCE_ID,
    SOURCE_URL,
    SOURCE_IDENTIFIER,
    SOURCE_URI,
    HARVESTED,
    STATUS,
    WITHDRAWN_SINCE,
)

CURRENT = "current"
WITHDRAWN = "withdrawn"
ARCHIVED = "archived"

# Harvest object extras
EXTRA_DIGEST = "territoires_digest"
EXTRA_URI = "territoires_uri"
EXTRA_LANDING = "territoires_landing_page"
EXTRA_MODIFIED = "territoires_modified"
EXTRA_SOURCE_URL = "territoires_source_url"
EXTRA_ACTION = "territoires_action"
EXTRA_PREVIOUS = "territoires_previous_identifier"
ACTION_WITHDRAW = "withdraw"


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def isoformat(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_moment(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def fields_for(
    source, identifier: str, uri: str | None, source_url: str | None, moment: dt.datetime
) -> dict[str, Any]:
    """Provenance fields of a dataset written now from ``source``."""
    return {
        SOURCE_TITLE: source.title or source.url,
        SOURCE_ID: source.id,
        SOURCE_URL: source_url or "",
        SOURCE_IDENTIFIER: identifier,
        SOURCE_URI: uri or "",
        HARVESTED: isoformat(moment),
        STATUS: CURRENT,
        WITHDRAWN_SINCE: "",
    }
