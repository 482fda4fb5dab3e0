"""Former names of communes: what the current referential no longer says.

A commune nouvelle created without communes déléguées (Évry and
Courcouronnes became Évry-Courcouronnes in 2019) leaves no trace of the old
names in ``@etalab/decoupage-administratif``: only the former codes remain
(``anciensCodes``). People still write "Courcouronnes". This module ships a
compact table of (INSEE code, former name) — ``data/former-names.json.gz``
— that the store indexes as a last-but-one tier of names (see
:mod:`.resolver`), each code standing for the current commune it belongs to
today (:meth:`.store.Referential.current_commune`).

The table is built once from the 2018 commune outlines (IGN ADMIN EXPRESS COG
2018 as republished by france-geojson, whose properties ``code`` and ``nom``
are the INSEE COG 2018 names), keeping only the names the referential does
not know under the same code (as a current commune or a commune
déléguée)::

    python -m ckanext.territoires.referential.history \\
        --source ../shared/data/admin-express-cog-2018

then run ``pytest tests/referential`` and commit the file. The package never
reads the source folder at run time. ``ckan territoires referential update``
adds the names of the communes a newer release merges or renames.

The output is deterministic (sorted rows, gzip timestamp 0).
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections.abc import Iterable, Mapping
from functools import lru_cache
from importlib import resources
from pathlib import Path

from . import normalize

FORMER_NAMES_FILENAME = "former-names.json.gz"
FORMER_NAMES_FORMAT = 1
DATA_DIR = Path(__file__).resolve().parent / "data"
SOURCE_2018 = "IGN ADMIN EXPRESS COG 2018 (INSEE COG 2018 names), via france-geojson"


class HistoryError(Exception):
    """The source folder has no commune outlines."""


def read_2018_names(source: Path) -> dict[str, str]:
    """INSEE code -> name of every commune of the 2018 outlines."""
    files = sorted((source / "communes").glob("communes-*.geojson"))
    if not files:
        raise HistoryError(f"no communes/communes-*.geojson in {source}")
    names: dict[str, str] = {}
    for path in files:
        with path.open(encoding="utf-8") as stream:
            for feature in json.load(stream)["features"]:
                properties = feature["properties"]
                names[properties["code"]] = properties["nom"]
    return names


def unknown_names(names: Mapping[str, str], ref) -> dict[str, str]:
    """The names the referential does not give under the same code.

    Codes that no current commune covers are dropped; so are spellings the
    lenient keys already meet ("Boisse" for "La Boisse").
    """
    kept = {}
    for code, name in names.items():
        if ref.current_commune(code) is None:
            continue
        known = [ref.communes[code].name] if code in ref.communes else []
        if code in ref.deleguees:
            known.append(ref.deleguees[code].name)
        if _keys(name) & {key for known_name in known for key in _keys(known_name)}:
            continue
        kept[code] = name
    return dict(sorted(kept.items()))


def _keys(name: str) -> set[str]:
    key = normalize.name_key(name)
    keys = {normalize.joined_key(key)}
    stripped = normalize.without_article(key)
    if stripped:
        keys.add(normalize.joined_key(stripped))
    return keys


def payload(names: Mapping[str, str], sources: Iterable[str]) -> dict:
    return {
        "format": FORMER_NAMES_FORMAT,
        "sources": sorted(set(sources)),
        "fields": ["code", "nom"],
        "rows": [[code, name] for code, name in sorted(names.items())],
    }


def write(data: dict, output_dir: Path) -> Path:
    output_dir.mkdir(parents=True, exist_ok=True)
    path = output_dir / FORMER_NAMES_FILENAME
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    with (
        path.open("wb") as target,
        gzip.GzipFile(filename="", mode="wb", fileobj=target, compresslevel=9, mtime=0) as stream,
    ):
        stream.write(raw)
    return path


def read(path: Path) -> dict:
    """A former-names file; an empty table when there is none."""
    if not path.is_file():
        return payload({}, [])
    with gzip.open(path, "rb") as stream:
        data = json.loads(stream.read())
    if data.get("format") != FORMER_NAMES_FORMAT:
        raise HistoryError(f"{path}: unknown format {data.get('format')!r}")
    return data


def shipped_path() -> Path:
    return Path(str(resources.files(__package__).joinpath("data", FORMER_NAMES_FILENAME)))


@lru_cache(maxsize=1)
def _shipped() -> dict[str, str]:
    return dict(read(shipped_path())["rows"])


def former_names(directory: Path | None = None) -> dict[str, str]:
    """INSEE code -> former name, from ``directory`` or the shipped file."""
    if directory is None:
        return dict(_shipped())
    return dict(read(Path(directory) / FORMER_NAMES_FILENAME)["rows"])


def main(argv: list[str] | None = None) -> int:
    from .store import get_referential

    parser = argparse.ArgumentParser(
        prog="python -m ckanext.territoires.referential.history",
        description="Build the table of former commune names from the 2018 outlines.",
    )
    parser.add_argument("--source", required=True, type=Path, help="admin-express-cog-2018 folder")
    parser.add_argument("--output-dir", type=Path, default=DATA_DIR)
    args = parser.parse_args(argv)
    try:
        names = unknown_names(read_2018_names(args.source), get_referential())
    except HistoryError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    path = write(payload(names, [SOURCE_2018]), args.output_dir)
    print(f"{len(names)} former names; wrote {path} ({path.stat().st_size / 1024:.0f} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
