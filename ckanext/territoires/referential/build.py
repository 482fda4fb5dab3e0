"""Build the compact referential shipped in ``referential/data/``.

The referential comes from the npm package ``@etalab/decoupage-administratif``
(Etalab, MIT licence), which republishes INSEE's Code officiel géographique
with postal codes, populations and EPCI membership. This module keeps only the
fields the extension uses and writes them as one gzipped JSON file
(``referential.json.gz``), next to the upstream ``LICENSE`` and a generated
``ATTRIBUTION.md``.

Refreshing from a newer release (needs ``npm`` on a machine with network
access; nothing here downloads anything)::

    npm pack @etalab/decoupage-administratif@X.Y.Z      # writes etalab-decoupage-administratif-X.Y.Z.tgz
    tar xzf etalab-decoupage-administratif-X.Y.Z.tgz    # unpacks into ./package/
    python -m ckanext.territoires.referential.build --source package/data

then run the referential tests (``pytest tests/referential``) and commit the
three files of ``ckanext/territoires/referential/data/``. The version is read
from ``package/package.json`` (or a ``SOURCE.md`` beside the data, as in the
shared 2026 folder); pass ``--version`` if neither is there. The build checks
the cross-references (EPCI members, communes déléguées, arrondissements) and
prints what it wrote.

The output is deterministic (sorted rows, gzip timestamp 0), so rebuilding
from the same release gives the same bytes.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import shutil
import sys
from collections import Counter
from pathlib import Path

from .fileformat import DATA_FILENAME, FIELDS, FORMAT_VERSION

DATA_DIR = Path(__file__).resolve().parent / "data"
UPSTREAM_PACKAGE = "@etalab/decoupage-administratif"
UPSTREAM_HOMEPAGE = "https://github.com/datagouv/decoupage-administratif"


class BuildError(Exception):
    """The source folder is incomplete or inconsistent."""


def read_source(source: Path) -> dict[str, list[dict]]:
    """Read the four upstream JSON files used by the referential."""
    tables = {}
    for name in ("communes", "epci", "departements", "regions"):
        path = source / f"{name}.json"
        if not path.is_file():
            raise BuildError(f"{path} is missing: --source must be the package's data/ folder")
        with path.open(encoding="utf-8") as stream:
            tables[name] = json.load(stream)
    return tables


def detect_version(source: Path) -> str | None:
    """The upstream release, from package.json (npm pack) or SOURCE.md."""
    for folder in (source, source.parent):
        package_json = folder / "package.json"
        if package_json.is_file():
            with package_json.open(encoding="utf-8") as stream:
                version = json.load(stream).get("version")
            if version:
                return version
    source_md = source / "SOURCE.md"
    if source_md.is_file():
        match = re.search(r"version\s+`?(\d+\.\d+\.\d+)", source_md.read_text(encoding="utf-8"))
        if match:
            return match.group(1)
    return None


def find_license(source: Path) -> Path:
    for folder in (source, source.parent):
        if (folder / "LICENSE").is_file():
            return folder / "LICENSE"
    raise BuildError(
        f"no LICENSE file in {source} or its parent: the MIT notice must ship with the data"
    )


COMMUNE_TYPES = frozenset(
    ("commune-actuelle", "commune-deleguee", "commune-associee", "arrondissement-municipal")
)


def compact(tables: dict[str, list[dict]], version: str, copyright_line: str) -> dict:
    """Select and check the fields kept in the shipped file."""
    by_type = _communes_by_type(tables["communes"])
    actuelles = sorted(by_type["commune-actuelle"], key=lambda entry: entry["code"])
    current_codes = {entry["code"] for entry in actuelles}
    if len(current_codes) != len(actuelles):
        raise BuildError("duplicate INSEE codes among communes actuelles")
    deleguees = by_type.get("commune-deleguee", []) + by_type.get("commune-associee", [])
    rows = {
        "regions": sorted([entry["code"], entry["nom"]] for entry in tables["regions"]),
        "departements": sorted(
            [entry["code"], entry["nom"], entry["region"]] for entry in tables["departements"]
        ),
        "communes": _commune_rows(actuelles, tables),
        "communes_deleguees": _deleguee_rows(deleguees, current_codes),
        "arrondissements_municipaux": _arrondissement_rows(
            by_type.get("arrondissement-municipal", []), current_codes
        ),
        "epci": _epci_rows(tables["epci"], current_codes),
    }
    return {
        "format": FORMAT_VERSION,
        "source": {
            "package": UPSTREAM_PACKAGE,
            "version": version,
            "license": "MIT",
            "copyright": copyright_line,
            "homepage": UPSTREAM_HOMEPAGE,
        },
        "tables": {name: {"fields": FIELDS[name], "rows": rows[name]} for name in rows},
    }


def _communes_by_type(communes: list[dict]) -> dict[str, list[dict]]:
    """Upstream's communes by INSEE type; an unknown type stops the build."""
    by_type: dict[str, list[dict]] = {}
    for entry in communes:
        by_type.setdefault(entry["type"], []).append(entry)
    unexpected = set(by_type) - COMMUNE_TYPES
    if unexpected:
        raise BuildError(f"unknown commune types {sorted(unexpected)}: update the build")
    return by_type


