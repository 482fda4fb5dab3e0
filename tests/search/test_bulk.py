"""The rebuild's bulk path (``search/bulk.py``) against CKAN's own, dataset
by dataset: the same ``package_show`` dicts (key order included) and the
same index and facet rows, for varied datasets with CKAN's dataset schema
(test.ini's plugins); ``test_bulk_project.py`` does the same with the
project's schema and harvested datasets."""

from __future__ import annotations

import json
import queue
import threading

import ckan.tests.factories as factories
import ckan.tests.helpers as helpers
import pytest
import sqlalchemy as sa
from ckan import logic, model

from ckanext.territoires.search import bulk, documents
from ckanext.territoires.search import rebuild as rebuilding
from ckanext.territoires.search.connection import PostgresSearchConnection

ROWS = """
SELECT index_id, id, site_id, name, state, capacity, permission_labels,
       metadata_created, metadata_modified, title_string, fields, filters,
       filters_partial, data_dict, validated_data_dict, CAST(tsv AS text),
       ngram_text, CAST(extent AS text)
FROM territoires_search_index WHERE id = ANY(:ids) ORDER BY index_id
"""
FACET_ROWS = """
SELECT d.index_id, coalesce(f.name, ''), coalesce(v.value, '')
FROM territoires_search_facet r JOIN territoires_search_index d ON d.doc = r.doc
LEFT JOIN territoires_search_facet_field f ON f.id = r.field
LEFT JOIN territoires_search_facet_value v ON v.id = r.value
WHERE d.id = ANY(:ids) ORDER BY 1, 2, 3
"""


def shown_by_ckan(package_id):
    return logic.get_action("package_show")(dict(bulk.SHOW_CONTEXT), {"id": package_id})


def snapshot(ids):
    model.Session.remove()
    rows = [tuple(row) for row in model.Session.execute(sa.text(ROWS), {"ids": ids})]
    facet_rows = [tuple(row) for row in model.Session.execute(sa.text(FACET_ROWS), {"ids": ids})]
    model.Session.remove()
    return rows, facet_rows


def remove_rows(ids):
    model.Session.execute(
        sa.text("DELETE FROM territoires_search_index WHERE id = ANY(:ids)"), {"ids": ids}
    )
    model.Session.commit()


def index_per_dataset(ids):
    """CKAN's way, as the rebuild's fallback: package_show + index_package."""
    results = queue.Queue()
    assert rebuilding._index_each(ids, results, threading.Event(), force=False) == len(ids)
    model.Session.commit()
    assert results.empty()


def index_in_batches(ids, size):
    for start in range(0, len(ids), size):
        assert bulk.index_batch(ids[start : start + size]) == len(ids[start : start + size])
        model.Session.commit()
    model.Session.remove()


