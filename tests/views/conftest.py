"""Datasets around Écully for the page tests (Métropole de Lyon loaded)."""

from __future__ import annotations

from types import SimpleNamespace

import ckan.tests.factories as factories
import ckan.tests.helpers as helpers
import pytest

THEME = "http://publications.europa.eu/resource/authority/data-theme/"


@pytest.fixture
def places(lyon):
    """Écully's organisation, the Métropole's, another one; public datasets
    published by Écully, covering Écully and Bron, covering the whole
    territory, covering Bron only; a private dataset covering Écully, seen by
    a member of its organisation; an officer of Écully."""
    ecully_org = factories.Organization(
        name="ville-d-ecully", title="Ville d'Écully", extras=[{"key": "insee", "value": "69081"}]
    )
    metropole_org = factories.Organization(
        name="metropole",
        title="Métropole de Lyon (org)",
        extras=[{"key": "siren", "value": "200046977"}],
    )
    other_org = factories.Organization(name="syndicat", title="Syndicat des eaux")
    published = factories.Dataset(
        name="ecully-bancs",
        title="Bancs publics d'Écully",
        owner_org=ecully_org["id"],
        territoires_coverage=["Écully"],
        theme=[THEME + "GOVE"],
        resources=[
            {"url": "http://example.org/bancs.csv", "format": "CSV"},
            {"url": "http://example.org/bancs.json", "format": "JSON"},
        ],
    )
    shared = factories.Dataset(
        name="eau-ouest",
        title="Réseau d'eau de l'ouest",
        owner_org=other_org["id"],
        territoires_coverage=["Écully", "Bron"],
        theme=[THEME + "ENVI"],
        tags=[{"name": "eau"}],
        resources=[{"url": "http://example.org/eau.csv", "format": "CSV"}],
    )
    whole = factories.Dataset(
        name="arbres-metropole",
        title="Arbres de la Métropole",
        owner_org=metropole_org["id"],
        territoires_coverage=["*"],
        theme=[THEME + "ENVI", THEME + "TRAN"],
        resources=[{"url": "http://example.org/arbres.csv", "format": "CSV"}],
    )
    bron_only = factories.Dataset(
        name="bron-parcs",
        title="Parcs de Bron",
        owner_org=other_org["id"],
        territoires_coverage=["Bron"],
    )
    secret_org = factories.Organization(name="secret-org", title="Organisation secrète")
    member = factories.UserWithToken()
    helpers.call_action(
        "organization_member_create", id=secret_org["id"], username=member["name"], role="member"
    )
    private = factories.Dataset(
        name="projet-secret",
        title="Projet secret d'Écully",
        owner_org=secret_org["id"],
        private=True,
        territoires_coverage=["Écully"],
        theme=[THEME + "HEAL"],
        resources=[{"url": "http://example.org/secret.csv", "format": "XLS"}],
    )
    officer = factories.UserWithToken()
    helpers.call_action(
        "group_member_create", id="ecully-69081", username=officer["name"], role="editor"
    )
    return SimpleNamespace(
        ecully_org=ecully_org,
        metropole_org=metropole_org,
        other_org=other_org,
        secret_org=secret_org,
        published=published,
        shared=shared,
        whole=whole,
        bron_only=bron_only,
        private=private,
        member=member,
        officer=officer,
        sysadmin=factories.SysadminWithToken(),
    )


def auth(user):
    return {"Authorization": user["token"]} if user else {}
