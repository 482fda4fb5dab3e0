"""``ckan territoires search-index rebuild`` (parallel worker processes),
side by side with CKAN's own ``ckan search-index rebuild``.

The workers load the test ini themselves (with the plugins it lists), so
these tests keep those plugins: the in-process CKAN rebuild they are
compared with must build the same documents.
"""

from __future__ import annotations

import ckan.tests.factories as factories
import pytest
import sqlalchemy as sa
from ckan import model
from ckan.cli.cli import ckan as ckan_command
from ckan.common import config
from ckan.tests.helpers import CKANCliRunner

from ckanext.territoires.search import rebuild as rebuilding
from ckanext.territoires.search.connection import PostgresSearchConnection

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

SNAPSHOT = """
SELECT index_id, id, site_id, name, state, capacity, permission_labels,
       metadata_created, metadata_modified, title_string, fields, filters,
       filters_partial, data_dict, validated_data_dict, CAST(tsv AS text),
       ngram_text
FROM territoires_search_index ORDER BY index_id
"""


@pytest.fixture
def cli(ckan_config):
    return CKANCliRunner(mix_stderr=False, env={"CKAN_INI": ckan_config["__file__"]})


@pytest.fixture
def datasets():
    org = factories.Organization(name="metropole")
    group = factories.Group(name="ecully")
    created = [
        factories.Dataset(
            name="velos",
            title="Stations Vélo'v",
            owner_org=org["id"],
            groups=[{"name": group["name"]}],
            tags=[{"name": "vélo"}, {"name": "mobilité"}],
            extras=[{"key": "frequence", "value": "annuelle"}],
            resources=[
                {"url": "http://x.fr/a.csv", "format": "CSV"},
                {"url": "http://x.fr/b.csv", "format": "CSV"},
            ],
        ),
        factories.Dataset(
            name="budget",
            title="Budget primitif",
            owner_org=org["id"],
            private=True,
            notes="Comptes de la commune",
        ),
        factories.Dataset(name="arbres", title="Arbres d'alignement", tags=[{"name": "nature"}]),
    ]
    for index in range(4):
        created.append(factories.Dataset(name="jeu-%d" % index))
    return created


def snapshot():
    model.Session.remove()
    rows = model.Session.execute(sa.text(SNAPSHOT)).fetchall()
    model.Session.remove()
    return [tuple(row) for row in rows]


def empty_index():
    model.Session.execute(sa.text("DELETE FROM territoires_search_index"))
    model.Session.commit()


def run(cli, *args):
    return cli.invoke(ckan_command, list(args))


@pytest.fixture
def other_site_document():
    """A document another CKAN site wrote to the same index (CKAN's
    clean_index fixture clears this site's documents only)."""
    PostgresSearchConnection().add(
        [
            {
                "id": "other-dataset",
                "index_id": "other-index-id",
                "site_id": "other.site",
                "name": "ailleurs",
                "title": "Ailleurs",
                "state": "active",
                "capacity": "public",
                "permission_labels": ["public"],
                "entity_type": "package",
                "dataset_type": "dataset",
                "metadata_created": "2024-01-01T00:00:00Z",
                "metadata_modified": "2024-01-01T00:00:00Z",
            }
        ]
    )
    model.Session.commit()
    yield
    model.Session.remove()
    model.Session.execute(
        sa.text("DELETE FROM territoires_search_index WHERE site_id = 'other.site'")
    )
    model.Session.commit()


def other_site_rows():
    model.Session.remove()
    return model.Session.execute(
        sa.text("SELECT name FROM territoires_search_index WHERE site_id = 'other.site'")
    ).fetchall()


def vacuum_count():
    model.Session.remove()
    count = model.Session.execute(
        sa.text(
            "SELECT vacuum_count FROM pg_stat_user_tables"
            " WHERE relname = 'territoires_search_index'"
        )
    ).scalar()
    model.Session.remove()
    return count


