"""What a newer ``@etalab/decoupage-administratif`` release changes.

``ckan territoires referential update PATH`` (see :mod:`.cli`) reads the
release's data folder with :func:`read_release`, compares it with the
referential in use with :func:`compare` and, when asked, writes it with
:func:`install` where the portal reads it
(``ckanext.territoires.referential.directory``). Pure Python: the effects
on groups and datasets are the command's business.

A change is described by the current communes before and after:

- merge: communes of the old release that are now part of another commune
  (commune nouvelle: their code is a former code or a commune déléguée of
  it), grouped by the commune they joined;
- code change: a commune whose only old code now belongs to a commune of a
  new code (a commune moving to another département, a commune nouvelle
  taking a new code for one old commune);
- rename: the same code with another name;
- creation: a new code that takes over no old commune (a commune
  re-established); removal: an old code that no current commune covers;
- EPCI: created, dissolved, renamed, and communes moving between EPCI.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from . import build, history
from .errors import N_, Text
from .fileformat import DATA_FILENAME
from .store import Referential


class RefreshError(Exception):
    """The folder is not a usable release; ``text`` says why (translatable)."""

    def __init__(self, text: Text):
        self.text = text
        super().__init__(text.render())


@dataclass(frozen=True, slots=True)
class Merge:
    into: str  # INSEE code of the current commune
    into_name: str
    codes: tuple[str, ...]  # the old current communes merged into it
    names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Rename:
    code: str
    old_name: str
    new_name: str


@dataclass(frozen=True, slots=True)
class CodeChange:
    old_code: str
    new_code: str
    old_name: str
    new_name: str


@dataclass(frozen=True, slots=True)
class EpciChange:
    siren: str
    kind: str  # created, dissolved, renamed, members
    old_name: str | None
    new_name: str | None
    joined: tuple[str, ...] = ()
    left: tuple[str, ...] = ()


@dataclass
class Changes:
    """What the new release changes, commune by commune."""

    old_version: str
    new_version: str
    merges: list[Merge] = field(default_factory=list)
    code_changes: list[CodeChange] = field(default_factory=list)
    renames: list[Rename] = field(default_factory=list)
    created: list[tuple[str, str]] = field(default_factory=list)
    removed: list[tuple[str, str]] = field(default_factory=list)
    epcis: list[EpciChange] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(
            self.merges
            or self.code_changes
            or self.renames
            or self.created
            or self.removed
            or self.epcis
        )

    def old_codes_gone(self) -> dict[str, str]:
        """Old current codes that are no longer current -> their successor."""
        gone = {code: merge.into for merge in self.merges for code in merge.codes}
        gone.update({change.old_code: change.new_code for change in self.code_changes})
        return gone

    def touches(self, codes: Iterable[str]) -> Changes:
        """The changes that concern these communes (old or new codes)."""
        codes = set(codes)
        return Changes(
            self.old_version,
            self.new_version,
            [m for m in self.merges if codes & {m.into, *m.codes}],
            [c for c in self.code_changes if codes & {c.old_code, c.new_code}],
            [r for r in self.renames if r.code in codes],
            [c for c in self.created if c[0] in codes],
            [c for c in self.removed if c[0] in codes],
            [e for e in self.epcis if codes & {*e.joined, *e.left} or e.kind != "members"],
        )


def read_release(path: str | Path, former_names: dict[str, str] | None = None) -> Referential:
    """The referential of a release's data folder (communes.json, epci.json,
    departements.json, regions.json); :class:`RefreshError` if unusable."""
    source = Path(path)
    if not source.is_dir():
        raise RefreshError(
            Text(
                N_("%(path)s is not a folder: give the data folder of the release."), {"path": path}
            )
        )
    try:
        tables = build.read_source(source)
        version = build.detect_version(source) or "?"
        payload = build.compact(tables, version, _copyright(source))
        return Referential(payload, former_names)
    except build.BuildError as error:
        raise RefreshError(
            Text(
                N_("%(path)s is not a usable release: %(reason)s"),
                {"path": path, "reason": str(error)},
            )
        ) from error
    except (ValueError, KeyError, TypeError) as error:  # bad JSON, missing fields
        raise RefreshError(
            Text(
                N_("%(path)s is not a usable release: unreadable data (%(reason)s)."),
                {"path": path, "reason": f"{type(error).__name__}: {error}"},
            )
        ) from error


def _copyright(source: Path) -> str:
    try:
        license_path = build.find_license(source)
    except build.BuildError:
        return "Copyright (c) Etalab"
    return next(
        (
            line.strip()
            for line in license_path.read_text(encoding="utf-8").splitlines()
            if line.strip().lower().startswith("copyright")
        ),
        "Copyright (c) Etalab",
    )


def compare(old: Referential, new: Referential) -> Changes:
    """What ``new`` changes to the communes and EPCI of ``old``."""
    changes = Changes(old.source.get("version", "?"), new.source.get("version", "?"))
    successors: dict[str, list[str]] = {}
    for code, commune in old.communes.items():
        if code in new.communes:
            if new.communes[code].name != commune.name:
                changes.renames.append(Rename(code, commune.name, new.communes[code].name))
            continue
        successor = new.current_commune(code)
        if successor is None:
            changes.removed.append((code, commune.name))
        else:
            successors.setdefault(successor.insee, []).append(code)
    for into, codes in sorted(successors.items()):
        merged = sorted(codes + ([into] if into in old.communes else []))
        if len(merged) == 1:
            changes.code_changes.append(
                CodeChange(codes[0], into, old.communes[codes[0]].name, new.communes[into].name)
            )
        else:
            changes.merges.append(
                Merge(
                    into,
                    new.communes[into].name,
                    tuple(sorted(codes)),
                    tuple(old.communes[c].name for c in sorted(codes)),
                )
            )
    changes.created = [
        (code, commune.name)
        for code, commune in sorted(new.communes.items())
        if code not in old.communes and code not in successors
    ]
    changes.epcis = _epci_changes(old, new)
    return changes


def _epci_changes(old: Referential, new: Referential) -> list[EpciChange]:
    found = []
    for siren in sorted(set(old.epcis) | set(new.epcis)):
        before, after = old.epcis.get(siren), new.epcis.get(siren)
        if before is None and after is not None:
            found.append(EpciChange(siren, "created", None, after.name, joined=after.members))
        elif after is None and before is not None:
            found.append(EpciChange(siren, "dissolved", before.name, None, left=before.members))
        elif before is not None and after is not None:
            if before.name != after.name:
                found.append(EpciChange(siren, "renamed", before.name, after.name))
            # members compared as current communes of the new release
            old_members = {c for code in before.members if (c := _current(new, code))}
            joined = tuple(sorted(set(after.members) - old_members))
            left = tuple(sorted(old_members - set(after.members)))
            if joined or left:
                found.append(EpciChange(siren, "members", before.name, after.name, joined, left))
    return found


def _current(ref: Referential, code: str) -> str | None:
    commune = ref.current_commune(code)
    return commune.insee if commune else None


def former_names_after(old: Referential, changes: Changes) -> dict[str, str]:
    """The former names to keep with the new release: those of ``old`` and
    the names of the communes it merges, renames or re-codes."""
    names = dict(old.former_names)
    for merge in changes.merges:
        names.update(zip(merge.codes, merge.names, strict=True))
    for change in changes.code_changes:
        names[change.old_code] = change.old_name
    for rename in changes.renames:
        names[rename.code] = rename.old_name
    return dict(sorted(names.items()))


def install(
    source: str | Path,
    target: str | Path,
    former_names: dict[str, str],
    population_year: int | None = None,
) -> Path:
    """Write the compact build of the release at ``source`` into ``target``
    (with its LICENSE, ATTRIBUTION.md and the former names); returns the
    referential file written. ``population_year``: the year of the
    release's populations municipales, recorded with it (see
    :mod:`.population`)."""
    source, target = Path(source), Path(target)
    tables = build.read_source(source)
    version = build.detect_version(source) or "?"
    payload = build.compact(tables, version, _copyright(source))
    if population_year:
        payload["source"]["population_year"] = population_year
    staging = target.with_name(target.name + ".new")
    if staging.exists():
        shutil.rmtree(staging)
    license_path = _license_or_none(source)
    staging.mkdir(parents=True)
    if license_path is None:
        license_path = staging / "LICENSE.upstream"
        license_path.write_text("MIT — Copyright (c) Etalab\n", encoding="utf-8")
    build.write(payload, license_path, staging)
    history.write(
        history.payload(former_names, [history.SOURCE_2018, f"{build.UPSTREAM_PACKAGE}"]), staging
    )
    (staging / "SOURCE.json").write_text(
        json.dumps({"source": str(source), "version": version}, ensure_ascii=False),
        encoding="utf-8",
    )
    if target.exists():
        shutil.rmtree(target)
    staging.rename(target)  # the portal never reads a half-written folder
    return target / DATA_FILENAME


def _license_or_none(source: Path) -> Path | None:
    try:
        return build.find_license(source)
    except build.BuildError:
        return None
