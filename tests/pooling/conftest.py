"""Fixtures of the pooled data tests: plugins, options, files, a local server."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from ckan import model
from ckan.tests import factories, helpers
from werkzeug.datastructures import FileStorage

from ckanext.territoires.pooling import registry, store
from tests.conftest import TERRITORY_PLUGINS
from tests.harvesters.server import LocalServer

POOLING_PLUGINS = TERRITORY_PLUGINS + " harvest territoires_harvest territoires_pooling"
FILES = Path(__file__).parent / "files"

OPTIONS = {
    "ckan.plugins": POOLING_PLUGINS,
    "ckanext.territoires.pooling.synchronous": "true",
    "ckanext.territoires.harvest.allowed_hosts": "127.0.0.1",
    "ckanext.territoires.harvest.retries": "0",
}


def pooling_marks(**overrides):
    options = {**OPTIONS, **overrides}
    return [pytest.mark.ckan_config(key, value) for key, value in options.items()] + [
        pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "clean_validations")
    ]


@pytest.fixture
def clean_validations():
    registry.forget()
    model.Session.execute(store.validation_table.delete())
    model.Session.commit()
    yield
    registry.forget()


@pytest.fixture
def storage(ckan_config, monkeypatch, tmp_path):
    monkeypatch.setitem(ckan_config, "ckan.storage_path", str(tmp_path))
    return tmp_path


def car_parks(name: str) -> bytes:
    return (FILES / name).read_bytes()


def upload(dataset_id: str, data: bytes, filename: str, user=None, **fields):
    """resource_create with an uploaded file (as the resource form sends it)."""
    context = {"user": user["name"]} if user else {"ignore_auth": True}
    return helpers.call_action(
        "resource_create",
        context=context,
        package_id=dataset_id,
        url=filename,
        upload=FileStorage(io.BytesIO(data), filename=filename, content_type="text/csv"),
        **fields,
    )


def publish_car_parks(dataset_id: str, example: str = "parkings-valide.csv", user=None):
    """An uploaded car-park file declaring the schema "Lieux de stationnement"."""
    return upload(
        dataset_id,
        car_parks(example),
        "parkings.csv",
        user=user,
        territoires_schema="stationnement",
    )


@pytest.fixture
def server():
    local = LocalServer().start()
    yield local
    local.stop()


@pytest.fixture
def editor_dataset():
    user = factories.User()
    organisation = factories.Organization(users=[{"name": user["name"], "capacity": "editor"}])
    dataset = factories.Dataset(owner_org=organisation["id"])
    return user, dataset
