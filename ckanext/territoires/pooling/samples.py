"""Fictitious files following the shipped schemas (demo and benchmark)."""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterable

from .registry import SHIPPED_DIR

PARK_NAMES = ("Mairie", "Gare", "Marché", "Centre", "Stade", "Médiathèque", "Église", "Piscine")
DELIBERATIONS = (
    ("8.4", "Aménagement du territoire", "Approbation du plan de stationnement"),
    ("7.1", "Finances locales", "Vote du budget primitif"),
    ("1.1", "Commande publique", "Attribution du marché d'entretien des voiries"),
)


def _columns(schema_id: str) -> list[str]:
    with open(os.path.join(SHIPPED_DIR, schema_id + ".json"), encoding="utf-8") as file:
        return [column["name"] for column in json.load(file)["fields"]]


def _csv(columns: list[str], rows: Iterable[dict[str, object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def siret(insee: str) -> str:
    """A fictitious 14-digit SIRET for a commune."""
    return f"21{insee}0000012".replace("A", "0").replace("B", "0")[:14]


def _park_id(insee: str, number: int) -> str:
    """Unique identifiers: the schema allows 1,000 per code (``69266-P-123``);
    past that, other codes of the same département."""
    if number < 1000:
        return f"{insee}-P-{number:03d}"
    return f"{insee[:2]}{number // 1000 % 1000:03d}-P-{number % 1000:03d}"


def car_park_rows(insee: str, count: int, lon: float = 4.85, lat: float = 45.75):
    for number in range(count):
        yield {
            "id": _park_id(insee, number),
            "nom": f"Parking {PARK_NAMES[number % len(PARK_NAMES)]} {number + 1}",
            "insee": insee,
            "adresse": f"{number + 1} place de la {PARK_NAMES[number % len(PARK_NAMES)]}",
            "type_usagers": "tous",
            "gratuit": "true" if number % 3 == 0 else "false",
            "nb_places": 20 + number % 300,
            "nb_pmr": 2 + number % 10,
            "hauteur_max": "N/A" if number % 2 else "210",
            "num_siret": siret(insee),
            "Xlong": round(lon + (number % 50) * 0.001, 6),
            "Ylat": round(lat + (number % 40) * 0.001, 6),
            "tarif_pmr": "gratuit",
            "tarif_1h": "" if number % 3 == 0 else 1.5,
            "type_ouvrage": "ouvrage" if number % 2 else "enclos_en_surface",
        }


def car_parks(
    insee: str, count: int = 5, invalid: bool = False, *, lon: float = 4.85, lat: float = 45.75
) -> bytes:
    """A car-park file (schema ``stationnement``); ``invalid``: with wrong
    identifiers and an unknown PMR fare, as a careless export would have."""
    rows = list(car_park_rows(insee, count, lon=lon, lat=lat))
    if invalid:
        for row in rows[::2]:
            row["id"] = str(row["id"]).replace(f"{insee}-", "")
            row["tarif_pmr"] = "inconnu"
        rows[-1]["nb_places"] = "beaucoup"
    return _csv(_columns("stationnement"), rows)


def deliberations(name: str, insee: str, year: int = 2026) -> bytes:
    """A council deliberations file (SCDL ``scdl-deliberations``)."""
    rows = [
        {
            "COLL_NOM": name,
            "COLL_SIRET": siret(insee),
            "DELIB_ID": f"DEL-{year}-{number + 1:03d}",
            "DELIB_DATE": f"{year}-0{number + 1}-15",
            "DELIB_MATIERE_CODE": code,
            "DELIB_MATIERE_NOM": theme,
            "DELIB_OBJET": subject,
            "VOTE_EFFECTIF": 33,
            "VOTE_REEL": 30,
            "VOTE_POUR": 25,
            "VOTE_CONTRE": 3,
            "VOTE_ABSTENTION": 2,
        }
        for number, (code, theme, subject) in enumerate(DELIBERATIONS)
    ]
    return _csv(_columns("scdl-deliberations"), rows)
