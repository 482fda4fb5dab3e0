"""Geography: outlines of the communes, EPCI, départements and régions.

Shipped in ``data/`` (IGN ADMIN EXPRESS COG 2018, Licence Ouverte, about
3.5 MB: one gzipped file per département), loaded per département on first
use. Modules:

- ``outlines``: the outlines in memory and what the maps and the coverage
  ask of them (:func:`get_outlines`, :class:`Outlines`, :class:`ScopeIndex`);
- ``topology``: shared borders stored once (arcs on an integer grid);
- ``build``: regenerates ``data/`` from the shared 2018 files;
- ``fileformat``: the layout of an outline folder.
"""

from .outlines import (
    Outlines,
    OutlinesError,
    Overlaps,
    ScopeIndex,
    Share,
    get_outlines,
)

#: To show with every map drawn from the shipped outlines (the loaded
#: outlines carry their own: ``get_outlines().attribution``).
ATTRIBUTION = "IGN — ADMIN EXPRESS COG 2018"

__all__ = [
    "ATTRIBUTION",
    "Outlines",
    "OutlinesError",
    "Overlaps",
    "ScopeIndex",
    "Share",
    "get_outlines",
]
