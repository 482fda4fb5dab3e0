"""Comparing a newer release with the referential in use (pure Python)."""

from __future__ import annotations

import json

import pytest

from ckanext.territoires.referential import history, load_referential, population, refresh

from .fixtures import ref
from .release import merged_and_renamed, shipped_tables, write_release


@pytest.fixture(scope="module")
def tables():
    return shipped_tables()


@pytest.fixture(scope="module")
def release(tmp_path_factory, tables):
    return write_release(tmp_path_factory.mktemp("release"), merged_and_renamed(tables))


@pytest.fixture(scope="module")
def changes(ref, release):
    return refresh.compare(ref, refresh.read_release(release, ref.former_names))


def test_the_same_release_changes_nothing(ref, tmp_path, tables):
    same = refresh.read_release(write_release(tmp_path, tables, "6.0.0"))
    assert not refresh.compare(ref, same)


def test_a_merge(changes):
    assert changes.merges == [
        refresh.Merge("69088", "Fontaines-sur-Saône", ("69087",), ("Fontaines-Saint-Martin",))
    ]
    assert changes.old_codes_gone() == {"69087": "69088"}
    assert (changes.old_version, changes.new_version) == ("6.0.0", "6.1.0")


def test_a_rename(changes):
    assert changes.renames == [refresh.Rename("69081", "Écully", "Écully-les-Vergers")]


def test_epci_membership(changes):
    assert [(e.siren, e.kind, e.left) for e in changes.epcis] == []  # the merged commune stays
    assert changes.code_changes == [] and changes.created == [] and changes.removed == []


def test_changes_of_a_territory(changes):
    assert changes.touches({"69088"}).merges == changes.merges
    assert not changes.touches({"01001"})


def test_a_code_change_and_a_creation(ref, tmp_path, tables):
    communes = []
    for entry in tables["communes"]:
        if entry["code"] == "01001" and entry["type"] == "commune-actuelle":
            entry = {**entry, "code": "01999", "anciensCodes": ["01001"]}
        communes.append(entry)
    communes.append({**communes[0], "code": "01998", "nom": "Nouvelle", "anciensCodes": []})
    epcis = [
        {
            **e,
            "membres": [
                {"code": "01999" if m["code"] == "01001" else m["code"]} for m in e["membres"]
            ],
        }
        for e in tables["epci"]
    ]
    new = refresh.read_release(
        write_release(tmp_path, {**tables, "communes": communes, "epci": epcis})
    )
    changes = refresh.compare(ref, new)
    assert [(c.old_code, c.new_code) for c in changes.code_changes] == [("01001", "01999")]
    assert changes.created == [("01998", "Nouvelle")]


@pytest.mark.parametrize("broken", ["missing", "file", "no_epci", "bad_json", "bad_member"])
def test_a_bad_folder_is_refused_with_a_reason(tmp_path, tables, broken):
    folder = tmp_path / "release"
    if broken == "file":
        folder.write_text("x")
    elif broken != "missing":
        write_release(folder, tables)
        if broken == "no_epci":
            (folder / "epci.json").unlink()
        if broken == "bad_json":
            (folder / "communes.json").write_text("{not json")
        if broken == "bad_member":
            epcis = json.loads((folder / "epci.json").read_text())
            epcis[0]["membres"].append({"code": "00000"})
            (folder / "epci.json").write_text(json.dumps(epcis))
    with pytest.raises(refresh.RefreshError) as raised:
        refresh.read_release(folder)
    assert str(folder) in str(raised.value)


def test_install_writes_what_the_store_reads(ref, release, changes, tmp_path):
    target = tmp_path / "referential"
    written = refresh.install(release, target, refresh.former_names_after(ref, changes))
    new = load_referential(written)
    assert new.source["version"] == "6.1.0"
    assert new.communes["69081"].name == "Écully-les-Vergers"
    # The names the release drops are kept as former names.
    names = history.former_names(target)
    assert names["69081"] == "Écully" and names["91182"] == "Courcouronnes"
    assert new.former_names["69081"] == "Écully"
    # Written again: the folder is replaced whole.
    refresh.install(release, target, {}, population_year=2024)
    assert history.former_names(target) == {}
    again = load_referential(target / "referential.json.gz")
    assert population.population_year(again) == 2024
    assert population.population_year(new) is None  # 6.1.0: not known