def test_workers_write_what_ckan_rebuild_writes(cli, datasets):
    result = run(cli, "search-index", "rebuild", "-q")
    assert result.exit_code == 0, result.output
    by_ckan = snapshot()
    assert len(by_ckan) == len(datasets)

    empty_index()
    vacuums = vacuum_count()
    result = run(
        cli, "territoires", "search-index", "rebuild", "--workers", "2", "--chunk-size", "2"
    )
    assert result.exit_code == 0, result.output + result.stderr
    assert "Indexed %d of %d datasets" % (len(datasets), len(datasets)) in result.stdout
    assert "2 processes" in result.stdout
    assert snapshot() == by_ckan
    assert vacuum_count() == vacuums + 1  # VACUUM ANALYZE at the end


def test_per_dataset_writes_what_the_batches_write(cli, datasets):
    result = run(cli, "territoires", "search-index", "rebuild", "-q")
    assert result.exit_code == 0, result.output + result.stderr
    by_batches = snapshot()
    assert len(by_batches) == len(datasets)

    empty_index()
    result = run(cli, "territoires", "search-index", "rebuild", "-q", "--per-dataset")
    assert result.exit_code == 0, result.output + result.stderr
    assert snapshot() == by_batches


def test_only_missing_and_nothing_to_do(cli, datasets):
    model.Session.execute(sa.text("DELETE FROM territoires_search_index WHERE name = 'budget'"))
    model.Session.commit()
    result = run(cli, "territoires", "search-index", "rebuild", "-o", "-q")
    assert result.exit_code == 0, result.output + result.stderr
    assert "Indexed 1 of 1 datasets" in result.stdout
    assert len(snapshot()) == len(datasets)

    result = run(cli, "territoires", "search-index", "rebuild", "-o", "-q")
    assert result.exit_code == 0
    assert "Nothing to index." in result.stdout


def test_documents_of_other_sites_survive_rebuilds_and_clears(cli, datasets, other_site_document):
    for args in (
        ["search-index", "rebuild", "-q"],
        ["search-index", "rebuild", "--clear", "-q"],
        ["territoires", "search-index", "rebuild", "--clear", "-q"],
        ["search-index", "clear"],
    ):
        result = run(cli, *args)
        assert result.exit_code == 0, (args, result.output, result.stderr)
        assert other_site_rows() == [("ailleurs",)], args
    # the last command cleared this site's documents only
    assert len(snapshot()) == 1


def test_clear_and_only_missing_together_are_refused(cli, datasets):
    result = run(cli, "territoires", "search-index", "rebuild", "--clear", "--only-missing")
    assert result.exit_code == 1
    assert "exclude each other" in result.stderr
    assert len(snapshot()) == len(datasets)  # nothing cleared


def test_a_failure_stops_the_rebuild_unless_forced(datasets):
    ids = sorted(d["id"] for d in datasets)
    empty_index()
    report = rebuilding.rebuild(
        [*ids[:2], "no-such-dataset", *ids[2:]],
        ini_path=config["__file__"],
        workers=1,
        chunk_size=2,
    )
    assert report.stopped and "no-such-dataset" in report.stopped
    assert [failed for failed, _ in report.failed] == ["no-such-dataset"]
    assert report.indexed < len(ids)

    empty_index()
    report = rebuilding.rebuild(
        [*ids[:2], "no-such-dataset", *ids[2:]],
        ini_path=config["__file__"],
        workers=2,
        chunk_size=2,
        force=True,
    )
    assert report.stopped is None
    assert [failed for failed, _ in report.failed] == ["no-such-dataset"]
    assert report.indexed == len(ids)
    assert len(snapshot()) == len(ids)


def test_workers_must_be_positive(cli):
    result = run(cli, "territoires", "search-index", "rebuild", "--workers", "0")
    assert result.exit_code == 2
    assert "--workers" in result.stderr
