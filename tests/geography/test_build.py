"""The build of the shipped outlines, on a miniature source and on the shared data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import shapely

from ckanext.territoires.geography import build
from ckanext.territoires.geography.outlines import SHIPPED_DIR, Outlines
from ckanext.territoires.referential import get_referential

SHARED_SOURCE = Path(__file__).resolve().parents[3] / "shared" / "data" / "admin-express-cog-2018"


def square(west: float, south: float, size: float = 0.01) -> dict:
    east, north = west + size, south + size
    return {
        "type": "Polygon",
        "coordinates": [
            [[west, south], [east, south], [east, north], [west, north], [west, south]]
        ],
    }


def feature(code: str, geometry: dict) -> dict:
    return {"type": "Feature", "properties": {"code": code, "nom": code}, "geometry": geometry}


def write_source(folder: Path, features: list[dict]) -> Path:
    (folder / "communes").mkdir(parents=True)
    path = folder / "communes" / "communes-69-rhone.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return folder


def test_a_commune_nouvelle_is_the_union_of_its_former_communes(tmp_path):
    # Oullins (69149) and Pierre-Bénite (69152) form Oullins-Pierre-Bénite
    # (69149) since 2024; Écully (69081) stands alone.
    source = write_source(
        tmp_path / "source",
        [
            feature("69149", square(4.80, 45.70)),
            feature("69152", square(4.81, 45.70)),
            feature("69081", square(4.75, 45.77)),
            feature("99999", square(1.0, 45.0)),
        ],
    )
    assert build.main(["--source", str(source), "--output-dir", str(tmp_path / "out")]) == 0
    outlines = Outlines(tmp_path / "out")
    merged = outlines.commune("69149")
    assert merged.geom_type == "Polygon"
    assert merged.equals(shapely.box(4.80, 45.70, 4.82, 45.71))
    assert outlines.commune("69081").equals(shapely.box(4.75, 45.77, 4.76, 45.78))
    assert "69123" in outlines.missing  # Lyon: not in this source
    assert outlines.attribution == build.SHIPPED_ATTRIBUTION
    assert outlines.bbox("epci", "200046977") == (4.75, 45.7, 4.82, 45.78)
    assert "IGN" in (tmp_path / "out" / "ATTRIBUTION.md").read_text()


def test_the_build_is_deterministic(tmp_path):
    source = write_source(tmp_path / "source", [feature("69081", square(4.75, 45.77))])
    for name in ("a", "b"):
        assert build.main(["--source", str(source), "--output-dir", str(tmp_path / name)]) == 0
    for path in (tmp_path / "a").iterdir():
        assert path.read_bytes() == (tmp_path / "b" / path.name).read_bytes(), path.name


def test_projected_coordinates_are_refused(tmp_path):
    source = write_source(tmp_path / "source", [feature("69081", square(842000, 6519000, 1000))])
    assert build.main(["--source", str(source), "--output-dir", str(tmp_path / "out")]) == 1


def test_a_source_without_files_is_refused(tmp_path, capsys):
    assert build.main(["--source", str(tmp_path), "--output-dir", str(tmp_path / "out")]) == 1
    assert "communes/" in capsys.readouterr().err


@pytest.mark.skipif(
    not SHARED_SOURCE.is_dir(), reason="shared ADMIN EXPRESS 2018 folder not present"
)
def test_shipped_outlines_match_the_shared_source():
    """The Rhône's shipped outlines are those of the shared 2018 files (up to
    the simplification), communes nouvelles included."""
    ref = get_referential()
    shipped = Outlines(SHIPPED_DIR)
    path = next((SHARED_SOURCE / "communes").glob("communes-69-*.geojson"))
    assignment = build.assign(build.read_features([path]), ref)
    originals = build.dissolve(assignment.parts)
    assert set(originals) == set(shipped.communes(ref.communes_by_departement["69"]))
    overlaps = []
    for code, polygons in originals.items():
        original = shapely.MultiPolygon(
            [shapely.Polygon(rings[0], rings[1:]) for rings in polygons]
        )
        original = shapely.affinity.scale(original, 1e-4, 1e-4, origin=(0, 0))
        outline = shipped.commune(code)
        overlap = (
            shapely.intersection(original, outline).area / shapely.union(original, outline).area
        )
        assert overlap > 0.9, code  # small communes lose most to the ~60 m simplification
        overlaps.append(overlap)
    assert sum(overlaps) / len(overlaps) > 0.98
