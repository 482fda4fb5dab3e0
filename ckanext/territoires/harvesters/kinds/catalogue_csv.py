"""Source kind: a simplified catalogue, one CSV file.

A commune without a portal keeps the list of its datasets as one CSV
following the "Catalogue simplifié" schema of the SCDL (``COLL_NOM``,
``ID``, ``TITRE``, ``DESCRIPTION``, ``MOTS_CLES``, ``URL``…) or Etalab's
"Catalogue de données" (``titre``, ``description``, ``mots_cles``,
``url``…); both are offered by the pooled data (``scdl-catalogue``,
``catalogue-donnees``). Each row is one dataset, whole (no fetch stage),
with one resource: its ``URL``.

Identity: ``ID`` (SCDL), else the row's URL, else its title. Coverage
hints: ``COUV_SPAT_NOM`` / ``couv_geo``, the producer, the keywords.

Source URL: the CSV file (comma or semicolon separated, UTF-8).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from typing import Any

from .. import mapping
from ..base import TerritoiresHarvester
from ..http import HarvestClient, InvalidDocument
from ..messages import N_, Message
from ..records import ItemError, RemoteRecord
from ..source_config import SourceConfig
from ..territorialise import PlaceHints

#: Field of the package -> columns of the two layouts (SCDL first).
COLUMNS = {
    "id": ("ID",),
    "title": ("TITRE", "titre"),
    "notes": ("DESCRIPTION", "description"),
    "keywords": ("MOTS_CLES", "mots_cles"),
    "publisher": ("PRODUCTEUR_NOM", "COLL_NOM", "nom_orga"),
    "spatial": ("COUV_SPAT_NOM", "couv_geo"),
    "frequency": ("FREQ_MAJ", "freq_maj"),
    "licence": ("LICENCE", "licence"),
    "url": ("URL", "url"),
    "formats": ("FORMAT_RESSOURCES", "format"),
    "modified": ("DATE_MAJ", "date_maj"),
}


def _value(row: dict[str, str], field: str) -> str:
    for column in COLUMNS[field]:
        if (row.get(column) or "").strip():
            return row[column].strip()
    return ""


def _split(value: str) -> list[str]:
    return [part.strip() for part in re.split(r"[;,]", value) if part.strip()]


def read_rows(text: str) -> list[dict[str, str]]:
    """The rows of a catalogue CSV; InvalidDocument-worthy ValueError when
    it has no title column."""
    text = text.lstrip("\ufeff")
    header = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=header.count)  # the header's separator
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    if not set(reader.fieldnames or ()) & set(COLUMNS["title"]):
        raise ValueError("no TITRE or titre column")
    return [{key: value or "" for key, value in row.items() if key} for row in reader]


class CatalogueCsvHarvester(TerritoiresHarvester):
    harvester_type = "territoires_catalogue_csv"
    title = N_("Simplified catalogue (CSV)")
    description = N_(
        "The datasets listed in one CSV file following the simplified catalogue "
        "schema (SCDL) or Etalab's data catalogue schema. URL: the CSV file."
    )

    def records(
        self, source, config: SourceConfig, client: HarvestClient
    ) -> Iterator[RemoteRecord | ItemError]:
        fetched = client.get(source.url, accept="text/csv")
        try:
            rows = read_rows(fetched.text())
        except (ValueError, csv.Error) as error:
            raise InvalidDocument(
                N_("%(url)s is not a simplified catalogue CSV: %(error)s"),
                url=source.url,
                error=str(error),
            ) from error
        seen: set[str] = set()
        for number, row in enumerate(rows, 2):
            label = f"{source.url}#{number}"
            identifier = _value(row, "id") or _value(row, "url") or _value(row, "title")
            if not _value(row, "title") or not identifier:
                yield ItemError(label, Message(N_("A row of the catalogue has no title.")))
                continue
            if identifier in seen:
                yield ItemError(
                    label,
                    Message(
                        N_("Two rows of the catalogue have the identifier %(id)s."), id=identifier
                    ),
                )
                continue
            seen.add(identifier)
            yield RemoteRecord(
                identifier=identifier,
                content={"row": row},
                landing_page=_value(row, "url") or None,
                modified=_value(row, "modified") or None,
                source_url=source.url,
            )

    def to_package(
        self, content: dict[str, Any], source, config: SourceConfig
    ) -> tuple[dict[str, Any], PlaceHints]:
        row = content["row"]
        keywords = _split(_value(row, "keywords"))
        url = _value(row, "url")
        formats = _split(_value(row, "formats"))
        package: dict[str, Any] = {
            "title": _value(row, "title"),
            "notes": _value(row, "notes"),
            "tags": keywords,
            "license_id": mapping.license_id(_value(row, "licence")),
            "frequency": mapping.frequency(_value(row, "frequency")),
            "resources": (
                [
                    {
                        "url": url,
                        "name": _value(row, "title"),
                        "format": mapping.resource_format(formats[0] if formats else ""),
                    }
                ]
                if url
                else []
            ),
        }
        publisher = _value(row, "publisher")
        if publisher:
            package["publisher"] = [{"name": publisher}]
        spatial = _value(row, "spatial")
        hints = PlaceHints(
            spatial=[spatial] if spatial else [],
            publishers=[publisher] if publisher else [],
            keywords=keywords,
            title=package["title"],
        )
        return package, hints
