"""Build the commune outlines shipped in ``geography/data/``.

The outlines come from IGN's ADMIN EXPRESS COG (Licence Ouverte / Open
Licence, attribution "IGN — ADMIN EXPRESS COG <edition>"). The shipped ones
are built from the 2018 edition, simplified, as republished per département
by the france-geojson project (``communes/communes-<dep>-<name>.geojson``,
properties ``code`` and ``nom``)::

    python -m ckanext.territoires.geography.build \\
        --source ../shared/data/admin-express-cog-2018

then run ``pytest tests/geography`` and commit ``geography/data/``. The
same steps serve ``ckan territoires geometry import FILE`` (IGN's current
ADMIN EXPRESS COG CARTO, ``COMMUNE`` layer as GeoJSON in WGS 84: property
``INSEE_COM``), see :mod:`.importer`.

Steps:

1. each outline goes to the current commune of its INSEE code in the
   shipped referential: its own code first, else the commune whose former
   codes (``anciensCodes``) or communes déléguées hold it; a commune
   nouvelle is the union of its former communes' outlines;
2. the outlines are put on a grid of 1/10,000 degree and cut into shared
   arcs (:mod:`.topology`), each simplified once (Douglas-Peucker, about
   60 m), so that neighbours still fit together;
3. one file per département (the arcs its communes use), a coarser
   overview of départements and régions for locator maps, and a manifest
   with the bounding boxes of every EPCI, département and région, and the
   communes left without an outline.

The output is deterministic (sorted keys, gzip timestamp 0).
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import shapely

from ckanext.territoires.referential import Referential, get_referential

from . import topology
from .fileformat import (
    ATTRIBUTION_FILE,
    FORMAT_VERSION,
    MANIFEST,
    OVERVIEW,
    OVERVIEW_TOLERANCE,
    SCALE,
    TOLERANCE,
    communes_file,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
SHIPPED_ATTRIBUTION = "IGN — ADMIN EXPRESS COG 2018"
#: Property names of the INSEE code in the files this build reads.
CODE_PROPERTIES = ("code", "INSEE_COM", "insee_com", "insee", "codgeo", "CODGEO", "code_insee")


class BuildError(Exception):
    """The source cannot be read or is not what the build expects."""


@dataclass
class Source:
    """Where the outlines come from, for the manifest and the attribution."""

    attribution: str
    description: str
    licence: str = "Licence Ouverte / Open Licence (Etalab)"


@dataclass
class Assignment:
    #: current commune -> polygons (rings on the grid) of its outline parts
    parts: dict[str, list[topology.Rings]]
    #: source codes that no current commune claims
    unused: list[str]
    #: current communes without any outline
    missing: list[str]


@dataclass
class Built:
    """What :func:`build` computed, ready to write."""

    topo: topology.Topology
    arcs: list[list[topology.Point]]
    repair: set[str]
    missing: list[str]
    unused: list[str]
    areas: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    overview: topology.Topology = field(default_factory=topology.Topology)
    geometries: dict[str, Any] = field(default_factory=dict)


# -- reading ------------------------------------------------------------------


def _code_of(properties: dict[str, Any]) -> str | None:
    for name in CODE_PROPERTIES:
        value = properties.get(name)
        if value:
            return str(value).strip().upper()
    return None


def _check_crs(collection: dict[str, Any], path: Path) -> None:
    name = str(((collection.get("crs") or {}).get("properties") or {}).get("name") or "")
    if name and not any(token in name for token in ("4326", "CRS84")):
        raise BuildError(
            f"{path}: coordinates in {name}; convert to longitude/latitude first "
            f"(ogr2ogr -t_srs EPSG:4326 out.geojson {path.name})"
        )


def read_features(paths: Iterable[Path]) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(INSEE code, GeoJSON geometry)`` of every polygon feature of the files."""
    for path in paths:
        try:
            with path.open(encoding="utf-8") as stream:
                collection = json.load(stream)
        except (OSError, ValueError) as error:
            raise BuildError(f"{path}: not a readable GeoJSON file ({error})") from error
        if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
            raise BuildError(f"{path}: not a GeoJSON FeatureCollection")
        _check_crs(collection, path)
        for feature in collection.get("features") or []:
            geometry = feature.get("geometry") or {}
            code = _code_of(feature.get("properties") or {})
            if code and geometry.get("type") in ("Polygon", "MultiPolygon"):
                yield code, geometry


