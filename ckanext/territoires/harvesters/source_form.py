"""The harvest source form, checked at save time as a harvest would check it.

ckanext-harvest validates a source with its own schema (the URL is unique,
the type and frequency exist) and the harvester's ``validate_config``; it
accepts a URL that the territoires harvesters then refuse at every run.
``package_create`` and ``package_update`` are chained (see
``logic/action.py``) so that a source of one of our kinds is refused at
once, the reason on its URL field, when:

- the URL is malformed (spaces, no scheme, no host, a bad port);
- its kind refuses it (:meth:`.base.TerritoiresHarvester.url_problem`);
- the HTTP client would refuse it (:func:`.http.check_url`): a scheme
  other than http(s), a host that cannot be found or that is not public
  (the SSRF guard, unless the host is allowed), a local file outside the
  local roots, or one that does not exist.

ckanext-harvest's own messages, in English, are translated here too
(:func:`translate_errors`).
"""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import urlsplit

from ckanext.harvest.queue import get_harvester

from . import config
from .base import TerritoiresHarvester
from .http import check_url, local_path
from .messages import N_, HarvestProblem, Message, request_locale

#: ckanext-harvest's messages (start of the English text) and ours for them.
HARVEST_MESSAGES = (
    (
        "There already is a Harvest Source for this URL",
        N_("Another harvest source already reads this URL with the same configuration."),
    ),
    ("Unknown harvester type", N_("Choose one of the source types offered.")),
    ("Frequency ", N_("Choose one of the update frequencies offered.")),
)
CONFIG_PREFIX = "Error parsing the configuration options: "


def territoires_harvester(source_type: Any) -> TerritoiresHarvester | None:
    """The harvester of ``source_type`` when it is one of ours."""
    harvester = get_harvester(source_type) if isinstance(source_type, str) else None
    return harvester if isinstance(harvester, TerritoiresHarvester) else None


def _malformed(url: str) -> Message | None:
    if any(character.isspace() for character in url):
        return Message(N_("The URL %(url)s contains spaces: copy the address again."), url=url)
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (reading it checks the port)
    except ValueError:
        return Message(N_("%(url)s is not a valid web address."), url=url)
    if not parts.scheme:
        return Message(N_("Give the whole address, starting with https:// (or http://)."))
    if parts.scheme != "file" and not parts.hostname:
        return Message(N_("Refused URL %(url)s: it names no host."), url=url)
    return None


def url_problem(url: str, harvester: TerritoiresHarvester) -> Message | None:
    """Why the harvester would refuse ``url`` (None: it would try to read it)."""
    problem = _malformed(url) or harvester.url_problem(url)
    if problem is not None:
        return problem
    try:
        check_url(url)
        if urlsplit(url).scheme == "file":
            path = local_path(url, config.local_roots())
            if not os.path.isfile(path):
                return Message(N_("There is no file at %(url)s."), url=url)
    except HarvestProblem as refused:
        return refused.message
    return None


def problems(data_dict: dict[str, Any], source_type: str | None = None) -> dict[str, list[str]]:
    """The errors, by field, of a source about to be saved, in the page's
    language; empty when the harvester would accept it. A malformed URL is
    refused whatever the kind of source (ckanext-harvest's own check of the
    URL fails on it with an error page); the rest only for our kinds."""
    url = data_dict.get("url")
    if not isinstance(url, str) or not url.strip():
        return {}  # no URL: ckanext-harvest's schema says it is missing
    harvester = territoires_harvester(data_dict.get("source_type") or source_type)
    if harvester is None:
        problem = _malformed(url.strip())
    else:
        problem = url_problem(url.strip(), harvester)
    return {"url": [problem.render(request_locale())]} if problem else {}


def _translated(message: Any) -> Any:
    if not isinstance(message, str):
        return message
    locale = request_locale()
    if message.startswith(CONFIG_PREFIX):
        return Message(
            N_("Invalid configuration: %(error)s"), error=message[len(CONFIG_PREFIX) :]
        ).render(locale)
    for start, ours in HARVEST_MESSAGES:
        if message.startswith(start):
            return Message(ours).render(locale)
    return message


def translate_errors(errors: dict[str, Any]) -> dict[str, Any]:
    """``errors`` with ckanext-harvest's English messages in the page's language."""
    return {
        field: [_translated(message) for message in messages]
        if isinstance(messages, list)
        else messages
        for field, messages in errors.items()
    }
