"""PostgreSQL full-text search backend standing in for Solr.

CKAN keeps building its index documents, permission labels and
``before_dataset_index`` hooks exactly as it does for Solr; only the
connection object behind ``ckan.lib.search.common.make_connection`` changes,
so switching to Solr is a configuration change.
"""
