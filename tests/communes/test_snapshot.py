"""The commune groups kept per process: read again whenever a group changes."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from ckan import model
from ckan.tests import helpers

from ckanext.territoires.communes import snapshot
from tests.conftest import TERRITORY_PLUGINS

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", TERRITORY_PLUGINS),
    pytest.mark.usefixtures("app", "lyon"),
]


def _titles():
    return {
        commune["insee"]: commune["title"]
        for commune in helpers.call_action("territoires_commune_list")
    }


def test_the_snapshot_is_kept_while_no_group_changes():
    first = snapshot.commune_snapshot()
    assert first.token is not None
    assert len(first.groups) == 58  # the Métropole de Lyon
    assert snapshot.commune_snapshot() is first


def _descriptions():
    return {
        commune["insee"]: commune["presentation"]["description"]
        for commune in helpers.call_action("territoires_commune_list")
    }


def test_a_presentation_changed_through_the_action_shows_at_once():
    assert _descriptions()["69081"] == ""
    group = snapshot.commune_snapshot().groups["69081"]
    helpers.call_action("group_patch", id=group.id, description="Ville de l'Ouest lyonnais")
    assert _descriptions()["69081"] == "Ville de l'Ouest lyonnais"


def test_a_change_written_by_sql_shows_at_once():
    before = snapshot.commune_snapshot()
    with model.meta.engine.begin() as conn:
        conn.execute(
            sa.text(
                "UPDATE group_extra SET value = '99999' WHERE key = 'population' AND group_id = :id"
            ),
            {"id": before.groups["69081"].id},
        )
    model.Session.remove()
    after = snapshot.commune_snapshot()
    assert after is not before
    assert after.identities["69081"]["population"] == 99999
    assert snapshot.commune_snapshot() is after


def test_a_change_rolled_back_is_never_kept():
    group_id = snapshot.commune_snapshot().groups["69081"].id
    model.Session.execute(
        sa.text("UPDATE \"group\" SET title = 'Fantôme' WHERE id = :id"), {"id": group_id}
    )
    # the writing transaction sees its own change...
    assert snapshot.commune_snapshot().groups["69081"].title == "Fantôme"
    model.Session.rollback()
    model.Session.remove()
    # ...which no later request sees once it is rolled back
    assert snapshot.commune_snapshot().groups["69081"].title == "Écully"
    assert _titles()["69081"] == "Écully"


def test_the_token_changes_once_per_transaction_whatever_its_size():
    before = snapshot.places_token()
    with model.meta.engine.begin() as conn:
        conn.execute(sa.text("UPDATE group_extra SET value = value WHERE key = 'insee'"))
        conn.execute(sa.text('UPDATE "group" SET title = title'))
        versions = conn.execute(sa.text("SELECT count(*) FROM territoires_places_version")).scalar()
    model.Session.remove()
    assert versions == 1
    assert snapshot.places_token() != before


def test_the_migration_goes_down_and_up_again():
    import importlib.util
    import os

    from alembic.migration import MigrationContext
    from alembic.operations import Operations

    import ckanext.territoires as package

    path = os.path.join(
        os.path.dirname(package.__file__),
        "migration/territoires/versions/4b7e2f9c1a03_places_version.py",
    )
    spec = importlib.util.spec_from_file_location("places_version", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    model.Session.remove()
    with model.meta.engine.connect() as connection:
        transaction = connection.begin()
        try:
            with Operations.context(MigrationContext.configure(connection)):
                module.downgrade()
                assert snapshot.places_token(connection) is None
                module.upgrade()
            token = snapshot.places_token(connection)
            connection.execute(sa.text('UPDATE "group" SET title = title'))
            assert snapshot.places_token(connection) not in (None, token)
        finally:
            transaction.rollback()