def _polygons(geometry: dict[str, Any]) -> list[list]:
    coordinates = geometry["coordinates"]
    polygons = [coordinates] if geometry["type"] == "Polygon" else coordinates
    for polygon in polygons:
        for ring in polygon:
            for point in ring:
                if not (-180 <= point[0] <= 180 and -90 <= point[1] <= 90):
                    raise BuildError(
                        f"coordinate {point[:2]} is not a longitude/latitude: "
                        "convert the file to WGS 84 (EPSG:4326) first"
                    )
    return polygons


# -- assigning outlines to current communes -------------------------------------


def _owners(codes: set[str], ref: Referential) -> dict[str, str]:
    """Source code -> current commune: its own code first, then former codes."""
    owners = {code: code for code in codes if code in ref.communes}
    for commune in ref.communes.values():
        for old in commune.old_codes:
            if old in codes:
                owners.setdefault(old, commune.insee)
    for code, deleguee in ref.deleguees.items():
        if code in codes:
            owners.setdefault(code, deleguee.commune)
    return owners


def assign(features: Iterable[tuple[str, dict[str, Any]]], ref: Referential) -> Assignment:
    """The outline parts of each current commune (see the module doc)."""
    source: dict[str, list[list]] = defaultdict(list)
    for code, geometry in features:
        source[code] += _polygons(geometry)
    owners = _owners(set(source), ref)
    parts: dict[str, list[topology.Rings]] = defaultdict(list)
    for code in sorted(owners):
        for polygon in source[code]:
            rings = topology.quantise(polygon, SCALE)
            if rings:
                parts[owners[code]].append(rings)
    return Assignment(
        parts=dict(parts),
        unused=sorted(set(source) - set(owners)),
        missing=sorted(set(ref.communes) - set(parts)),
    )


def _shape(rings: topology.Rings) -> shapely.Polygon:
    return shapely.Polygon(rings[0], rings[1:])


def _as_rings(geometry: Any) -> list[topology.Rings]:
    """Polygons of a shapely geometry on the grid (coordinates already integers)."""
    polygons = []
    for part in getattr(geometry, "geoms", [geometry]):
        if isinstance(part, shapely.Polygon) and not part.is_empty:
            rings = [part.exterior.coords] + [interior.coords for interior in part.interiors]
            quantised = topology.quantise(rings, 1)
            if quantised:
                polygons.append(quantised)
    return polygons


def union(geometries: list[Any]) -> Any:
    """Union of outlines that share their borders (fast), or of any outlines."""
    try:
        return shapely.coverage_union_all(geometries)
    except shapely.errors.GEOSException:  # not edge-matched: the general union
        return shapely.unary_union(geometries)


def dissolve(parts: dict[str, list[topology.Rings]]) -> dict[str, list[topology.Rings]]:
    """One outline per commune: the union of its parts (communes nouvelles)."""
    objects = {}
    for code in sorted(parts):
        polygons = parts[code]
        if len(polygons) > 1:
            polygons = _as_rings(union([shapely.make_valid(_shape(p)) for p in polygons]))
        objects[code] = polygons
    return objects


# -- topology ------------------------------------------------------------------


def _invalid(objects: dict[str, list], arcs: list[list[topology.Point]]) -> set[str]:
    decoded = [np.asarray(arc, dtype=float) for arc in arcs]
    invalid = set()
    for code, polygons in objects.items():
        geometry = topology.geometry(polygons, decoded)
        if geometry is None or not geometry.is_valid:
            invalid.add(code)
    return invalid


def _arcs_of(polygons: list[list[list[int]]]) -> set[int]:
    return {ref if ref >= 0 else ~ref for polygon in polygons for ring in polygon for ref in ring}


