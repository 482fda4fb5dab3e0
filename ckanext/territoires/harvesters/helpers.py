"""Template helpers of the harvest screens: labels in the page's language in
place of ckanext-harvest's codes (job statuses, frequencies, source types,
the actions of a dry run), and job counts with their plurals."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckanext.harvest.model import UPDATE_FREQUENCIES

from .messages import N_
from .preview import LABELS as PREVIEW_ACTIONS

__all__ = [
    "territoires_harvest_job_counts",
    "territoires_harvest_job_stats",
    "territoires_harvest_label",
    "territoires_harvest_source_types",
    "territoires_harvest_type_label",
]

#: Job statuses of ckanext-harvest.
STATUSES = {"New": N_("Waiting"), "Running": N_("Running"), "Finished": N_("Finished")}
#: ckanext-harvest's frequency labels are its codes in title case (its
#: ``harvest_frequencies`` helper); they are msgids of the catalogue.
FREQUENCIES = {code: code.title() for code in UPDATE_FREQUENCIES}


#: Codes shown as labels, by kind: job statuses (New, Running, Finished),
#: update frequencies (MANUAL, DAILY...), what a dry run would do with a
#: record (create, update...).
LABELS = {"status": STATUSES, "frequency": FREQUENCIES, "preview": PREVIEW_ACTIONS}


def territoires_harvest_label(kind: str, code: str | None) -> str:
    """A code of ckanext-harvest (``kind``: status, frequency or preview) as
    its label in the page's language; an unknown code as it is."""
    labels = LABELS[kind]
    return tk._(labels[code]) if code in labels else (code or "")


def territoires_harvest_type_label(source_type: str | None) -> str:
    """A source type (a harvester's name) as its title in the page's language."""
    for harvester in tk.get_action("harvesters_info_show")({}, {}):
        if harvester.get("name") == source_type:
            return tk._(harvester.get("title") or source_type)
    return source_type or ""


def territoires_harvest_source_types() -> list[dict[str, Any]]:
    """The source types offered by the form (``harvesters_info_show``): this
    plugin's kinds first, a DCAT catalogue (the most common) first of all."""

    def rank(info: dict[str, Any]) -> int:
        name = info.get("name") or ""
        return 0 if name == "territoires_dcat" else 1 if name.startswith("territoires_") else 2

    return sorted(tk.get_action("harvesters_info_show")({}, {}), key=rank)


def territoires_harvest_job_stats(job: dict[str, Any]) -> dict[str, Any]:
    """A job's stats with its ``warnings``: the source's last job as
    ``harvest_source_show`` gives it lacks them, ``harvest_job_show`` adds them."""
    stats = job.get("stats") or {}
    if "warnings" in stats or not job.get("id"):
        return stats
    try:
        return tk.get_action("harvest_job_show")({}, {"id": job["id"]}).get("stats") or stats
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return stats


def territoires_harvest_job_counts(stats: dict[str, Any] | None) -> list[dict[str, Any]]:
    """A finished job's counts, each with its label in the page's language:
    ``kind`` (ckanext-harvest's ``data-diff`` names), ``count``, ``label``
    (``ungettext`` puts the number in its ``%(num)s``)."""
    stats = stats or {}

    def number(key: str) -> int:
        return int(stats.get(key) or 0)

    counts = [
        (
            "error",
            number("errored"),
            tk.ungettext("%(num)s error", "%(num)s errors", number("errored")),
        ),
        (
            "warning",
            number("warnings"),
            tk.ungettext("%(num)s with warnings", "%(num)s with warnings", number("warnings")),
        ),
        (
            "added",
            number("added"),
            tk.ungettext("%(num)s added", "%(num)s added", number("added")),
        ),
        (
            "updated",
            number("updated"),
            tk.ungettext("%(num)s updated", "%(num)s updated", number("updated")),
        ),
        (
            "deleted",
            number("deleted"),
            tk.ungettext("%(num)s archived", "%(num)s archived", number("deleted")),
        ),
        (
            "not modified",
            number("not modified"),
            tk.ungettext("%(num)s unchanged", "%(num)s unchanged", number("not modified")),
        ),
    ]
    return [{"kind": kind, "count": count, "label": label} for kind, count, label in counts]
