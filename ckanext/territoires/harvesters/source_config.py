"""Configuration of a harvest source (the JSON of its "Configuration" box).

Options every source kind accepts:

- ``pin``: a commune (name, INSEE code...) or ``"*"`` for the whole
  territory, or a list of them: the coverage of every dataset of the
  source, whatever its metadata says;
- ``grace_days``: days a dataset missing at the source stays published
  before it is archived (default ``ckanext.territoires.harvest.grace_days``);
- ``max_pages``: most pages read (default
  ``ckanext.territoires.harvest.max_pages``);
- ``page_size``: records asked per page (the source kind has a default);
- ``take_over``: ``true`` for a source that takes a record already
  harvested by another source (the same identifier or URI at the source):
  the dataset is updated from this source and becomes its (reported on
  the job). Without it, the first source keeps the record and this one
  reports it. A source that takes over never takes from another source
  that takes over (the one holding the record keeps it).

Each source kind adds its own (filters...). Unknown options are refused,
so that a typo does not silently harvest everything.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.territoires.referential import PlaceError

from . import config
from .territorialise import problem_for, resolve_pin

Validator = Callable[[Any], Any]


class SourceConfigError(ValueError):
    """An invalid source configuration; the message names the option."""


def _int_between(low: int, high: int) -> Validator:
    def check(value):
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or int(value) != value
            or not low <= value <= high
        ):
            raise ValueError(
                tk._("must be a whole number from %(low)s to %(high)s") % {"low": low, "high": high}
            )
        return int(value)

    return check


def text(value) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(tk._("must be a non-empty text"))
    return value.strip()


def text_list(value) -> list[str]:
    values = [value] if isinstance(value, str) else value
    if (
        not isinstance(values, list)
        or not values
        or not all(isinstance(item, str) and item.strip() for item in values)
    ):
        raise ValueError(tk._("must be a text or a list of texts"))
    return [item.strip() for item in values]


def _pin(value) -> list[str]:
    return text_list(value)


def _boolean(value) -> bool:
    if not isinstance(value, bool):
        raise ValueError(tk._("must be true or false"))
    return value


#: Set by a sysadmin only (checked when the source is saved): datasets whose
#: publisher is a commune go into that commune's organisation even when the
#: source's creator may not publish there.
PUBLISH_FOR_COMMUNES = "publish_for_communes"
#: A record already harvested by another source is taken over (see above).
TAKE_OVER = "take_over"

COMMON: dict[str, Validator] = {
    "pin": _pin,
    PUBLISH_FOR_COMMUNES: _boolean,
    TAKE_OVER: _boolean,
    "grace_days": _int_between(0, 3650),
    "max_pages": _int_between(1, 100000),
    "page_size": _int_between(1, 1000),
}


@dataclass
class SourceConfig:
    options: dict[str, Any] = field(default_factory=dict)
    #: INSEE codes of the pin, resolved.
    pin_codes: list[str] | None = None

    def get(self, key: str, default: Any = None) -> Any:
        return self.options.get(key, default)

    @property
    def grace_days(self) -> int:
        return self.options.get("grace_days", config.grace_days())

    @property
    def max_pages(self) -> int:
        return self.options.get("max_pages", config.max_pages())


def parse(raw: str | None, kind_options: dict[str, Validator]) -> SourceConfig:
    """Parse and check ``raw``; :class:`SourceConfigError` names the problem."""
    if raw is None or not str(raw).strip():
        return SourceConfig()
    try:
        options = json.loads(raw)
    except ValueError as error:
        raise SourceConfigError(tk._("The configuration is not valid JSON: %s") % error) from error
    if not isinstance(options, dict):
        raise SourceConfigError(tk._('The configuration must be a JSON object, like {"pin": "*"}.'))
    known = {**COMMON, **kind_options}
    checked: dict[str, Any] = {}
    for key, value in options.items():
        if key not in known:
            raise SourceConfigError(
                tk._('Unknown option "%(key)s" (known options: %(known)s).')
                % {"key": key, "known": ", ".join(sorted(known))}
            )
        try:
            checked[key] = known[key](value)
        except ValueError as error:
            raise SourceConfigError(
                tk._('Option "%(key)s": %(error)s.') % {"key": key, "error": error}
            ) from error
    parsed = SourceConfig(checked)
    if "pin" in checked:
        codes: set[str] = set()
        for value in checked["pin"]:
            try:
                codes.update(resolve_pin(value))
            except PlaceError as error:
                raise SourceConfigError(
                    tk._('Option "pin": %s') % problem_for(value, error).render(_request_locale())
                ) from error
        parsed.pin_codes = sorted(codes)
    return parsed


def _request_locale() -> str | None:
    try:
        return str(tk.h.lang()) if tk.request else None
    except Exception:  # outside a request (workers, CLI)
        return None


def dump(source: SourceConfig) -> str:
    return json.dumps(source.options, ensure_ascii=False, sort_keys=True) if source.options else ""
