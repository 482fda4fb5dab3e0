"""The source kinds: one harvester per kind of remote catalogue.

Each module holds one :class:`~ckanext.territoires.harvesters.base.TerritoiresHarvester`
subclass (a ckanext-harvest plugin of its own): it lists the remote records
and maps one record to a CKAN dataset; the stages around them (gather,
fetch, import, territorialisation) are the machinery one level up.
"""
