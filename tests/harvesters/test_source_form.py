"""The source form refuses, when it is saved, a URL the harvester would
refuse, with the reason on the URL field (API and web form, French)."""

from __future__ import annotations

import json
import os
import re

import ckan.plugins.toolkit as tk
import ckan.tests.factories as factories
import ckan.tests.helpers as helpers
import pytest
from ckan import model

from ckanext.territoires.harvesters import source_form
from ckanext.territoires.harvesters.config import DEMO_DIR
from tests.harvesters.conftest import harvest_marks
from tests.harvesters.server import Answer, fixture_bytes

pytestmark = harvest_marks()

DEMO = "file://" + os.path.join(DEMO_DIR, "catalogue.ttl")


def create(url: str, source_type: str = "territoires_dcat", **extra) -> dict:
    sysadmin = factories.Sysadmin()
    data = {"name": "a-source", "title": "A source", "url": url, "source_type": source_type}
    return helpers.call_action(
        "harvest_source_create", context={"user": sysadmin["name"]}, **{**data, **extra}
    )


def refused(url: str, source_type: str = "territoires_dcat", **extra) -> dict:
    with pytest.raises(tk.ValidationError) as error:
        create(url, source_type, **extra)
    assert model.Session.query(model.Package).filter_by(type="harvest").count() == 0
    return error.value.error_dict


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://example.org/catalogue.ttl", "only http and https URLs can be harvested"),
        ("http://169.254.169.254/latest/meta-data/", "non-public address"),
        ("http://10.1.2.3/catalogue.ttl", "non-public address"),
        ("http://[::1]:8080/catalogue.ttl", "non-public address"),
        ("http://catalogue.invalid/dcat.ttl", "cannot be found (DNS)"),
        ("file:///etc/passwd", "local files are read only inside"),
        ("file://" + os.path.join(DEMO_DIR, "missing.ttl"), "There is no file at"),
        ("http://[::1/catalogue", "is not a valid web address"),
        ("http://127.0.0.1:99999/catalogue", "is not a valid web address"),
        ("data.example.org/catalogue.ttl", "starting with https://"),
        ("http:///catalogue.ttl", "it names no host"),
        ("http://127.0.0.1/a catalogue.ttl", "contains spaces"),
    ],
)
def test_a_url_the_harvester_would_refuse_is_refused_with_the_reason(url, reason):
    errors = refused(url)
    assert list(errors) == ["url"]
    assert reason in errors["url"][0]


def test_the_source_kind_checks_its_url():
    errors = refused(DEMO, "territoires_ckan")
    assert "is read over the web" in errors["url"][0] and "CKAN portal" in errors["url"][0]
    errors = refused("http://127.0.0.1:8/api/3/action/package_search", "territoires_ckan")
    assert "without /api/" in errors["url"][0]
    assert "without /api/" in refused("http://127.0.0.1:8/api", "territoires_ods")["url"][0]


def test_what_the_harvester_reads_is_accepted(server):
    url = server.add("/catalog", Answer(200, fixture_bytes("dcat", "catalog.xml")))
    assert create(url)["url"] == url  # 127.0.0.1, allowed by the tests' allowed_hosts
    assert create(DEMO, name="demo")["url"] == DEMO  # the demo catalogue, always readable
    assert create("http://127.0.0.1:9/", "territoires_ckan", name="portal")  # a portal's root
    assert source_form.problems({"url": "ftp://x", "source_type": "not-ours"}) == {}


def test_the_allow_list_decides_for_private_hosts(server, ckan_config, monkeypatch):
    monkeypatch.setitem(ckan_config, "ckanext.territoires.harvest.allowed_hosts", "")
    url = server.add("/catalog", Answer(200, b""))
    assert "allowed_hosts" in refused(url)["url"][0]


def test_every_error_is_given_at_once():
    errors = refused("ftp://example.org/x", config=json.dumps({"nope": 1}))
    assert set(errors) == {"url", "config"}
    # ckanext-harvest's English prefix, translated
    assert (
        errors["config"][0].startswith("Invalid configuration: ") and "nope" in errors["config"][0]
    )


def test_an_update_is_checked_too(server):
    url = server.add("/catalog", Answer(200, b""))
    source = create(url)
    sysadmin = factories.Sysadmin()
    with pytest.raises(tk.ValidationError) as error:
        helpers.call_action(
            "harvest_source_patch",
            context={"user": sysadmin["name"]},
            id=source["id"],
            url="http://169.254.169.254/",
        )
    assert "non-public address" in error.value.error_dict["url"][0]
    assert model.Package.get(source["id"]).url == url


def test_the_check_needs_the_right_to_save():
    with pytest.raises(tk.NotAuthorized):  # not a validation error: nothing is resolved
        helpers.call_action(
            "package_create",
            context={"user": "", "ignore_auth": False},
            type="harvest",
            name="x",
            url="http://catalogue.invalid/",
            source_type="territoires_dcat",
        )


def test_the_web_form_shows_the_reason_in_french_on_the_url_field(app):
    sysadmin = factories.SysadminWithToken()
    response = app.post(
        "/fr/harvest/new",
        headers={"Authorization": sysadmin["token"]},
        data={
            "url": "http://169.254.169.254/latest/meta-data/",
            "title": "Métadonnées",
            "name": "metadonnees",
            "source_type": "territoires_dcat",
            "frequency": "MANUAL",
            "config": "",
            "save": "save",
        },
    )
    body = response.body
    assert response.status_code == 200
    assert "Le formulaire contient des entrées invalides" in body
    assert re.search(r'<a href="#field-url"[^>]*>URL</a>', body)  # the summary links the field
    assert "adresse non publique" in body
    # on the field itself
    field = body[body.index('id="field-url"') :]
    assert "adresse non publique" in field[: field.index("</div>")]
    assert model.Package.get("metadonnees") is None


def test_ckanext_harvest_messages_are_translated(app, server):
    url = server.add("/catalog", Answer(200, b""))
    create(url)
    sysadmin = factories.SysadminWithToken()
    response = app.post(
        "/fr/harvest/new",
        headers={"Authorization": sysadmin["token"]},
        data={
            "url": url,
            "name": "twice",
            "source_type": "territoires_dcat",
            "frequency": "MANUAL",
            "config": "",
            "save": "save",
        },
    )
    assert "Une autre source de moissonnage lit déjà cette URL" in response.body
    assert "There already is a Harvest Source" not in response.body
