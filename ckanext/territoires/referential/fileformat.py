"""Layout of the compact referential file, shared by the build and the store.

``referential.json.gz`` is gzipped UTF-8 JSON::

    {"format": 1,
     "source": {"package", "version", "license", "copyright", "homepage"},
     "tables": {<name>: {"fields": [...], "rows": [[...], ...]}}}

Rows are positional arrays (smaller than objects); readers look positions up
in ``fields``. Field names are the upstream ones. Tables keep: communes
actuelles (``communes``), communes déléguées and associées
(``communes_deleguees``, ``chefLieu`` being the current commune),
arrondissements municipaux, EPCI (``membres`` as sorted INSEE codes),
départements and régions.
"""

from __future__ import annotations

#: Bumped when the layout changes; the store refuses other versions.
FORMAT_VERSION = 1
DATA_FILENAME = "referential.json.gz"

FIELDS = {
    "regions": ["code", "nom"],
    "departements": ["code", "nom", "region"],
    "communes": [
        "code",
        "nom",
        "typeLiaison",
        "departement",
        "region",
        "siren",
        "population",
        "codesPostaux",
        "anciensCodes",
    ],
    "communes_deleguees": ["code", "nom", "type", "chefLieu"],
    "arrondissements_municipaux": ["code", "nom", "commune", "codesPostaux", "population"],
    "epci": ["code", "nom", "type", "populationTotale", "membres"],
}
