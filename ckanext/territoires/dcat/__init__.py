"""DCAT-AP 3 republishing of the pooled catalogue (with ckanext-dcat).

- ``profile``: the ``territoires_dcat_ap`` RDF profile (territories,
  commune publishers, provenance, EU vocabularies), export and parsing;
- ``places``, ``publishers``, ``provenance``: what it writes and reads
  (the EU vocabularies are ``ckanext.territoires.vocabularies``, which the
  rest of the portal uses too);
- ``catalogue``: the catalogue of one commune or of the intercommunality.
"""
