"""territoires_site_show: the portal's title, introduction and logo."""

from __future__ import annotations

import ckan.tests.helpers as helpers
import pytest

from tests.conftest import TERRITORY_PLUGINS

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", TERRITORY_PLUGINS),
    pytest.mark.usefixtures("with_plugins", "app"),
]


def site(app, lang="en"):
    from flask import request

    with app.flask_app.test_request_context(f"/{lang}/", environ_overrides={"CKAN_LANG": lang}):
        app.flask_app.preprocess_request()
        request.environ["CKAN_LANG"] = lang
        return helpers.call_action("territoires_site_show", context={"user": ""})


def test_defaults_are_the_territory(app):
    shown = site(app)
    assert shown["title"] == "Open data of the Métropole de Lyon"
    assert shown["intro"].startswith(
        "The open data of the Métropole de Lyon and of its 58 communes."
    )
    assert shown["about"] == ""
    assert shown["logo"] == "/territoires/logo.svg"
    assert shown["favicon"] == "/territoires/favicon.svg"


def test_defaults_in_french(app):
    shown = site(app, "fr")
    assert shown["title"] == "Données ouvertes de la Métropole de Lyon"
    assert shown["intro"].startswith(
        "Les données ouvertes de la Métropole de Lyon et de ses 58 communes."
    )


@pytest.mark.ckan_config("ckan.site_title", "Grand Lyon Data")
@pytest.mark.ckan_config("ckan.site_intro_text", "Bienvenue sur **Grand Lyon Data**.")
@pytest.mark.ckan_config("ckan.site_about", "Qui sommes-nous ?")
@pytest.mark.ckan_config("ckan.site_logo", "/custom/logo.png")
def test_ckan_options_win(app):
    shown = site(app, "fr")
    assert shown["title"] == "Grand Lyon Data"
    assert shown["intro"] == "Bienvenue sur **Grand Lyon Data**."
    assert shown["about"] == "Qui sommes-nous ?"
    assert shown["logo"] == "/custom/logo.png"


@pytest.mark.ckan_config("ckanext.territoires.scope", "departement:69")
def test_a_departement_is_named_as_a_territory(app):
    shown = site(app)
    assert shown["title"] == "Open data: département Rhône (69)"
    assert shown["intro"].startswith(
        "The open data of the territory: département Rhône (69), 266 communes."
    )


def test_ckans_option_is_left_as_configured(app):
    """status_show keeps CKAN's default title (test.ini: "CKAN"); the pages
    show the territory's."""
    assert helpers.call_action("status_show")["site_title"] == "CKAN"
    body = app.get("/fr/").body
    assert "<title>Bienvenue - Données ouvertes de la Métropole de Lyon</title>" in body


def test_emails_name_the_portal_as_its_pages_do(app):
    """CKAN's e-mails take ``ckan.site_title`` (here CKAN's default): they
    name the territory's portal instead, in the page's language."""
    import ckan.plugins.toolkit as tk

    extra = {"site_title": "CKAN", "user_name": "camille", "reset_link": "http://x/reset"}
    with app.flask_app.test_request_context("/fr/", environ_overrides={"CKAN_LANG": "fr"}):
        app.flask_app.preprocess_request()
        subject = tk.render("emails/reset_password_subject.txt", extra)
        body = tk.render("emails/reset_password.txt", extra)
    assert subject.strip().endswith("Données ouvertes de la Métropole de Lyon")
    assert "CKAN" not in subject + body
    assert body.count("Données ouvertes de la Métropole de Lyon") == 2
