"""Metadata quality of the datasets, per dataset and per commune.

- ``criteria``: the documented criteria and the score (pure);
- ``links``: checking resource links, and their last check;
- ``assessment``: a dataset's assessment with the portal's settings;
- ``index``: the score in the search index (facet, per-commune sums);
- ``aggregate``: averages per commune, from one search with the caller's
  permissions;
- ``views``, ``cli``: the dashboard page and ``ckan territoires quality``.
"""
