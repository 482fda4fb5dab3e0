"""Compile queries with ckanext.territoires.search.sql and run them on PostgreSQL.

The module creates a scratch database of its own (``territoires_sqltest_<pid>``
on ``TERRITOIRES_SQLTEST_ADMIN_URL``, default
``postgresql://postgres@127.0.0.1:5432/postgres``), applies the search index
migration's ``upgrade()`` through a plain SQLAlchemy connection, fills it with
documents shaped like the ones CKAN indexes, and drops it at the end. It skips
when PostgreSQL is unreachable, and uses no fixture of CKAN's pytest plugin.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Optional

import pytest
import sqlalchemy as sa
from ckan.lib.search.common import SearchError, SearchQueryError
from sqlalchemy.engine import make_url

import ckanext.territoires
from ckanext.territoires.search.documents import filter_values
from ckanext.territoires.search.sql import (
    compile_facets,
    compile_filter,
    compile_search,
    compile_sort,
)

ADMIN_URL = os.environ.get(
    "TERRITOIRES_SQLTEST_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
DB_NAME = "territoires_sqltest_%d" % os.getpid()
VERSIONS = Path(ckanext.territoires.__file__).parent / "migration/territoires_search/versions"
# Every revision, in order (the compiled SQL reads the columns of the last).
MIGRATIONS = [
    VERSIONS / name
    for name in (
        "9a1f0c2d7e31_create_search_index.py",
        "c41f7d2be8a6_add_filters_columns.py",
        "5d2b8e61f0a4_add_extent_column.py",
        "7c3d9e4a1b52_add_facet_tables.py",
        "e5a7c2b9d041_add_visibility_index.py",
        "f3b9d1e7a2c4_add_facet_classes.py",
    )
]
SITE = "default"
NOW = datetime.now(timezone.utc).replace(microsecond=0)
CKAN_MM = "2<-1 5<80%"  # what PackageSearchQuery.run sends with dismax
# The text search configuration the migrations create (and the declared
# default of ckanext.territoires.search.text_search_config).
TEXT_CONFIG = "territoires_fr"


# --------------------------------------------------------------------------
# Documents, shaped like ckan.lib.search.index.PackageSearchIndex builds them
# --------------------------------------------------------------------------


def iso(days_ago: float) -> str:
    return (NOW - timedelta(days=days_ago)).strftime("%Y-%m-%dT%H:%M:%SZ")


def make_doc(name: str, title: str, **extra: Any) -> dict[str, Any]:
    private = extra.pop("private", False)
    site_id = extra.pop("site_id", SITE)
    doc: dict[str, Any] = {
        "id": "id-" + name,
        "name": name,
        "title": title,
        "title_string": title,
        "notes": "",
        "site_id": site_id,
        "state": "active",
        "private": private,
        "capacity": "private" if private else "public",
        "permission_labels": ["public"],
        "metadata_created": iso(500),
        "metadata_modified": iso(10),
        "entity_type": "package",
        "dataset_type": "dataset",
        "type": "dataset",
        "tags": [],
        "groups": [],
        "organization": None,
        "res_format": [],
        "res_name": [],
        "res_description": [],
        "res_url": [],
        "num_resources": 0,
        "num_tags": 0,
        "license_id": "cc-by",
    }
    doc.update(extra)
    doc["num_tags"] = len(doc["tags"])
    doc["index_id"] = hashlib.md5((doc["id"] + site_id).encode()).hexdigest()
    return doc


DOCS = [
    make_doc(
        "velo-lyon",
        "Vélo en libre-service à Lyon",
        notes="Stations de vélos en libre accès",
        tags=["transport", "vélo"],
        groups=["mobilite"],
        organization="metropole-lyon",
        res_format=["CSV", "JSON"],
        res_name=["Stations", "Disponibilités temps réel"],
        res_description=["Liste des stations", ""],
        res_url=["https://data.example.org/velo.csv", "https://data.example.org/velo.json"],
        url="https://data.example.org/velo",
        author="Jean Dupont",
        author_email="jean.dupont@example.org",
        license_id="odc-odbl",
        num_resources=2,
        extras_theme="Mobilité douce",
        vocab_territoire=["Lyon", "Rhône"],
        views_recent=10,
        release_date="2023-05-01T00:00:00Z",
        harvest_source_id="src-1",
        metadata_modified=iso(5),
        metadata_created=iso(400),
    ),
    make_doc(
        "ecully-budget",
        "Budget primitif d'Écully",
        notes="Le budget de la commune d'Écully",
        tags=["economy", "budget"],
        organization="ecully",
        res_format=["CSV", "CSV", "PDF"],
        num_resources=3,
        private=True,
        permission_labels=["member-org-ecully"],
        views_recent=3,
        harvest_source_id="src-1",
        metadata_modified=iso(40),
    ),
    make_doc(
        "air-saint-etienne",
        "Qualité de l'air à Saint-Étienne",
        notes="Mesures horaires",
        tags=["environnement", "air"],
        organization="saint-etienne-metropole",
        res_format=["XLS"],
        num_resources=1,
        extras_theme="Environnement",
        views_recent=7,
        release_date="2022-01-15T00:00:00Z",
        metadata_modified=iso(4000),
    ),
    make_doc(
        "some-public-stuff",
        "Some public stuff",
        notes="Nothing to see",
        tags=["economy"],
        metadata_modified=iso(2),
        # A plugin may index anything: it must not break date ranges.
        release_date="2023-05-01T10x00",
        views_recent="lots",
    ),
    make_doc(
        "rivieres",
        "Rivières et cours d'eau",
        notes="Hydrographie du Rhône",
        tags=["eau"],
        groups=["environnement"],
        organization="metropole-lyon",
        res_format=["GeoJSON"],
        num_resources=1,
        views_recent=0,
    ),
    make_doc(
        "budget-lyon",
        "Budget de Lyon",
        notes="Budget annuel de la ville",
        tags=["economy", "budget"],
        organization="metropole-lyon",
        res_format=["CSV"],
        num_resources=1,
    ),
    make_doc("draft-velo", "Brouillon vélo", state="draft", tags=["vélo"]),
    make_doc("deleted-velo", "Ancien vélo", state="deleted"),
    make_doc("other-site-velo", "Vélo ailleurs", site_id="other-site"),
    make_doc("harvest-lyon", "Moissonnage Lyon", dataset_type="harvest", type="harvest"),
]

DOC_BY_NAME = {doc["name"]: doc for doc in DOCS}
PUBLIC_ACTIVE = {
    "velo-lyon",
    "air-saint-etienne",
    "some-public-stuff",
    "rivieres",
    "budget-lyon",
    "harvest-lyon",
}

# Parts of the weighted tsv, as the migration describes it.
_WEIGHT_B = ("tags", "groups", "organization")
_WEIGHT_C = ("notes", "res_name", "res_description")
_NOT_TEXT = (
    {
        "id",
        "name",
        "title",
        "title_string",
        "site_id",
        "state",
        "capacity",
        "permission_labels",
        "index_id",
        "metadata_created",
        "metadata_modified",
        "entity_type",
        "dataset_type",
        "type",
        "private",
        "num_resources",
        "num_tags",
        "views_recent",
        "harvest_source_id",
    }
    | set(_WEIGHT_B)
    | set(_WEIGHT_C)
)


def _texts(values: list[Any]) -> str:
    out = []
    for value in values:
        if isinstance(value, list):
            out.extend(str(v) for v in value if isinstance(v, str))
        elif isinstance(value, str):
            out.append(value)
    return "\n".join(out)


def insert_docs(connection, docs: list[dict[str, Any]]) -> None:
    statement = sa.text(
        """
        INSERT INTO territoires_search_index (
            index_id, id, site_id, name, state, capacity, permission_labels,
            metadata_created, metadata_modified, title_string, fields,
            filters, filters_partial, data_dict, validated_data_dict, tsv,
            ngram_text)
        VALUES (
            :index_id, :id, :site_id, :name, :state, :capacity,
            CAST(:labels AS text[]),
            CAST(:created AS timestamptz), CAST(:modified AS timestamptz),
            :title_string, CAST(:fields AS jsonb), CAST(:filters AS jsonb),
            CAST(:filters_partial AS text[]), :data_dict, :data_dict,
            setweight(to_tsvector('territoires_fr', :text_a), 'A')
            || setweight(to_tsvector('territoires_fr', :text_b), 'B')
            || setweight(to_tsvector('territoires_fr', :text_c), 'C')
            || setweight(to_tsvector('territoires_fr', :text_d), 'D'),
            lower(unaccent(coalesce(:name, '') || ' ' || coalesce(:title, ''))))
        """
    )
    for doc in docs:
        filters, filters_partial = filter_values(doc)
        connection.execute(
            statement,
            {
                "filters": json.dumps(filters),
                "filters_partial": filters_partial,
                "index_id": doc["index_id"],
                "id": doc["id"],
                "site_id": doc["site_id"],
                "name": doc["name"],
                "state": doc["state"],
                "capacity": doc["capacity"],
                "labels": doc["permission_labels"],
                "created": doc["metadata_created"],
                "modified": doc["metadata_modified"],
                "title_string": doc["title_string"],
                "title": doc["title"],
                "fields": json.dumps(doc),
                "data_dict": json.dumps({"name": doc["name"]}),
                "text_a": _texts([doc["title"], doc["name"]]),
                "text_b": _texts([doc.get(k) for k in _WEIGHT_B]),
                "text_c": _texts([doc.get(k) for k in _WEIGHT_C]),
                "text_d": _texts([v for k, v in doc.items() if k not in _NOT_TEXT]),
            },
        )


def apply_migration(connection) -> None:
    from alembic.migration import MigrationContext
    from alembic.operations import Operations

    with Operations.context(MigrationContext.configure(connection)):
        for path in MIGRATIONS:
            spec = importlib.util.spec_from_file_location("migration_" + path.stem, path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            module.upgrade()


@pytest.fixture(scope="module")
def engine():
    try:
        admin = sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(sa.text('DROP DATABASE IF EXISTS "%s"' % DB_NAME))
            connection.execute(sa.text('CREATE DATABASE "%s"' % DB_NAME))
    except sa.exc.OperationalError as error:
        pytest.skip("PostgreSQL is unreachable at %s: %s" % (ADMIN_URL, error))
    scratch = sa.create_engine(make_url(ADMIN_URL).set(database=DB_NAME))
    try:
        with scratch.begin() as connection:
            apply_migration(connection)
            insert_docs(connection, DOCS)
        yield scratch
    finally:
        scratch.dispose()
        with admin.connect() as connection:
            connection.execute(sa.text('DROP DATABASE IF EXISTS "%s"' % DB_NAME))
        admin.dispose()


# --------------------------------------------------------------------------
# Helpers: what the connection will do with the compiled pieces
# --------------------------------------------------------------------------


def ckan_fq(
    extra: str = "",
    labels: tuple[str, ...] | None = ("public",),
    include_private: bool = False,
    states: tuple[str, ...] = ("active",),
) -> list[str]:
    """The fq list package_search + PackageSearchQuery.run would send."""
    fq = extra
    if not include_private:
        fq = "+capacity:public " + fq
    if "+state" not in fq:
        fq += " +state:({})".format(" OR ".join(states))
    fq_list = [fq, '+site_id:"%s"' % SITE]
    if labels is not None:
        fq_list.append("+permission_labels:(%s)" % " OR ".join('"%s"' % label for label in labels))
    return fq_list


def run(engine, compiled, sort: str | None = "name asc") -> list[str]:
    sql = "SELECT d.name, %s AS score FROM territoires_search_index d WHERE %s ORDER BY %s" % (
        compiled.rank or "0",
        compiled.where,
        compile_sort(sort),
    )
    with engine.connect() as connection:
        return [row[0] for row in connection.execute(sa.text(sql), compiled.params)]


def names(
    engine, q: str | None = "*:*", fq: Any = None, sort: str | None = "name asc", **options: Any
) -> list[str]:
    if fq is None:
        fq = ckan_fq()
    options.setdefault("mm", CKAN_MM)
    return run(engine, compile_search(q, fq, **options, text_config=TEXT_CONFIG), sort)


def found(engine, q: str | None = "*:*", fq: Any = None, **options: Any) -> set[str]:
    return set(names(engine, q, fq, **options))


def filtered(engine, q: str, **options: Any) -> set[str]:
    return set(run(engine, compile_filter(q, **options, text_config=TEXT_CONFIG)))


def facets(engine, q: str = "*:*", fq: Any = None, fields=("tags",), **options: Any):
    if fq is None:
        fq = ckan_fq()
    sql, params = compile_facets(
        compile_search(q, fq, text_config=TEXT_CONFIG), list(fields), **options
    )
    with engine.connect() as connection:
        rows = connection.execute(sa.text(sql), params).fetchall()
    result: dict[str, list[tuple[str, int]]] = {}
    for field, value, count in rows:
        result.setdefault(field, []).append((value, count))
    return result


# --------------------------------------------------------------------------
# Full text (dismax, CKAN's default for q without ":")
# --------------------------------------------------------------------------


class TestFullText:
    @pytest.mark.parametrize("q", ["velo", "vélo", "VÉLO", "vélos"])
    def test_accents_case_and_stemming(self, engine, q):
        assert found(engine, q) == {"velo-lyon"}

    def test_accented_name_of_a_private_dataset(self, engine):
        assert found(engine, "ecully") == set()
        private = ckan_fq(labels=("public", "member-org-ecully"), include_private=True)
        assert found(engine, "ecully", private) == {"ecully-budget"}
        assert found(engine, "Écully", private) == {"ecully-budget"}

    @pytest.mark.parametrize(
        "q",
        ["saint etienne", "saint-etienne", "Saint-Étienne", '"saint etienne"', '"saint-étienne"'],
    )
    def test_compound_place_names(self, engine, q):
        assert found(engine, q) == {"air-saint-etienne"}

    @pytest.mark.parametrize("q", ["rivieres", "rivière", "Rivières"])
    def test_plural_and_accents(self, engine, q):
        assert found(engine, q) == {"rivieres"}

    def test_stop_words_are_ignored_by_mm(self, engine):
        assert found(engine, "le velo") == {"velo-lyon"}
        # Two real words left: mm (2<-1) needs both, stop word or not.
        assert found(engine, "le velo lyon") == {"velo-lyon"}
        assert found(engine, "velo de la lyon") == {"velo-lyon"}
        assert found(engine, "le vélo de la ville de lyon") == {"velo-lyon", "budget-lyon"}

    def test_only_stop_words_match_nothing(self, engine):
        assert found(engine, "le") == set()
        assert found(engine, "de la") == set()

    def test_mm_default_all_of_two(self, engine):
        assert found(engine, "velo budget") == set()
        assert found(engine, "velo lyon") == {"velo-lyon"}

    def test_mm_default_two_of_three(self, engine):
        assert found(engine, "velo lyon budget") == {"velo-lyon", "budget-lyon"}

    def test_mm_explicit(self, engine):
        assert found(engine, "velo budget", mm="1") == {"velo-lyon", "budget-lyon"}
        assert found(engine, "velo budget", mm=None) == set()
        assert found(engine, "velo budget", mm=None, q_op="OR") == {"velo-lyon", "budget-lyon"}
        assert found(engine, "le vélo de la ville de lyon", mm=None) == set()
        assert found(engine, "le vélo de la ville de lyon", mm="-1") == {"velo-lyon", "budget-lyon"}
        assert found(engine, "le vélo de la ville de lyon", mm="100%") == set()
        assert found(engine, "le vélo de la ville de lyon", mm="2") == {"velo-lyon", "budget-lyon"}

    def test_explicit_or(self, engine):
        assert found(engine, "velo OR budget") == {"velo-lyon", "budget-lyon"}

    def test_required_and_prohibited(self, engine):
        assert found(engine, "+budget -ville") == set()
        assert found(engine, "+budget lyon") == {"budget-lyon"}
        assert found(engine, "budget -lyon") == set()
        private = ckan_fq(labels=("member-org-ecully",), include_private=True)
        assert found(engine, "budget -lyon", private) == {"ecully-budget"}
        assert found(engine, "-lyon") == {"air-saint-etienne", "some-public-stuff"}

    def test_phrases(self, engine):
        assert found(engine, '"libre service"') == {"velo-lyon"}
        assert found(engine, '"stations de vélos"') == {"velo-lyon"}
        assert found(engine, '"vélos stations"') == set()

    def test_prefix(self, engine):
        assert found(engine, "riv*") == {"rivieres"}
        assert found(engine, "hydro*") == {"rivieres"}
        assert found(engine, "Rivi*") == {"rivieres"}

    def test_blank_query_is_everything(self, engine):
        assert found(engine, "") == PUBLIC_ACTIVE
        assert found(engine, None) == PUBLIC_ACTIVE
        assert found(engine, '""') == PUBLIC_ACTIVE

    def test_rank_title_before_organization(self, engine):
        ranked = names(engine, "lyon", sort="score desc, metadata_modified desc")
        assert set(ranked) == {"velo-lyon", "budget-lyon", "rivieres", "harvest-lyon"}
        assert ranked[-1] == "rivieres"

    def test_qf(self, engine):
        assert found(engine, "hydrographie", qf="title^2") == set()
        assert found(engine, "hydrographie", qf="notes") == {"rivieres"}
        assert found(engine, "budget", qf="title notes") == {"budget-lyon"}

    def test_special_characters_are_harmless(self, engine):
        assert found(engine, "(velo) [lyon]") == {"velo-lyon"}
        assert found(engine, "velo {!y} c++ a\\b /x/ ~ ^", mm="1") == {"velo-lyon"}


# --------------------------------------------------------------------------
# Lucene q (q with ":")
# --------------------------------------------------------------------------


class TestLucene:
    def test_text_field_and_stop_words(self, engine):
        assert found(engine, "text:velo") == {"velo-lyon"}
        assert found(engine, "text:le AND text:velo") == {"velo-lyon"}
        assert found(engine, "text:le") == set()
        assert found(engine, "text:velo OR text:le") == {"velo-lyon"}

    def test_title_and_notes_are_rechecked(self, engine):
        assert found(engine, "title:budget") == {"budget-lyon"}
        assert found(engine, "notes:annuel") == {"budget-lyon"}
        assert found(engine, "title:hydrographie") == set()
        assert found(engine, "notes:hydrographie") == {"rivieres"}
        assert found(engine, 'title:"libre service"') == {"velo-lyon"}
        assert found(engine, "title:velo -notes:stations") == set()
        assert found(engine, "title:(velo OR rivieres)") == {"velo-lyon", "rivieres"}
        assert found(engine, "title:(budget AND NOT ville)") == {"budget-lyon"}

    def test_other_text_fields(self, engine):
        assert found(engine, "res_name:disponibilites") == {"velo-lyon"}
        assert found(engine, "res_description:liste") == {"velo-lyon"}
        assert found(engine, "author:dupont") == {"velo-lyon"}
        assert found(engine, "extras_theme:mobilite") == {"velo-lyon"}
        assert found(engine, 'extras_theme:"mobilité douce"') == {"velo-lyon"}
        assert found(engine, 'urls:"https://data.example.org/velo"') == {"velo-lyon"}
        # Not in the tsv (Solr copies no e-mail into "text"): recheck only.
        assert found(engine, 'author_email:"jean.dupont@example.org"') == {"velo-lyon"}

    def test_string_fields_are_exact(self, engine):
        assert found(engine, "vocab_territoire:Lyon") == {"velo-lyon"}
        assert found(engine, "vocab_territoire:lyon") == set()
        assert found(engine, "license_id:odc-odbl") == {"velo-lyon"}
        assert found(engine, "organization:metropole-lyon") == {
            "velo-lyon",
            "rivieres",
            "budget-lyon",
        }
        assert found(engine, "groups:mobilite") == {"velo-lyon"}
        assert found(engine, 'tags:"vélo"') == {"velo-lyon"}
        assert found(engine, "res_format:CSV") == {"velo-lyon", "budget-lyon"}
        assert found(engine, "harvest_source_id:src-1") == {"velo-lyon"}
        assert found(engine, "entity_type:package") == PUBLIC_ACTIVE
        assert found(engine, "name:velo-lyon") == {"velo-lyon"}
        assert found(engine, "id:id-rivieres") == {"rivieres"}

    def test_numbers_and_booleans(self, engine):
        assert found(engine, "num_resources:2") == {"velo-lyon"}
        private = ckan_fq(labels=None, include_private=True)
        assert found(engine, "private:true", private) == {"ecully-budget"}
        assert "velo-lyon" in found(engine, "private:false", private)

    def test_numeric_ranges(self, engine):
        assert found(engine, "num_resources:[1 TO 2]") == {
            "velo-lyon",
            "air-saint-etienne",
            "rivieres",
            "budget-lyon",
        }
        assert found(engine, "num_resources:{1 TO 2]") == {"velo-lyon"}
        assert found(engine, "views_recent:[5 TO *]") == {"velo-lyon", "air-saint-etienne"}
        assert found(engine, "views_recent:{0 TO 10}") == {"air-saint-etienne"}
        assert found(engine, "views_recent:[* TO 10}") == {"air-saint-etienne", "rivieres"}

    def test_date_ranges(self, engine):
        assert found(engine, "metadata_modified:[NOW-1YEAR TO NOW]") == PUBLIC_ACTIVE - {
            "air-saint-etienne"
        }
        assert found(engine, "metadata_modified:[NOW/DAY-7DAYS TO *]") == {
            "velo-lyon",
            "some-public-stuff",
        }
        assert found(engine, "metadata_created:[* TO NOW-450DAYS]") == PUBLIC_ACTIVE - {"velo-lyon"}
        assert found(engine, "release_date:[2023-01-01T00:00:00Z TO 2023-12-31T23:59:59Z]") == {
            "velo-lyon"
        }
        assert found(engine, "release_date:[* TO NOW]") == {"velo-lyon", "air-saint-etienne"}
        assert found(engine, "release_date:{2022-01-15T00:00:00Z TO NOW]") == {"velo-lyon"}

    def test_date_terms(self, engine):
        modified = DOCS[0]["metadata_modified"]
        assert found(engine, 'metadata_modified:"%s"' % modified) == {"velo-lyon"}
        assert found(engine, "release_date:2023-05-01T00:00:00Z") == {"velo-lyon"}

    def test_text_ranges(self, engine):
        assert found(engine, "name:[r TO t]") == {"rivieres", "some-public-stuff"}
        assert found(engine, "title_string:{Budget TO Rivières]") == {
            "budget-lyon",
            "harvest-lyon",
            "air-saint-etienne",
        }
        assert found(engine, 'title_string:{Budget TO "Rivières et cours d\'eau"]') == {
            "budget-lyon",
            "harvest-lyon",
            "air-saint-etienne",
            "rivieres",
        }

    def test_exists(self, engine):
        assert found(engine, "extras_theme:*") == {"velo-lyon", "air-saint-etienne"}
        assert found(engine, "organization:[* TO *]") == {
            "velo-lyon",
            "air-saint-etienne",
            "rivieres",
            "budget-lyon",
        }
        assert found(engine, "-organization:*") == {"some-public-stuff", "harvest-lyon"}
        assert found(engine, "views_recent:*") == {
            "velo-lyon",
            "air-saint-etienne",
            "rivieres",
            "some-public-stuff",
        }
        assert found(engine, "name:*") == PUBLIC_ACTIVE

    def test_wildcards(self, engine):
        assert found(engine, "name:velo*") == {"velo-lyon"}
        assert found(engine, "name:*stuff") == {"some-public-stuff"}
        assert found(engine, "tags:env*") == {"air-saint-etienne"}
        assert found(engine, "res_format:?SV") == {"velo-lyon", "budget-lyon"}
        assert found(engine, "title:riv*") == {"rivieres"}
        assert found(engine, "riv*") == {"rivieres"}
        assert found(engine, "title:*tuf*") == {"some-public-stuff"}
        # Like Solr's, wildcards match indexed (stemmed) words.
        assert found(engine, "text:st?tion*") == {"velo-lyon"}
        assert found(engine, "text:st?tions") == set()
        assert found(engine, r"name:velo\-lyon") == {"velo-lyon"}
        assert found(engine, "name:velo_lyon") == set()  # "_" is not a LIKE wildcard here

    def test_boolean_logic(self, engine):
        assert found(engine, "-tags:economy") == PUBLIC_ACTIVE - {
            "budget-lyon",
            "some-public-stuff",
        }
        assert found(engine, "*:* -tags:economy") == PUBLIC_ACTIVE - {
            "budget-lyon",
            "some-public-stuff",
        }
        assert found(engine, "NOT tags:economy AND NOT tags:eau") == {
            "velo-lyon",
            "air-saint-etienne",
            "harvest-lyon",
        }
        assert found(engine, "(tags:economy OR tags:eau) AND -organization:metropole-lyon") == {
            "some-public-stuff"
        }
        assert found(engine, "tags:economy OR NOT organization:*") == {
            "budget-lyon",
            "some-public-stuff",
            "harvest-lyon",
        }
        assert found(engine, "tags:eau OR tags:air AND views_recent:7") == {
            "rivieres",
            "air-saint-etienne",
        }
        assert found(engine, "tags:budget velo", q_op="OR") == {"budget-lyon", "velo-lyon"}
        assert found(engine, "+tags:budget velo", q_op="OR") == {"budget-lyon"}

    def test_ckan_get_index_query(self, engine):
        fq = '+site_id:"%s" +entity_type:package' % SITE
        assert found(engine, 'name:"velo-lyon" OR id:"velo-lyon"', fq) == {"velo-lyon"}
        assert found(engine, 'name:"id-rivieres" OR id:"id-rivieres"', fq) == {"rivieres"}

    def test_autocomplete(self, engine):
        def q(text):
            return " OR ".join(
                '%s:"%s"' % (f, text) for f in ("name_ngram", "title_ngram", "name", "title")
            )

        assert found(engine, q("tuf")) == {"some-public-stuff"}
        assert found(engine, q("war")) == set()
        assert found(engine, q("VÉLO")) == {"velo-lyon"}
        assert found(engine, q("50%")) == set()
        assert found(engine, q("o_l")) == set()
        assert found(engine, "name_ngram:ubl*tuf") == {"some-public-stuff"}

    def test_edismax(self, engine):
        assert found(engine, "title:velo OR rivieres", def_type="edismax") == {
            "velo-lyon",
            "rivieres",
        }
        assert found(engine, "velo budget", def_type="edismax", mm="1") == {
            "velo-lyon",
            "budget-lyon",
        }

    def test_explicit_lucene_def_type_without_colon(self, engine):
        assert found(engine, "velo budget", def_type="lucene") == set()
        assert found(engine, "velo budget", def_type="lucene", q_op="OR") == {
            "velo-lyon",
            "budget-lyon",
        }

    def test_user_values_are_never_sql(self, engine):
        q = 'name:"x\'; DROP TABLE territoires_search_index; --"'
        assert found(engine, q) == set()
        assert found(engine, "x'); DROP TABLE territoires_search_index; --") == set()
        assert found(engine, "*:*") == PUBLIC_ACTIVE


# --------------------------------------------------------------------------
# Filter queries, as CKAN builds them
# --------------------------------------------------------------------------


class TestFilterQueries:
    def test_default_ckan_filters(self, engine):
        assert found(engine, "*:*") == PUBLIC_ACTIVE

    def test_site(self, engine):
        fq = ['+site_id:"other-site"', "+state:active"]
        assert found(engine, "*:*", fq) == {"other-site-velo"}
        assert found(engine, "velo", fq) == {"other-site-velo"}

    def test_states(self, engine):
        drafts = ckan_fq(states=("active", "draft"))
        assert found(engine, "*:*", drafts) == PUBLIC_ACTIVE | {"draft-velo"}
        assert found(engine, "*:*", ckan_fq(extra="+state:deleted")) == {"deleted-velo"}

    def test_permission_labels(self, engine):
        everything = ckan_fq(labels=None, include_private=True)
        assert "ecully-budget" in found(engine, "*:*", everything)
        mine = ckan_fq(labels=("public", "member-org-ecully"), include_private=True)
        assert found(engine, "*:*", mine) == PUBLIC_ACTIVE | {"ecully-budget"}
        only = ckan_fq(labels=("member-org-ecully",), include_private=True)
        assert found(engine, "*:*", only) == {"ecully-budget"}
        nobody = ckan_fq(labels=("creator-nobody",), include_private=True)
        assert found(engine, "*:*", nobody) == set()

    def test_dataset_type(self, engine):
        assert "harvest-lyon" in found(engine, "*:*")
        assert "harvest-lyon" not in found(engine, "*:*", ckan_fq("+dataset_type:dataset"))
        assert found(engine, "*:*", ckan_fq("+dataset_type:harvest")) == {"harvest-lyon"}

    def test_facet_filters(self, engine):
        assert found(engine, "*:*", ckan_fq('tags:"economy" res_format:"CSV"')) == {"budget-lyon"}
        assert found(engine, "*:*", ckan_fq("-organization:metropole-lyon")) == {
            "air-saint-etienne",
            "some-public-stuff",
            "harvest-lyon",
        }
        assert found(engine, "*:*", ckan_fq('groups:"mobilite"')) == {"velo-lyon"}
        assert found(engine, "*:*", ckan_fq('license_id:"odc-odbl"')) == {"velo-lyon"}

    def test_date_filter(self, engine):
        fq = ckan_fq("metadata_modified:[2020-01-01T00:00:00Z TO NOW]")
        assert found(engine, "*:*", fq) == PUBLIC_ACTIVE - {"air-saint-etienne"}

    def test_fq_as_string_and_blank_items(self, engine):
        fq = '+site_id:"%s" +state:active +capacity:public tags:budget' % SITE
        assert found(engine, "*:*", fq) == {"budget-lyon"}
        assert found(engine, "*:*", ["", "  ", '+site_id:"other-site"']) == {"other-site-velo"}

    def test_filters_do_not_rank(self, engine):
        assert (
            compile_search("*:*", ckan_fq("tags:economy text:budget"), text_config=TEXT_CONFIG).rank
            is None
        )
        assert compile_search("velo", ckan_fq(), text_config=TEXT_CONFIG).rank is not None

    def test_delete_package_query(self, engine):
        q = (
            '+entity_type:package AND +(id:"id-velo-lyon" OR name:"id-velo-lyon") AND +site_id:"%s"'
            % SITE
        )
        assert filtered(engine, q) == {"velo-lyon"}
        assert filtered(engine, q, q_op="OR") == {"velo-lyon"}

    def test_harvest_source_clear_query(self, engine):
        q = ' +harvest_source_id:"src-1" +site_id:"%s" ' % SITE
        assert filtered(engine, q, q_op="OR") == {"velo-lyon", "ecully-budget"}

    def test_clear_index_query(self, engine):
        assert filtered(engine, '+site_id:"other-site"') == {"other-site-velo"}

    def test_blank_filter_is_refused(self, engine):
        with pytest.raises(SearchQueryError):
            compile_filter("   ", text_config=TEXT_CONFIG)


# --------------------------------------------------------------------------
# Facets
# --------------------------------------------------------------------------


class TestFacets:
    def test_counts_unlimited(self, engine):
        result = facets(engine, fields=("tags", "res_format", "organization"), limit=-1)
        assert result["tags"] == [
            ("economy", 2),
            ("budget", 1),
            ("eau", 1),
            ("environnement", 1),
            ("air", 1),
            ("transport", 1),
            ("vélo", 1),
        ] or result["tags"][0] == ("economy", 2)
        assert result["tags"] == sorted(result["tags"], key=lambda vc: (-vc[1], vc[0].encode()))
        assert dict(result["tags"]) == {
            "economy": 2,
            "budget": 1,
            "eau": 1,
            "environnement": 1,
            "air": 1,
            "transport": 1,
            "vélo": 1,
        }
        assert result["res_format"] == [("CSV", 2), ("GeoJSON", 1), ("JSON", 1), ("XLS", 1)]
        assert result["organization"] == [("metropole-lyon", 3), ("saint-etienne-metropole", 1)]
        assert list(result) == ["tags", "res_format", "organization"]

    def test_multi_valued_duplicates_count_once(self, engine):
        fq = ckan_fq(labels=("member-org-ecully",), include_private=True)
        result = facets(engine, fq=fq, fields=("res_format",))
        assert result["res_format"] == [("CSV", 1), ("PDF", 1)]

    def test_limit_and_mincount(self, engine):
        result = facets(engine, fields=("tags", "res_format"), limit=1)
        assert result == {"tags": [("economy", 2)], "res_format": [("CSV", 2)]}
        result = facets(engine, fields=("tags", "res_format"), limit=-1, mincount=2)
        assert result == {"tags": [("economy", 2)], "res_format": [("CSV", 2)]}
        assert facets(engine, fields=("tags",), limit=0) == {}
        assert len(facets(engine, fields=("tags",), limit=None)["tags"]) == 7

    def test_mincount_zero_lists_values_of_other_documents(self, engine):
        result = facets(engine, q="velo", fields=("res_format",), mincount=0)
        counts = dict(result["res_format"])
        assert counts["CSV"] == 1 and counts["JSON"] == 1
        assert counts["PDF"] == 0 and counts["XLS"] == 0

    def test_facets_follow_the_query(self, engine):
        result = facets(engine, q="lyon", fields=("organization",))
        assert result == {"organization": [("metropole-lyon", 3)]}

    def test_booleans_numbers_and_missing_fields(self, engine):
        result = facets(engine, fields=("private", "num_resources", "no_such_field"))
        assert result["private"] == [("false", 6)]
        assert result["num_resources"] == [("1", 3), ("0", 2), ("2", 1)]
        assert "no_such_field" not in result

    def test_byte_order_breaks_ties(self, engine):
        result = facets(engine, fields=("title_string",))
        values = [value for value, _ in result["title_string"]]
        assert values == sorted(values, key=lambda v: v.encode())

    def test_group_counts_like_get_group_dataset_counts(self, engine):
        result = facets(engine, fq=ckan_fq(labels=None), fields=("groups", "owner_org"), limit=-1)
        assert result == {"groups": [("environnement", 1), ("mobilite", 1)]}

    def test_invalid_fields(self, engine):
        with pytest.raises(SearchQueryError):
            compile_facets(compile_search("*:*", None, text_config=TEXT_CONFIG), ["{!ex=t}tags"])
        with pytest.raises(SearchQueryError):
            compile_facets(
                compile_search("*:*", None, text_config=TEXT_CONFIG), ['tags" jsonb) --']
            )
        with pytest.raises(ValueError):
            compile_facets(compile_search("*:*", None, text_config=TEXT_CONFIG), [])


# --------------------------------------------------------------------------
# Sorting
# --------------------------------------------------------------------------


class TestSort:
    def test_title_string_in_byte_order(self, engine):
        result = names(engine, sort="title_string asc")
        titles = {d["name"]: d["title_string"] for d in DOCS}
        assert [titles[n] for n in result] == sorted(titles[n] for n in PUBLIC_ACTIVE)
        assert names(engine, sort="title_string desc") == result[::-1]

    def test_number_from_fields_missing_last_both_ways(self, engine):
        # Numbers numerically, then other values ("lots"), then missing ones.
        assert names(engine, sort="views_recent desc") == [
            "velo-lyon",
            "air-saint-etienne",
            "rivieres",
            "some-public-stuff",
            *sorted(["budget-lyon", "harvest-lyon"], key=lambda n: DOC_BY_NAME[n]["index_id"]),
        ]
        assert names(engine, sort="views_recent asc")[:4] == [
            "rivieres",
            "air-saint-etienne",
            "velo-lyon",
            "some-public-stuff",
        ]
        assert set(names(engine, sort="views_recent asc")[4:]) == {"budget-lyon", "harvest-lyon"}

    def test_dates_and_names(self, engine):
        assert names(engine, sort="metadata_modified desc")[:2] == [
            "some-public-stuff",
            "velo-lyon",
        ]
        assert names(engine, sort="metadata_modified asc")[0] == "air-saint-etienne"
        assert names(engine, sort="name desc") == sorted(PUBLIC_ACTIVE, reverse=True)
        assert names(engine, sort="metadata_created desc, name asc")[0] == "velo-lyon"

    def test_score_with_tie_breaker(self, engine):
        assert (
            names(engine, "*:*", sort="score desc, metadata_modified desc")[0]
            == "some-public-stuff"
        )
        assert len(names(engine, "*:*", sort=None)) == len(PUBLIC_ACTIVE)

    def test_sort_sql(self):
        assert compile_sort("score desc, metadata_modified desc") == (
            "score DESC, d.metadata_modified DESC NULLS LAST, d.index_id"
        )
        assert compile_sort("  name   ASC ") == 'd.name COLLATE "C" ASC NULLS LAST, d.index_id'
        assert compile_sort(None) == "score DESC, d.index_id"

    @pytest.mark.parametrize(
        "sort",
        [
            "metadata_modified",
            "name up",
            "name asc;drop",
            "name asc, ",
            "foo'bar asc",
            "sum(a,b) desc",
            "permission_labels asc",
            "name asc desc",
        ],
    )
    def test_invalid(self, sort):
        with pytest.raises(SearchQueryError, match='Invalid "sort" parameter'):
            compile_sort(sort)


# --------------------------------------------------------------------------
# Errors, statement shape, index use
# --------------------------------------------------------------------------


class TestErrorsAndShape:
    @pytest.mark.parametrize(
        "q",
        [
            "title:(velo",
            '"open',
            "{!func}x",
            "_val_:x",
            "title:/re/",
            "velo~1",
            "metadata_modified:yesterday",
            "metadata_modified:[bad TO NOW]",
            "views_recent:[a TO b]",
            "text:[a TO b]",
            "metadata_modified:2024*",
        ],
    )
    def test_bad_syntax(self, q):
        with pytest.raises(SearchQueryError):
            compile_search(q, None, def_type="lucene", text_config=TEXT_CONFIG)

    def test_bad_fq_and_parameters(self):
        with pytest.raises(SearchQueryError):
            compile_search("*:*", ["+state:(active"], text_config=TEXT_CONFIG)
        with pytest.raises(SearchQueryError):
            compile_search("velo", None, mm="abc", text_config=TEXT_CONFIG)
        with pytest.raises(SearchQueryError):
            compile_search("velo", None, def_type="knn", text_config=TEXT_CONFIG)
        with pytest.raises(SearchQueryError):
            compile_search("velo", None, q_op="XOR", text_config=TEXT_CONFIG)
        with pytest.raises(SearchError):
            compile_search("velo", None, qf="bad'field", text_config=TEXT_CONFIG)

    def test_parameters_are_named_and_values_not_inlined(self):
        compiled = compile_search(
            "saint-étienne riv*",
            ckan_fq('tags:"x\'y" -organization:z'),
            text_config=TEXT_CONFIG,
        )
        assert "saint" not in compiled.where and "x'y" not in compiled.where
        assert all(re.match(r"^p\d+$", name) for name in compiled.params)
        for name in compiled.params:
            assert re.search(":%s\\b" % name, compiled.where)

    @pytest.mark.parametrize(
        "q",
        [
            "*:*",
            "le vélo de lyon",
            '+velo -lyon riv* "a b"',
            "title:velo -notes:x",
            "release_date:[2023-01-01T00:00:00Z TO NOW]",
            "views_recent:[1 TO *]",
            "name:[a TO b}",
            "tags:env*",
            "text:st?tion",
            "extras_theme:*",
            "title:*tuf*",
            'name_ngram:"t:u%f_"',
            "urls:x author_email:y",
            "num_resources:2 private:true",
        ],
    )
    def test_sql_text_has_no_stray_bind_markers(self, q):
        # SQLAlchemy's text() reads ":name" as a bind parameter: the SQL we
        # write must contain none but ours, or statements break at run time.
        compiled = compile_search(
            q, ckan_fq(labels=("public", "x")), mm=CKAN_MM, text_config=TEXT_CONFIG
        )
        facet_sql, facet_params = compile_facets(compiled, ["tags", "private"], limit=3, mincount=0)
        for sql, params in (
            (compiled.where, compiled.params),
            (facet_sql, facet_params),
            (compiled.rank or "", compiled.params),
        ):
            markers = set(re.findall(r"(?<![:\w\\]):(\w+)(?!:)", sql))
            assert markers <= set(params), markers - set(params)
        assert not re.findall(
            r"(?<![:\w\\]):(\w+)(?!:)", compile_sort("views_recent desc, name asc")
        )

    def test_or_lists_on_columns_become_one_condition(self):
        compiled = compile_search(
            "*:*",
            ckan_fq(labels=("public", "member-x"), states=("active", "draft")),
            text_config=TEXT_CONFIG,
        )
        assert compiled.where.count("d.permission_labels &&") == 1
        assert compiled.where.count("d.state = ANY(") == 1
        assert ["active", "draft"] in compiled.params.values()
        assert all(re.search(":%s\\b" % name, compiled.where) for name in compiled.params)

    def test_autocomplete_ngram_condition_once(self):
        q = 'name_ngram:"tuf" OR title_ngram:"tuf" OR name:"tuf" OR title:"tuf"'
        assert (
            compile_search(q, None, text_config=TEXT_CONFIG).where.count("d.ngram_text LIKE") == 1
        )

    def test_index_friendly_plans(self, engine):
        cases = {
            "velo": "territoires_search_index_tsv_idx",
            "tags:economy": "territoires_search_index_filters_idx",
            'permission_labels:("public" OR "member-x")': "territoires_search_index_labels_idx",
            'name_ngram:"tuf"': "territoires_search_index_ngram_idx",
            "title:velo": "territoires_search_index_tsv_idx",
        }
        with engine.connect() as connection:
            connection.execute(sa.text("SET enable_seqscan = off"))
            for q, index in cases.items():
                compiled = compile_search(q, None, text_config=TEXT_CONFIG)
                plan = connection.execute(
                    sa.text(
                        "EXPLAIN SELECT d.index_id FROM territoires_search_index d WHERE "
                        + compiled.where
                    ),
                    compiled.params,
                ).fetchall()
                assert index in "\n".join(row[0] for row in plan), (q, plan)


# --------------------------------------------------------------------------
# filters / filters_partial: string fields read from the small jsonb
# --------------------------------------------------------------------------

LONG = "x" * 150
EXTRA_DOCS = [
    make_doc(
        "long-values",
        "Valeurs longues",
        tags=["court", LONG, "court"],
        groups=["g1", "g1"],
        organization="o" * 120,
        res_format=["CSV", None, "csv"],
        vocab_big=[{"nested": "dict"}, "ok"],
        res_url=["https://example.org/" + "a" * 200],
        views_recent=5,
        num_resources=3,
        release_date="2021-03-04T00:00:00Z",
        harvest_source_id="src-2",
    ),
    make_doc(
        "dup-values",
        "Doublons",
        tags=["court", "court", "zz"],
        res_format=["PDF", "PDF"],
        organization="metropole-lyon",
        num_resources=2,
        views_recent=1,
        release_date="2020-01-01T00:00:00Z",
    ),
]
EQUIVALENCE_FQ = [
    "",
    "tags:court",
    'tags:"%s"' % LONG,
    "-tags:court",
    'organization:"%s"' % ("o" * 120),
    "organization:o*",
    "tags:x*",
    "tags:[a TO d]",
    "groups:g1",
    "res_format:(CSV OR PDF)",
    "-res_format:PDF",
    "res_format:csv",
    "vocab_big:ok",
    "vocab_big:[* TO *]",
    "organization:[* TO *]",
    "num_resources:[2 TO 3]",
    "num_resources:3",
    "-num_resources:3",
    "views_recent:[1 TO *]",
    "release_date:[2021-01-01T00:00:00Z TO NOW]",
    "harvest_source_id:src-2",
    "-harvest_source_id:src-1",
    "private:false",
    'res_url:"https://example.org/%s"' % ("a" * 200),
    "res_url:*example*",
    "-dataset_type:harvest",
    "+dataset_type:dataset",
    "res_type:*",
]
EQUIVALENCE_FACETS = [
    "tags",
    "groups",
    "organization",
    "res_format",
    "vocab_big",
    "num_resources",
    "private",
    "views_recent",
    "res_url",
    "extras_theme",
    "release_date",
    "res_type",
]
EQUIVALENCE_SORTS = [
    "views_recent desc",
    "num_resources asc",
    "release_date desc",
    "organization asc",
]
FILTERS_MIGRATION = MIGRATIONS[1]


def _all_results(connection) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for fq in EQUIVALENCE_FQ:
        for sort in EQUIVALENCE_SORTS:
            compiled = compile_search("*:*", ckan_fq(fq), text_config=TEXT_CONFIG)
            sql = "SELECT d.name FROM territoires_search_index d WHERE %s ORDER BY %s" % (
                compiled.where,
                compile_sort(sort).replace("score DESC, ", ""),
            )
            results[fq + " | " + sort] = [
                row[0] for row in connection.execute(sa.text(sql), compiled.params)
            ]
        sql, params = compile_facets(
            compile_search("*:*", ckan_fq(fq), text_config=TEXT_CONFIG),
            EQUIVALENCE_FACETS,
            limit=-1,
            mincount=1,
            with_total=True,
        )
        results[fq + " | facets"] = connection.execute(sa.text(sql), params).fetchall()
    sql, params = compile_facets(
        compile_search("court", ckan_fq(), text_config=TEXT_CONFIG),
        EQUIVALENCE_FACETS,
        limit=-1,
        mincount=0,
        with_total=True,
    )
    results["mincount 0"] = connection.execute(sa.text(sql), params).fetchall()
    return results


def _load_module(path: Path):
    spec = importlib.util.spec_from_file_location("migration_" + path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class TestFiltersColumns:
    def test_results_are_those_of_reading_fields(self, engine, monkeypatch):
        """Terms, negations, wildcards, ranges, existence, facets and sorts
        give what they gave when every string field was read from fields."""
        from ckanext.territoires.search import documents

        with engine.connect() as connection:
            transaction = connection.begin()
            try:
                insert_docs(connection, EXTRA_DOCS)
                with_filters = _all_results(connection)
                with monkeypatch.context() as patch:
                    patch.setattr(documents, "is_filter_field", lambda name: False)
                    from_fields = _all_results(connection)
            finally:
                transaction.rollback()
        assert with_filters == from_fields
        # the cases are not vacuous
        assert with_filters["tags:court | views_recent desc"] == ["long-values", "dup-values"]
        assert ("tags", "court", 2) in with_filters[" | facets"]
        assert with_filters[" | facets"][0] == (None, None, len(PUBLIC_ACTIVE) + 2)
        assert with_filters['organization:"%s" | views_recent desc' % ("o" * 120)] == [
            "long-values"
        ]
        assert with_filters["res_format:csv | views_recent desc"] == ["long-values"]

    def test_long_values_are_matched_in_fields(self, engine):
        long_term = compile_search("*:*", ['tags:"%s"' % LONG], text_config=TEXT_CONFIG)
        assert "d.fields @>" in long_term.where and "d.filters" not in long_term.where
        short_term = compile_search("*:*", ["tags:court"], text_config=TEXT_CONFIG)
        assert "d.filters @>" in short_term.where and "d.fields" not in short_term.where
        url_term = compile_search("*:*", ['res_url:"https://example.org"'], text_config=TEXT_CONFIG)
        assert "d.fields @>" in url_term.where

    def test_negated_terms_check_one_value(self):
        compiled = compile_search("*:*", ["-tags:harvest"], text_config=TEXT_CONFIG)
        assert compiled.where.count("@>") == 1
        assert "d.filters ->" in compiled.where

    def test_dataset_type_terms_read_its_column_of_the_narrow_index(self):
        for fq in ("-dataset_type:harvest", "+dataset_type:dataset"):
            compiled = compile_search("*:*", [fq], text_config=TEXT_CONFIG)
            assert compiled.where.count("@>") == 1
            assert "d.filter_dataset_type @>" in compiled.where
            assert "d.filters" not in compiled.where

    def test_migration_fills_filters_as_documents_does(self, engine):
        from alembic.migration import MigrationContext
        from alembic.operations import Operations

        module = _load_module(FILTERS_MIGRATION)
        # the revisions built on its columns, taken down first and put back after
        later_modules = [
            _load_module(path) for path in MIGRATIONS[MIGRATIONS.index(FILTERS_MIGRATION) + 1 :]
        ]

        def columns(connection):
            return {
                row[0]
                for row in connection.execute(
                    sa.text(
                        "SELECT column_name FROM information_schema.columns"
                        " WHERE table_name = 'territoires_search_index'"
                    )
                )
            }

        def indexes(connection):
            return {
                row[0]
                for row in connection.execute(
                    sa.text(
                        "SELECT indexname FROM pg_indexes WHERE tablename = 'territoires_search_index'"
                    )
                )
            }

        def compression(connection):
            return connection.execute(
                sa.text(
                    "SELECT attcompression FROM pg_attribute WHERE attname = 'data_dict'"
                    " AND attrelid = CAST('territoires_search_index' AS regclass)"
                )
            ).scalar()

        def server_has_lz4(connection):
            try:
                with connection.begin_nested():
                    connection.execute(sa.text("SET LOCAL default_toast_compression = lz4"))
                return True
            except sa.exc.DBAPIError:
                return False

        def modified_index(connection):
            return connection.execute(
                sa.text(
                    "SELECT indexdef FROM pg_indexes"
                    " WHERE indexname = 'territoires_search_index_modified_idx'"
                )
            ).scalar()

        with engine.connect() as connection:
            transaction = connection.begin()
            try:
                insert_docs(connection, EXTRA_DOCS)
                with Operations.context(MigrationContext.configure(connection)):
                    for later in reversed(later_modules):
                        later.downgrade()
                    module.downgrade()
                    assert not {"filters", "filters_partial"} & columns(connection)
                    assert "territoires_search_index_fields_idx" in indexes(connection)
                    assert "territoires_search_index_filters_idx" not in indexes(connection)
                    assert modified_index(connection).endswith("(metadata_modified)")
                    assert compression(connection) == ""
                    assert (
                        connection.execute(
                            sa.text(
                                "SELECT reloptions FROM pg_class"
                                " WHERE relname = 'territoires_search_index'"
                            )
                        ).scalar()
                        is None
                    )
                    module.upgrade()
                    for later in later_modules:
                        later.upgrade()
                assert compression(connection) == ("l" if server_has_lz4(connection) else "")
                assert modified_index(connection).endswith(
                    "(metadata_modified DESC NULLS LAST, index_id)"
                )
                assert {"filters", "filters_partial"} <= columns(connection)
                assert "territoires_search_index_filters_idx" in indexes(connection)
                assert "territoires_search_index_fields_idx" not in indexes(connection)
                rows = connection.execute(
                    sa.text(
                        "SELECT name, fields, filters, filters_partial FROM territoires_search_index"
                    )
                ).fetchall()
                storage = dict(
                    connection.execute(
                        sa.text(
                            "SELECT attname, attstorage FROM pg_attribute"
                            " WHERE attname IN ('filters', 'tsv', 'fields')"
                            " AND attrelid = CAST('territoires_search_index' AS regclass)"
                        )
                    ).fetchall()
                )
                options = connection.execute(
                    sa.text(
                        "SELECT reloptions FROM pg_class WHERE relname = 'territoires_search_index'"
                    )
                ).scalar()
            finally:
                transaction.rollback()
        assert len(rows) == len(DOCS) + len(EXTRA_DOCS)
        for name, fields, filters, partial in rows:
            assert (filters, list(partial)) == filter_values(fields), name
        by_name = {row[0]: row for row in rows}
        assert list(by_name["long-values"][3]) == ["organization", "tags", "vocab_big"]
        assert by_name["dup-values"][2]["tags"] == ["court", "zz"]
        # MAIN: kept in the row; the stored documents out of it
        assert storage == {"filters": "m", "tsv": "m", "fields": "x"}
        assert options == ["toast_tuple_target=3000"]


class TestDefaultSortUsesAnIndex:
    def test_a_page_of_everything_reads_the_modified_index(self, engine):
        compiled = compile_search("*:*", ckan_fq(), text_config=TEXT_CONFIG)
        with engine.connect() as connection, connection.begin():
            # A handful of rows: make scans that would need a sort look dear
            # (the narrow index too: at this size it holds every row in a
            # page; tests/search/test_plans.py checks the choice at 20,000).
            connection.execute(sa.text("DROP INDEX territoires_search_index_visible_idx"))
            connection.execute(sa.text("SET LOCAL enable_seqscan = off"))
            connection.execute(sa.text("SET LOCAL enable_bitmapscan = off"))
            rows = connection.execute(
                sa.text(
                    "EXPLAIN SELECT d.name, 1.0 AS score FROM territoires_search_index d"
                    " WHERE %s ORDER BY %s LIMIT 20"
                    % (compiled.where, compile_sort("score desc, metadata_modified desc"))
                ),
                compiled.params,
            ).fetchall()
        plan = "\n".join(row[0] for row in rows)
        assert "Index Scan using territoires_search_index_modified_idx" in plan
        assert "Sort" not in plan


class TestConstantTsquery:
    def plan(self, engine, q):
        compiled = compile_search(q, ckan_fq(), mm=CKAN_MM, text_config=TEXT_CONFIG)
        with engine.connect() as connection:
            rows = connection.execute(
                sa.text(
                    "EXPLAIN SELECT d.name, %s FROM territoires_search_index d WHERE %s"
                    % (compiled.rank, compiled.where)
                ),
                compiled.params,
            ).fetchall()
        return "\n".join(row[0] for row in rows)

    def test_plain_words_are_folded_into_a_constant(self, engine):
        plan = self.plan(engine, "vélo lyon")
        assert "InitPlan" not in plan
        assert "'velo'" in plan  # the folded tsquery, visible to the planner

    def test_prefixes_through_unaccent_are_computed_once(self, engine):
        assert "InitPlan" in self.plan(engine, "riv*")