def _commune_rows(actuelles: list[dict], tables: dict[str, list[dict]]) -> list[list]:
    departement_codes = {entry["code"] for entry in tables["departements"]}
    region_codes = {entry["code"] for entry in tables["regions"]}
    rows = []
    for entry in actuelles:
        if entry["departement"] not in departement_codes or entry["region"] not in region_codes:
            raise BuildError(f"commune {entry['code']} refers to an unknown département or région")
        rows.append(
            [
                entry["code"],
                entry["nom"],
                entry.get("typeLiaison", 0),
                entry["departement"],
                entry["region"],
                entry.get("siren"),
                entry.get("population"),
                entry.get("codesPostaux", []),
                entry.get("anciensCodes", []),
            ]
        )
    return rows


def _deleguee_rows(deleguees: list[dict], current_codes: set[str]) -> list[list]:
    rows = []
    for entry in sorted(deleguees, key=lambda entry: (entry["code"], entry["type"])):
        if entry.get("chefLieu") not in current_codes:
            raise BuildError(f"{entry['type']} {entry['code']} has no current chef-lieu")
        rows.append([entry["code"], entry["nom"], entry["type"], entry["chefLieu"]])
    return rows


def _arrondissement_rows(arrondissements: list[dict], current_codes: set[str]) -> list[list]:
    rows = []
    for entry in sorted(arrondissements, key=lambda entry: entry["code"]):
        if entry.get("commune") not in current_codes:
            raise BuildError(f"arrondissement {entry['code']} has no current commune")
        rows.append(
            [
                entry["code"],
                entry["nom"],
                entry["commune"],
                entry.get("codesPostaux", []),
                entry.get("population"),
            ]
        )
    return rows


def _epci_rows(epcis: list[dict], current_codes: set[str]) -> list[list]:
    """EPCI with their members, each a current commune of one EPCI only."""
    rows = []
    seen_members: set[str] = set()
    for entry in sorted(epcis, key=lambda entry: entry["code"]):
        members = sorted(member["code"] for member in entry["membres"])
        missing = [code for code in members if code not in current_codes]
        if missing:
            raise BuildError(
                f"EPCI {entry['code']} has members that are not current communes: {missing}"
            )
        overlap = seen_members.intersection(members)
        if overlap:
            raise BuildError(f"communes {sorted(overlap)} belong to several EPCI")
        seen_members.update(members)
        rows.append(
            [entry["code"], entry["nom"], entry["type"], entry.get("populationTotale"), members]
        )
    return rows


