"""Replace the outlines with IGN's current ADMIN EXPRESS COG CARTO.

IGN publishes ADMIN EXPRESS COG CARTO every year (Licence Ouverte): the
outlines of the communes of that year's Code officiel géographique. An
operator with the ``COMMUNE`` layer as GeoJSON in WGS 84 (IGN's "WGS84G"
edition, or ``ogr2ogr -f GeoJSON -t_srs EPSG:4326 commune.geojson
COMMUNE.shp``; property ``INSEE_COM``) runs::

    ckan territoires geometry import commune.geojson

which builds outlines exactly as the shipped ones are built
(:mod:`.build`: communes of the shipped referential, communes nouvelles as
unions, shared arcs, one file per département), writes them to
``ckanext.territoires.geography.directory`` (default:
``<ckan.storage_path>/territoires/outlines``), where the portal reads them
from then on (restart the web workers), and reports what changed against
the outlines in use: communes that gain or lose an outline, outlines that
changed (less than 98 % in common), and the communes still without one.
``--dry-run`` reports without writing. A file that would leave more than
a tenth of the communes that have an outline without one (an extract of a
few départements) is refused unless ``--force`` is given: what is not in
the file is not kept. The attribution shown with the maps becomes
"IGN — ADMIN EXPRESS COG CARTO <edition>".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import shapely

from ckanext.territoires.referential import Referential, get_referential

from . import build
from .fileformat import SCALE
from .outlines import Outlines

#: Below this share in common (intersection over union), an outline "changed".
SAME_OUTLINE = 0.98
#: Above this part of the outlines lost, an import needs ``force``.
MAX_LOSS = 0.1
_EDITION = re.compile(r"(20\d\d)")


@dataclass
class ImportReport:
    """What an import changed, by INSEE code."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: int = 0
    missing: list[str] = field(default_factory=list)
    unused: list[str] = field(default_factory=list)
    attribution: str = ""
    written: Path | None = None
    #: not written: too many outlines would be lost (see ``force``)
    refused: bool = False


def attribution_for(paths: Sequence[Path], edition: str | None) -> str:
    """ "IGN — ADMIN EXPRESS COG CARTO <edition>", the edition given or read
    in the file names (ADMIN-EXPRESS-COG-CARTO_3-2__SHP_WGS84G_FRA_2024-02-22)."""
    if not edition:
        years = [match for path in paths for match in _EDITION.findall(path.name)]
        edition = years[-1] if years else ""
    return ("IGN — ADMIN EXPRESS COG CARTO " + edition).strip()


def compare(
    before: Outlines, after: dict[str, object], ref: Referential
) -> tuple[list[str], list[str], list[str], int]:
    """Communes added, removed, changed and the number unchanged."""
    old_codes = [code for code in ref.communes if code not in before.missing]
    new_codes = set(after)
    added = sorted(new_codes - set(old_codes))
    removed = sorted(set(old_codes) - new_codes)
    common = sorted(new_codes & set(old_codes))
    old = before.communes(common)
    pairs = [code for code in common if code in old]
    if not pairs:
        return added, removed, [], 0
    left = np.array([old[code] for code in pairs], dtype=object)
    right = np.array([after[code] for code in pairs], dtype=object)
    inter = shapely.area(shapely.intersection(left, right))
    union = shapely.area(shapely.union(left, right))
    same = inter >= SAME_OUTLINE * np.maximum(union, 1e-18)
    changed = [code for code, kept in zip(pairs, same, strict=True) if not kept]
    return added, removed, changed, int(same.sum())


def import_outlines(
    paths: Sequence[Path],
    output_dir: Path,
    before: Outlines,
    edition: str | None = None,
    dry_run: bool = False,
    force: bool = False,
) -> ImportReport:
    """Build outlines from IGN GeoJSON files and write them (see the module doc).

    Raises :class:`~.build.BuildError` when a file cannot be used.
    """
    ref = get_referential()
    assignment = build.assign(build.read_features(paths), ref)
    if not assignment.parts:
        raise build.BuildError(
            "no feature with an INSEE code (property INSEE_COM or code) of a current commune"
        )
    built = build.build_all(assignment, ref)
    degrees = {
        code: shapely.affinity.scale(geometry, 1 / SCALE, 1 / SCALE, origin=(0, 0))
        for code, geometry in built.geometries.items()
    }
    added, removed, changed, unchanged = compare(before, degrees, ref)
    report = ImportReport(
        added=added,
        removed=removed,
        changed=changed,
        unchanged=unchanged,
        missing=built.missing,
        unused=built.unused,
        attribution=attribution_for(paths, edition),
    )
    having = len(before.ref.communes) - len(before.missing)
    report.refused = not force and len(removed) > MAX_LOSS * max(having, 1)
    if not dry_run and not report.refused:
        source = build.Source(
            attribution=report.attribution,
            description="IGN's ADMIN EXPRESS COG CARTO (" + ", ".join(p.name for p in paths) + ")",
        )
        build.write(built, ref, source, output_dir)
        report.written = output_dir
    return report