def build(objects: dict[str, list[topology.Rings]]) -> tuple[topology.Topology, list, set[str]]:
    """Shared arcs, simplified; communes whose simplified outline is not
    valid get their arcs back unsimplified, and those still not valid (the
    source's own faults) are listed for repair on loading."""
    topo = topology.build(objects)
    arcs = topology.simplify(topo.arcs, TOLERANCE)
    invalid = _invalid(topo.objects, arcs)
    for code in invalid:
        for number in _arcs_of(topo.objects[code]):
            arcs[number] = topo.arcs[number]
    repair = _invalid({code: topo.objects[code] for code in invalid}, arcs)
    return topo, arcs, repair


def geometries(
    topo: topology.Topology, arcs: list[list[topology.Point]], repair: set[str]
) -> dict[str, Any]:
    """Shapely outline of every commune, in grid units."""
    decoded = [np.asarray(arc, dtype=float) for arc in arcs]
    result = {}
    for code, polygons in topo.objects.items():
        geometry = topology.geometry(polygons, decoded)
        if geometry is not None and code in repair:
            geometry = shapely.make_valid(geometry)
        if geometry is not None:
            result[code] = geometry
    return result


def area_outlines(
    shapes: dict[str, Any], ref: Referential
) -> tuple[dict[str, dict[str, list[float]]], dict[str, list[topology.Rings]]]:
    """Bounding boxes (degrees) of every EPCI, département and région, and
    the outlines of départements and régions (grid units, for the overview)."""
    groups = {
        "epci": {siren: epci.members for siren, epci in ref.epcis.items()},
        "departement": ref.communes_by_departement,
        "region": ref.communes_by_region,
    }
    boxes: dict[str, dict[str, list[float]]] = {kind: {} for kind in groups}
    outlines: dict[str, list[topology.Rings]] = {}
    for kind, members_by_code in groups.items():
        for code in sorted(members_by_code):
            members = [shapes[c] for c in members_by_code[code] if c in shapes]
            if not members:
                continue
            bounds = shapely.total_bounds(members)
            boxes[kind][code] = [round(float(value) / SCALE, 4) for value in bounds]
            if kind != "epci":
                outlines[f"{kind}:{code}"] = _as_rings(union(members))
    return boxes, outlines


def build_all(assignment: Assignment, ref: Referential) -> Built:
    topo, arcs, repair = build(dissolve(assignment.parts))
    shapes = geometries(topo, arcs, repair)
    areas, outlines = area_outlines(shapes, ref)
    overview = topology.build(outlines)
    overview.arcs = topology.simplify(overview.arcs, OVERVIEW_TOLERANCE)
    return Built(
        topo=topo,
        arcs=arcs,
        repair=repair,
        missing=assignment.missing,
        unused=assignment.unused,
        areas=areas,
        overview=overview,
        geometries=shapes,
    )


# -- writing -------------------------------------------------------------------


def _write_gzip_json(path: Path, payload: dict[str, Any]) -> None:
    raw = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    # mtime=0 and no file name in the header: same input, same bytes.
    with (
        path.open("wb") as target,
        gzip.GzipFile(filename="", mode="wb", fileobj=target, compresslevel=9, mtime=0) as stream,
    ):
        stream.write(raw.encode("utf-8"))


def _subset(topo: topology.Topology, arcs: list, codes: list[str]) -> dict[str, Any]:
    """The arcs ``codes`` use, renumbered, and their references."""
    used = sorted(set().union(*(_arcs_of(topo.objects[code]) for code in codes)))
    number = {old: new for new, old in enumerate(used)}
    objects = {
        code: [
            [[number[r] if r >= 0 else ~number[~r] for r in ring] for ring in polygon]
            for polygon in topo.objects[code]
        ]
        for code in codes
    }
    return {"arcs": topology.encode_arcs([arcs[old] for old in used]), "objects": objects}


