"""Former names of communes: the table built from the 2018 outlines."""

from __future__ import annotations

import json

import pytest

from ckanext.territoires.referential import history

from .fixtures import ref


def outlines(folder, features):
    (folder / "communes").mkdir(parents=True)
    (folder / "communes" / "communes-91-essonne.geojson").write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {"type": "Feature", "properties": {"code": c, "nom": n}, "geometry": None}
                    for c, n in features
                ],
            }
        ),
        encoding="utf-8",
    )
    return folder


def test_only_names_the_referential_does_not_give(ref, tmp_path):
    source = outlines(
        tmp_path,
        [
            ("91182", "Courcouronnes"),  # merged without commune déléguée: kept
            ("91228", "Évry"),  # the chef-lieu's old name: kept
            ("69081", "Écully"),  # its current name: dropped
            ("01049", "Boisse"),  # "La Boisse" without its article: dropped
            ("69152", "Pierre-Bénite"),  # a commune déléguée's name: dropped
            ("99999", "Atlantis"),  # no current commune: dropped
        ],
    )
    names = history.unknown_names(history.read_2018_names(source), ref)
    assert names == {"91182": "Courcouronnes", "91228": "Évry"}


def test_the_build_is_deterministic(ref, tmp_path):
    source = outlines(tmp_path / "src", [("91182", "Courcouronnes")])
    assert history.main(["--source", str(source), "--output-dir", str(tmp_path / "a")]) == 0
    assert history.main(["--source", str(source), "--output-dir", str(tmp_path / "b")]) == 0
    first = (tmp_path / "a" / history.FORMER_NAMES_FILENAME).read_bytes()
    assert first == (tmp_path / "b" / history.FORMER_NAMES_FILENAME).read_bytes()
    assert history.former_names(tmp_path / "a") == {"91182": "Courcouronnes"}


def test_a_folder_without_outlines_is_refused(tmp_path):
    with pytest.raises(history.HistoryError):
        history.read_2018_names(tmp_path)
    assert history.main(["--source", str(tmp_path), "--output-dir", str(tmp_path)]) == 1


def test_the_shipped_table(ref):
    names = history.former_names()
    assert 200 < len(names) < 1000
    assert names["91182"] == "Courcouronnes"
    assert ref.former_names == names
