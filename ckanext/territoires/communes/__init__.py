"""The territory in CKAN: commune and intercommunality groups (``groups``),
their loading from the referential (``load``) and the automatic dataset
memberships (``membership``)."""
