"""The shipped referential: its data file, records and indexes."""

from __future__ import annotations

import time
from pathlib import Path

from ckanext.territoires.referential import get_referential, load_referential
from ckanext.territoires.referential.store import shipped_data_path

from .fixtures import lyon, ref

LYON_METROPOLE = "200046977"


def test_data_ships_with_its_licence_and_attribution():
    data_dir = shipped_data_path().parent
    assert shipped_data_path().stat().st_size < 2 * 1024 * 1024
    assert "MIT License" in (data_dir / "LICENSE").read_text(encoding="utf-8")
    assert "Etalab" in (data_dir / "LICENSE").read_text(encoding="utf-8")
    attribution = (data_dir / "ATTRIBUTION.md").read_text(encoding="utf-8")
    assert "@etalab/decoupage-administratif" in attribution and "6.0.0" in attribution


def test_source_is_recorded(ref):
    assert ref.source["package"] == "@etalab/decoupage-administratif"
    assert ref.source["version"] == "6.0.0"
    assert ref.source["license"] == "MIT"


def test_loaded_once_per_process(ref):
    assert get_referential() is ref


def test_counts_match_the_2026_release(ref):
    assert len(ref.communes) == 34969
    assert len(ref.deleguees) == 2105 + 471
    assert len(ref.arrondissements) == 45
    assert len(ref.epcis) == 1255
    assert len(ref.departements) == 109
    assert len(ref.regions) == 26


def test_commune_record(ref):
    lyon = ref.communes["69123"]
    assert lyon.name == "Lyon"
    assert lyon.departement == "69" and lyon.region == "84"
    assert lyon.epci == LYON_METROPOLE
    assert lyon.siren == "216901231"
    assert lyon.population > 500_000
    assert lyon.arrondissements == tuple(f"6938{n}" for n in range(1, 10))
    assert "69001" in lyon.postal_codes


def test_merged_commune_keeps_its_history(ref):
    merged = ref.communes["69149"]
    assert merged.name == "Oullins-Pierre-Bénite"
    assert "69152" in merged.old_codes
    assert {ref.deleguees[code].name for code in merged.deleguees} == {"Oullins", "Pierre-Bénite"}
    assert ref.current_by_old_code["69152"] == "69149"
    assert "69152" not in ref.communes


def test_epci_members_are_current_communes(ref):
    metropole = ref.epcis[LYON_METROPOLE]
    assert metropole.name == "Métropole de Lyon"
    assert metropole.type == "MET69"
    assert len(metropole.members) == 58
    assert all(ref.communes[code].epci == LYON_METROPOLE for code in metropole.members)


def test_lookups(ref):
    assert ref.communes_by_postal_code["69130"] == ("69081",)  # Écully
    assert ref.commune_by_siren["216901231"] == "69123"
    assert ref.arrondissement_by_number[("lyon", 3)] == "69383"
    assert ref.arrondissements["69383"].commune == "69123"
    assert ref.deleguees["69152"].commune == "69149"
    assert len(ref.communes_by_departement["69"]) == len(
        [c for c in ref.communes.values() if c.departement == "69"]
    )
    assert ref.members("epci", LYON_METROPOLE) == ref.epcis[LYON_METROPOLE].members
    assert "69123" in ref.members("region", "84")
    assert ref.members("commune", "69123") == ("69123",)
    assert ref.members("epci", "000000000") == ()


def test_current_commune_of_any_code(ref):
    assert ref.current_commune("69123").insee == "69123"
    assert ref.current_commune("69385").insee == "69123"
    assert ref.current_commune("69152").insee == "69149"
    assert ref.current_commune("99999") is None


def test_deleguee_wins_over_a_stale_old_code(ref):
    # Upstream lists 55273 among the old codes of 55245 too; it is today a
    # commune associée of Nonsard-Lamarche (55386).
    assert ref.deleguees["55273"].commune == "55386"
    assert ref.current_commune("55273").insee == "55386"


def test_describe_commune(ref):
    description = ref.describe_commune("69123")
    assert description["departement"] == {"code": "69", "name": "Rhône"}
    assert description["region"] == {"code": "84", "name": "Auvergne-Rhône-Alpes"}
    assert description["epci"] == {
        "siren": LYON_METROPOLE,
        "name": "Métropole de Lyon",
        "type": "MET69",
    }
    assert [a["insee"] for a in description["arrondissements"]] == [
        f"6938{n}" for n in range(1, 10)
    ]
    assert description["arrondissements"][0]["postal_codes"] == ["69001"]
    oullins = ref.describe_commune("69149")
    assert {"insee": "69152", "name": "Pierre-Bénite", "type": "commune-deleguee"} in oullins[
        "communes_deleguees"
    ]
    assert oullins["old_codes"] == ["69152"]


def test_load_referential_reports_a_missing_file(tmp_path: Path):
    import pytest

    from ckanext.territoires.referential import ReferentialError

    with pytest.raises(ReferentialError, match="missing"):
        load_referential(tmp_path / "nothing.json.gz")