def assert_bulk_is_ckan(ids, fallback=()):
    """The bulk path gives what CKAN gives, built in bulk for all of
    ``ids`` but ``fallback`` (left to package_show)."""
    ids = sorted(ids)
    built = bulk._Batch(ids).dictize()
    assert sorted(set(ids) - set(built)) == sorted(fallback)
    model.Session.remove()

    shown = bulk.show_packages(ids)
    assert list(shown) == ids
    for package_id in ids:
        # json: key order counts (data_dict is stored as this text)
        assert json.dumps(shown[package_id]) == json.dumps(shown_by_ckan(package_id)), package_id
    model.Session.remove()

    remove_rows(ids)
    index_per_dataset(ids)
    by_ckan = snapshot(ids)
    # a deleted dataset has none (ckan.search.remove_deleted_packages)
    assert len(by_ckan[0]) >= len(ids) - 1
    assert by_ckan[1]  # facet rows

    remove_rows(ids)
    index_in_batches(ids, size=max(2, len(ids) // 2))
    assert snapshot(ids) == by_ckan

    # rows already there: updated, as a rebuild over an index does
    index_in_batches(ids, size=len(ids))
    assert snapshot(ids) == by_ckan


# -- CKAN's dataset schema (test.ini's plugins) ------------------------------


@pytest.fixture
def varied():
    """Datasets with what package_show and index_package look at; the
    ids left to package_show."""
    sysadmin = factories.Sysadmin()
    member = factories.User()
    org = factories.Organization(image_url="logo-orga.png", users=[{"name": member["name"]}])
    other_org = factories.Organization(title="Autre")
    factories.Group(name="verte", title="Verte", image_url="vert.png")
    factories.Group(
        name="bleue", title="Bleue", image_url="https://example.org/b.png", users=[member]
    )
    twin_a = factories.Group(name="jumelle-a", title="Même titre")
    twin_b = factories.Group(name="jumelle-b", title="Même titre")
    vocab = helpers.call_action(
        "vocabulary_create",
        context={"user": sysadmin["name"]},
        name="themes",
        tags=[{"name": "eau"}, {"name": "air"}],
    )
    full = factories.Dataset(
        name="complet",
        title="  Titre à espaces  ",
        notes="Notes\x0bavec un caractère interdit en XML",
        owner_org=org["id"],
        license_id="cc-by",
        groups=[{"name": "verte"}, {"name": "bleue"}],
        tags=[
            {"name": "vélo"},
            {"name": "mobilité"},
            {"name": "eau", "vocabulary_id": vocab["id"]},
            {"name": "air", "vocabulary_id": vocab["id"]},
        ],
        extras=[
            {"key": "fréquence", "value": "annuelle"},
            {"key": "end_date", "value": "2020-01-02"},
            {"key": "start_date", "value": "pas une date"},
            {"key": "liste", "value": '["a", "b"]'},
        ],
        resources=[
            {"url": "http://x.fr/a.csv", "format": "CSV", "name": "A"},
            {"url": "x.fr/sans-protocole.json", "format": "JSON", "alt_url": "http://alt"},
            {"url": "http://x.fr/c.xls", "format": "XLS", "description": "supprimée"},
        ],
    )
    helpers.call_action(
        "resource_delete", context={"user": sysadmin["name"]}, id=full["resources"][2]["id"]
    )
    factories.Resource(package_id=full["id"], url="donnees.csv", url_type="upload")
    private = factories.Dataset(
        name="prive", owner_org=other_org["id"], private=True, license_id="notspecified"
    )
    unknown_licence = factories.Dataset(name="licence-inconnue", license_id="ma-licence")
    deleted = factories.Dataset(name="supprime", groups=[{"name": "verte"}])
    helpers.call_action("package_delete", context={"user": sysadmin["name"]}, id=deleted["id"])
    subject = factories.Dataset(name="sujet")
    objet = factories.Dataset(name="objet", tags=[{"name": "mobilité"}])
    helpers.call_action(
        "package_relationship_create",
        context={"user": sysadmin["name"]},
        subject=subject["id"],
        object=objet["id"],
        type="depends_on",
    )
    # two relationships in one direction: CKAN's order is the database's
    several = factories.Dataset(name="plusieurs-liens")
    target = factories.Dataset(name="cible")
    for linked in (subject, target):
        helpers.call_action(
            "package_relationship_create",
            context={"user": sysadmin["name"]},
            subject=several["id"],
            object=linked["id"],
            type="links_to",
        )
    # two groups of the same display name: CKAN's order is the database's
    twins = factories.Dataset(
        name="jumelles", groups=[{"name": twin_a["name"]}, {"name": twin_b["name"]}]
    )
    plain = [factories.Dataset(name="simple-%d" % number) for number in range(3)]
    ids = [
        d["id"]
        for d in (
            full,
            private,
            unknown_licence,
            deleted,
            subject,
            objet,
            several,
            target,
            twins,
            *plain,
        )
    ]
    return ids, [several["id"], twins["id"]]


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "with_request_context")
def test_bulk_path_is_ckans_with_ckans_schema(varied):
    ids, fallback = varied
    assert_bulk_is_ckan(ids, fallback=fallback)


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "with_request_context")
def test_a_failure_in_a_batch_is_reported_by_its_id(varied, monkeypatch):
    """The batch fails as a whole, then is indexed dataset by dataset: the
    failing dataset reported, the others indexed with --force."""
    ids, _ = varied
    failing, deleted = ids[2], ids[3]  # deleted: never indexed (varied)
    index_row = documents.index_row

    def failing_row(doc):
        if doc["id"] == failing:
            raise ValueError("this one")
        return index_row(doc)

    monkeypatch.setattr(documents, "index_row", failing_row)
    remove_rows(ids)
    results = queue.Queue()
    indexed = rebuilding.index_chunk(ids, results, threading.Event(), force=True)
    model.Session.commit()
    assert indexed == len(ids) - 1
    assert results.get_nowait()[:2] == ("failed", failing)
    assert sorted(row[1] for row in snapshot(ids)[0]) == sorted(set(ids) - {failing, deleted})

    remove_rows(ids)
    results = queue.Queue()
    assert rebuilding.index_chunk(ids, results, threading.Event(), force=False) is None
    model.Session.rollback()
    assert results.get_nowait()[:2] == ("failed", failing)


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "with_request_context")
def test_hooks_know_the_batch(monkeypatch):
    """``batch_ids``: the datasets indexed together, for a hook that would
    read the database for each."""
    datasets = sorted(factories.Dataset()["id"] for _ in range(3))
    seen = []
    controllers = bulk._package_controllers
    monkeypatch.setattr(bulk, "_package_controllers", lambda: [_Recorder(seen), *controllers()])
    assert bulk.batch_ids() is None
    bulk.index_batch(datasets)
    model.Session.rollback()
    assert seen == [tuple(datasets)] * 3
    assert bulk.batch_ids() is None


class _Recorder:
    def __init__(self, seen):
        self.seen = seen

    def before_dataset_index(self, pkg_dict):
        self.seen.append(bulk.batch_ids())
        return pkg_dict


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_add_writes_many_documents_as_one_by_one():
    def doc(number, title):
        return {
            "id": "jeu-%d" % number,
            "index_id": "index-%d" % number,
            "site_id": "test.ckan.net",
            "name": "jeu-%d" % number,
            "title": title,
            "state": "active",
            "capacity": "public",
            "permission_labels": ["public", "member-x"],
            "tags": ["eau", "air"],
            "res_format": ["CSV", None],
            "territoires_extent": "4.7,45.6,5.0,45.9",
            "metadata_created": "2024-01-01T00:00:00.123456Z",
            "metadata_modified": "2024-02-01T00:00:00Z",
            "data_dict": '{"a": 1}',
        }

    ids = ["jeu-1", "jeu-2"]
    connection = PostgresSearchConnection()
    for number in (1, 2):
        connection.add([doc(number, "Titre %d" % number)])
    model.Session.commit()
    one_by_one = snapshot(ids)
    remove_rows(ids)
    # an id twice: the last document wins, as written one after the other
    connection.add([doc(1, "Ancien"), doc(2, "Titre 2"), doc(1, "Titre 1")])
    model.Session.commit()
    assert snapshot(ids) == one_by_one
