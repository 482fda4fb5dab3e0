"""``ckan territoires geometry import FILE`` with a small GeoJSON in IGN's layout."""

from __future__ import annotations

import json

import pytest
import shapely
from ckan.cli.cli import ckan as ckan_command
from ckan.tests.helpers import CKANCliRunner

from ckanext.territoires.geography.outlines import Outlines


def square(west: float, south: float, size: float = 0.02) -> dict:
    east, north = west + size, south + size
    return {
        "type": "Polygon",
        "coordinates": [
            [[west, south], [east, south], [east, north], [west, north], [west, south]]
        ],
    }


def commune(code: str, geometry: dict) -> dict:
    # the properties of ADMIN EXPRESS COG CARTO's COMMUNE layer
    return {
        "type": "Feature",
        "properties": {
            "ID": "COMMUNE_0000000009754033",
            "NOM": code,
            "INSEE_COM": code,
            "INSEE_DEP": "69",
        },
        "geometry": geometry,
    }


@pytest.fixture
def cli(ckan_config):
    return CKANCliRunner(mix_stderr=False, env={"CKAN_INI": ckan_config["__file__"]})


@pytest.fixture
def ign_file(tmp_path):
    path = tmp_path / "ADMIN-EXPRESS-COG-CARTO_3-2__SHP_WGS84G_FRA_2025-02-17_COMMUNE.geojson"
    features = [
        commune("69081", square(4.75, 45.77)),  # Écully
        commune("69149", square(4.80, 45.70)),  # Oullins ...
        commune("69152", square(4.82, 45.70)),  # ... and Pierre-Bénite, one commune since 2024
        commune("69999", square(4.90, 45.70)),  # no such commune
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def run(cli, *args):
    return cli.invoke(ckan_command, ["territoires", "geometry", "import", *map(str, args)])


def test_import_reports_what_changed_and_writes_the_outlines(cli, ign_file, tmp_path):
    out = tmp_path / "outlines"
    result = run(cli, ign_file, "--output-dir", out, "--force")
    assert result.exit_code == 0, result.stderr
    assert "IGN — ADMIN EXPRESS COG CARTO 2025" in result.stdout
    assert "outlines that changed: 2" in result.stdout  # Écully and Oullins-Pierre-Bénite
    assert "communes that lose their outline: " in result.stdout
    assert "69999" in result.stdout  # not a current commune: listed
    outlines = Outlines(out)
    assert outlines.attribution == "IGN — ADMIN EXPRESS COG CARTO 2025"
    assert outlines.commune("69149").equals(shapely.box(4.80, 45.70, 4.84, 45.72))
    assert outlines.commune("69123") is None and "69123" in outlines.missing


def test_a_partial_file_is_refused_without_force(cli, ign_file, tmp_path):
    out = tmp_path / "outlines"
    result = run(cli, ign_file, "--output-dir", out)
    assert result.exit_code == 1
    assert "Nothing was written" in result.stderr
    assert not out.exists()


def test_dry_run_writes_nothing(cli, ign_file, tmp_path):
    out = tmp_path / "outlines"
    result = run(cli, ign_file, "--output-dir", out, "--dry-run", "--force")
    assert result.exit_code == 0, result.stderr
    assert "Dry run" in result.stdout and not out.exists()


def test_projected_coordinates_are_refused_with_the_way_out(cli, tmp_path):
    path = tmp_path / "lambert93.geojson"
    collection = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::2154"}},
        "features": [commune("69081", square(842000, 6519000, 1000))],
    }
    path.write_text(json.dumps(collection))
    result = run(cli, path, "--output-dir", tmp_path / "out")
    assert result.exit_code == 1
    assert "EPSG:4326" in result.stderr
