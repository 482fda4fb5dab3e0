"""Harvesting the communes' catalogues (plugin ``territoires_harvest`` and
one harvester plugin per source kind, in :mod:`.kinds`)."""
