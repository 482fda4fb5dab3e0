"""The build command that regenerates ``referential/data/`` from upstream files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ckanext.territoires.referential import load_referential, parse_scope, resolve
from ckanext.territoires.referential.build import main
from ckanext.territoires.referential.fileformat import DATA_FILENAME
from ckanext.territoires.referential.store import shipped_data_path

SHARED_SOURCE = (
    Path(__file__).resolve().parents[3] / "shared" / "data" / "decoupage-administratif-2026"
)

# A miniature release, in the upstream layout (only the fields the build reads).
COMMUNES = [
    {
        "code": "69123",
        "nom": "Lyon",
        "type": "commune-actuelle",
        "departement": "69",
        "region": "84",
        "typeLiaison": 0,
        "siren": "216901231",
        "population": 519127,
        "codesPostaux": ["69001", "69002"],
        "anciensCodes": ["69232"],
    },
    {
        "code": "69381",
        "nom": "Lyon 1er Arrondissement",
        "type": "arrondissement-municipal",
        "commune": "69123",
        "departement": "69",
        "region": "84",
        "codesPostaux": ["69001"],
        "population": 1,
    },
    {
        "code": "69149",
        "nom": "Oullins-Pierre-Bénite",
        "type": "commune-actuelle",
        "departement": "69",
        "region": "84",
        "typeLiaison": 1,
        "siren": "200102747",
        "population": 38168,
        "codesPostaux": ["69310", "69600"],
        "anciensCodes": ["69152"],
    },
    {
        "code": "69152",
        "nom": "Pierre-Bénite",
        "type": "commune-deleguee",
        "chefLieu": "69149",
        "departement": "69",
        "region": "84",
    },
    {
        "code": "01001",
        "nom": "L'Abergement-Clémenciat",
        "type": "commune-actuelle",
        "departement": "01",
        "region": "84",
        "typeLiaison": 5,
        "siren": "210100012",
        "population": 860,
        "codesPostaux": ["01400"],
    },
]
EPCI = [
    {
        "code": "200046977",
        "nom": "Métropole de Lyon",
        "type": "MET69",
        "populationTotale": 1,
        "membres": [{"code": "69149"}, {"code": "69123"}],
    }
]
DEPARTEMENTS = [
    {"code": "69", "nom": "Rhône", "region": "84"},
    {"code": "01", "nom": "Ain", "region": "84"},
]
REGIONS = [{"code": "84", "nom": "Auvergne-Rhône-Alpes"}]


def write_release(root: Path, *, version="9.9.9", with_license=True, epci=EPCI) -> Path:
    """Lay out files as ``npm pack`` + ``tar xzf`` do: package/{package.json,LICENSE,data/}."""
    data = root / "package" / "data"
    data.mkdir(parents=True)
    for name, rows in (
        ("communes", COMMUNES),
        ("epci", epci),
        ("departements", DEPARTEMENTS),
        ("regions", REGIONS),
    ):
        (data / f"{name}.json").write_text(json.dumps(rows), encoding="utf-8")
    if version:
        (root / "package" / "package.json").write_text(
            json.dumps({"version": version}), encoding="utf-8"
        )
    if with_license:
        (root / "package" / "LICENSE").write_text(
            "MIT License\n\nCopyright (c) 2018-2019 Etalab\n", encoding="utf-8"
        )
    return data


def test_build_from_an_npm_package(tmp_path, capsys):
    source = write_release(tmp_path)
    output = tmp_path / "out"
    assert main(["--source", str(source), "--output-dir", str(output)]) == 0
    printed = capsys.readouterr().out
    assert "9.9.9" in printed and "communes actuelles" in printed and "3" in printed

    assert sorted(p.name for p in output.iterdir()) == ["ATTRIBUTION.md", "LICENSE", DATA_FILENAME]
    assert "version 9.9.9" in (output / "ATTRIBUTION.md").read_text(encoding="utf-8")

    built = load_referential(output / DATA_FILENAME)
    assert built.source["version"] == "9.9.9"
    assert built.source["copyright"] == "Copyright (c) 2018-2019 Etalab"
    assert set(built.communes) == {"01001", "69123", "69149"}
    assert built.communes["69149"].epci == "200046977"
    assert built.epcis["200046977"].members == ("69123", "69149")
    # The resolver works on any build, not only the shipped one.
    scope = parse_scope("epci:200046977", built)
    assert [m.insee for m in resolve("Pierre-Bénite", scope, referential=built)] == ["69149"]
    assert [m.insee for m in resolve("69381", scope, referential=built)] == ["69123"]


def test_build_is_deterministic(tmp_path):
    source = write_release(tmp_path)
    main(["--source", str(source), "--output-dir", str(tmp_path / "a")])
    main(["--source", str(source), "--output-dir", str(tmp_path / "b")])
    assert (tmp_path / "a" / DATA_FILENAME).read_bytes() == (
        tmp_path / "b" / DATA_FILENAME
    ).read_bytes()


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"with_license": False}, "no LICENSE"),
        ({"version": None}, "--version"),
        ({"epci": [{**EPCI[0], "membres": [{"code": "69999"}]}]}, "not current communes"),
    ],
)
def test_build_refuses_incomplete_sources(tmp_path, capsys, kwargs, message):
    source = write_release(tmp_path, **kwargs)
    assert main(["--source", str(source), "--output-dir", str(tmp_path / "out")]) == 1
    assert message in capsys.readouterr().err


def test_explicit_version(tmp_path):
    source = write_release(tmp_path, version=None)
    assert (
        main(["--source", str(source), "--output-dir", str(tmp_path / "out"), "--version", "1.2.3"])
        == 0
    )
    assert load_referential(tmp_path / "out" / DATA_FILENAME).source["version"] == "1.2.3"


@pytest.mark.skipif(not SHARED_SOURCE.is_dir(), reason="shared 2026 data folder not present")
def test_shipped_file_is_the_build_of_the_shared_release(tmp_path):
    assert main(["--source", str(SHARED_SOURCE), "--output-dir", str(tmp_path)]) == 0
    assert (tmp_path / DATA_FILENAME).read_bytes() == shipped_data_path().read_bytes()