def write(built: Built, ref: Referential, source: Source, output_dir: Path) -> dict[str, Any]:
    """Write the files of an outline folder; returns the manifest."""
    output_dir.mkdir(parents=True, exist_ok=True)
    by_departement: dict[str, list[str]] = defaultdict(list)
    for code in sorted(built.topo.objects):
        by_departement[ref.communes[code].departement].append(code)
    departements = {}
    for departement, codes in sorted(by_departement.items()):
        subset = _subset(built.topo, built.arcs, codes)
        name = communes_file(departement)
        _write_gzip_json(
            output_dir / name,
            {
                "format": FORMAT_VERSION,
                "departement": departement,
                "arcs": subset["arcs"],
                "communes": subset["objects"],
                "repair": sorted(built.repair & set(codes)),
            },
        )
        departements[departement] = {
            "file": name,
            "communes": len(codes),
            "bbox": built.areas["departement"].get(departement),
        }
    for stale in output_dir.glob("communes-*.json.gz"):
        if stale.name not in {entry["file"] for entry in departements.values()}:
            stale.unlink()
    overview = built.overview
    _write_gzip_json(
        output_dir / OVERVIEW,
        {
            "format": FORMAT_VERSION,
            "arcs": topology.encode_arcs(overview.arcs),
            "objects": overview.objects,
        },
    )
    manifest = {
        "format": FORMAT_VERSION,
        "scale": SCALE,
        "attribution": source.attribution,
        "source": {"description": source.description, "licence": source.licence},
        "referential": ref.source.get("version"),
        "departements": departements,
        "areas": built.areas,
        "missing": {code: ref.communes[code].name for code in built.missing},
    }
    (output_dir / MANIFEST).write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
    (output_dir / ATTRIBUTION_FILE).write_text(attribution_text(source), encoding="utf-8")
    return manifest


def attribution_text(source: Source) -> str:
    return f"""# Source of the commune outlines

The files of this folder are derived from {source.description}.
Licence: {source.licence}. Attribution to show with any map drawn from
them: "{source.attribution}".

Communes nouvelles are the union of their former communes' outlines; the
outlines were put on a grid of 1/{SCALE} degree and simplified (about
{TOLERANCE * 10} m) along the borders they share. Current communes without
an outline are listed under "missing" in `{MANIFEST}`.

Regenerate with `python -m ckanext.territoires.geography.build` (see that
module's docstring), or replace with IGN's current ADMIN EXPRESS COG CARTO
through `ckan territoires geometry import FILE`.
"""


def shared_source_files(source: Path) -> list[Path]:
    files = sorted((source / "communes").glob("*.geojson"))
    if not files:
        raise BuildError(
            f"{source}/communes/ holds no .geojson file: --source is the folder of SOURCE.md"
        )
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ckanext.territoires.geography.build",
        description="Build the shipped commune outlines from ADMIN EXPRESS COG 2018 (per département GeoJSON).",
    )
    parser.add_argument(
        "--source", required=True, type=Path, help="folder holding communes/*.geojson"
    )
    parser.add_argument(
        "--output-dir", type=Path, default=DATA_DIR, help="where to write (default: %(default)s)"
    )
    args = parser.parse_args(argv)
    ref = get_referential()
    try:
        assignment = assign(read_features(shared_source_files(args.source)), ref)
    except BuildError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    built = build_all(assignment, ref)
    source = Source(
        attribution=SHIPPED_ATTRIBUTION,
        description="IGN's ADMIN EXPRESS COG, 2018 edition, simplified, as republished per "
        "département by github.com/gregoiredavid/france-geojson",
    )
    write(built, ref, source, args.output_dir)
    print(summary(built, args.output_dir))
    return 0


def summary(built: Built, output_dir: Path) -> str:
    size = sum(path.stat().st_size for path in output_dir.glob("*.gz"))
    points = sum(len(arc) for arc in built.arcs)
    return (
        f"communes with an outline {len(built.topo.objects):>6}\n"
        f"communes without         {len(built.missing):>6}\n"
        f"source codes unused      {len(built.unused):>6}\n"
        f"outlines repaired        {len(built.repair):>6}\n"
        f"arcs {len(built.arcs)}, points {points}\n"
        f"wrote {output_dir} ({size / 1e6:.1f} MB)"
    )


if __name__ == "__main__":
    sys.exit(main())