def attribution_text(version: str, copyright_line: str) -> str:
    return f"""# Source of the administrative referential

`{DATA_FILENAME}` is derived from the data files of the npm package
[`{UPSTREAM_PACKAGE}`]({UPSTREAM_HOMEPAGE}), version {version},
published by Etalab under the MIT licence ({copyright_line}; full text in
`LICENSE` beside this file). It keeps a subset of the fields of
`communes.json`, `epci.json`, `departements.json` and `regions.json`
(themselves built from INSEE's Code officiel géographique, La Poste's postal
codes and the DGCL's EPCI list).

Regenerate it with `python -m ckanext.territoires.referential.build --source
<package>/data` (see that module's docstring).

`former-names.json.gz` (names of former communes that the referential no
longer gives, e.g. Courcouronnes) comes from the names of the INSEE COG 2018
carried by IGN's ADMIN EXPRESS COG 2018 (Licence Ouverte / Open Licence,
"IGN — ADMIN EXPRESS COG 2018"), as republished by france-geojson; rebuild it
with `python -m ckanext.territoires.referential.history --source <folder>`.
"""


def write(payload: dict, license_path: Path, output_dir: Path) -> Path:
    output_dir.mkdir(parents=True, exist_ok=True)
    data_path = output_dir / DATA_FILENAME
    raw = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    # mtime=0 and no file name in the header: same input, same bytes.
    with (
        data_path.open("wb") as target,
        gzip.GzipFile(filename="", mode="wb", fileobj=target, compresslevel=9, mtime=0) as stream,
    ):
        stream.write(raw)
    shutil.copyfile(license_path, output_dir / "LICENSE")
    source = payload["source"]
    (output_dir / "ATTRIBUTION.md").write_text(
        attribution_text(source["version"], source["copyright"]), encoding="utf-8"
    )
    return data_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ckanext.territoires.referential.build",
        description="Regenerate the compact referential from @etalab/decoupage-administratif data files.",
    )
    parser.add_argument(
        "--source",
        required=True,
        type=Path,
        help="the package's data/ folder (communes.json, epci.json, ...)",
    )
    parser.add_argument(
        "--output-dir",
        type=Path,
        default=DATA_DIR,
        help=f"where to write {DATA_FILENAME}, LICENSE and ATTRIBUTION.md (default: %(default)s)",
    )
    parser.add_argument(
        "--version",
        dest="release",
        help="upstream release, when package.json/SOURCE.md do not tell it",
    )
    args = parser.parse_args(argv)

    try:
        source = args.source.resolve()
        version = args.release or detect_version(source)
        if not version:
            raise BuildError("cannot tell the upstream version: pass --version X.Y.Z")
        license_path = find_license(source)
        copyright_line = next(
            (
                line.strip()
                for line in license_path.read_text(encoding="utf-8").splitlines()
                if line.strip().lower().startswith("copyright")
            ),
            "Copyright (c) Etalab",
        )
        tables = read_source(source)
        payload = compact(tables, version, copyright_line)
        data_path = write(payload, license_path, args.output_dir)
    except BuildError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1

    counts = Counter(entry["type"] for entry in tables["communes"])
    rows = {name: len(table["rows"]) for name, table in payload["tables"].items()}
    print(f"{UPSTREAM_PACKAGE} {version} from {source}")
    print(f"  communes actuelles        {rows['communes']:>6}")
    print(f"  communes déléguées        {counts['commune-deleguee']:>6}")
    print(f"  communes associées        {counts['commune-associee']:>6}")
    print(f"  arrondissements municipaux{rows['arrondissements_municipaux']:>6}")
    print(f"  EPCI                      {rows['epci']:>6}")
    print(f"  départements              {rows['departements']:>6}")
    print(f"  régions                   {rows['regions']:>6}")
    print(f"wrote {data_path} ({data_path.stat().st_size / 1024:.0f} KiB), LICENSE, ATTRIBUTION.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
