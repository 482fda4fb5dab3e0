"""A release folder of @etalab/decoupage-administratif made from the shipped
referential, to modify in tests (merges, renames) without the network or
../shared: the JSON files hold the fields the build reads."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

from ckanext.territoires.referential.store import shipped_data_path


def _rows(table):
    return [dict(zip(table["fields"], row, strict=True)) for row in table["rows"]]


def shipped_tables() -> dict[str, list[dict]]:
    """The shipped referential as upstream's communes, epci, departements, regions."""
    with gzip.open(shipped_data_path(), "rb") as stream:
        tables = json.loads(stream.read())["tables"]
    communes = [{**row, "type": "commune-actuelle"} for row in _rows(tables["communes"])]
    communes += _rows(tables["communes_deleguees"])
    communes += [
        {**row, "type": "arrondissement-municipal"}
        for row in _rows(tables["arrondissements_municipaux"])
    ]
    epcis = [
        {**row, "membres": [{"code": code} for code in row["membres"]]}
        for row in _rows(tables["epci"])
    ]
    return {
        "communes": communes,
        "epci": epcis,
        "departements": _rows(tables["departements"]),
        "regions": _rows(tables["regions"]),
    }


def write_release(folder: Path, tables: dict[str, list[dict]], version: str = "6.1.0") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        (folder / f"{name}.json").write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    (folder / "package.json").write_text(json.dumps({"version": version}), encoding="utf-8")
    shutil.copyfile(shipped_data_path().with_name("LICENSE"), folder / "LICENSE")
    return folder


def merged_and_renamed(tables: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """Fontaines-Saint-Martin (69087) merged into Fontaines-sur-Saône (69088),
    which becomes a commune nouvelle with a commune déléguée; Écully renamed."""
    communes = []
    for entry in tables["communes"]:
        if entry["code"] == "69087" and entry["type"] == "commune-actuelle":
            communes.append(
                {
                    "code": "69087",
                    "nom": entry["nom"],
                    "type": "commune-deleguee",
                    "chefLieu": "69088",
                }
            )
            continue
        if entry["code"] == "69088" and entry["type"] == "commune-actuelle":
            entry = {**entry, "anciensCodes": ["69087"], "population": entry["population"] + 3098}
        if entry["code"] == "69081" and entry["type"] == "commune-actuelle":
            entry = {**entry, "nom": "Écully-les-Vergers"}
        communes.append(entry)
    epcis = [
        {**epci, "membres": [m for m in epci["membres"] if m["code"] != "69087"]}
        for epci in tables["epci"]
    ]
    return {**tables, "communes": communes, "epci": epcis}
