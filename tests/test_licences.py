"""The licence register: shipped and configured by default, overridable,
labels in French and English on the pages, licences recognised from their
URIs and usual labels when datasets are created by the API."""

from __future__ import annotations

import json

import ckan.plugins.toolkit as tk
import ckan.tests.factories as factories
import ckan.tests.helpers as helpers
import pytest
from ckan import model

from ckanext.territoires import licences
from tests.conftest import TERRITORY_PLUGINS

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", TERRITORY_PLUGINS),
    pytest.mark.usefixtures("with_plugins"),
]

#: The ids French public portals use (data.gouv.fr's); the officers' form
#: preselects ``lov2``.
FRENCH_IDS = {
    "lov2",
    "fr-lo",
    "odc-odbl",
    "odc-by",
    "odc-pddl",
    "cc-by",
    "cc-by-sa",
    "cc-zero",
    "notspecified",
    "other-open",
    "other-pd",
    "other-at",
    "other-closed",
}


def test_the_shipped_register_is_ckan_s_by_default():
    assert tk.config["licenses_group_url"] == licences.register_url()
    register = model.Package.get_license_register()
    assert set(register.keys()) >= FRENCH_IDS
    lov2 = register["lov2"]
    assert lov2.url == "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
    assert lov2.isopen() and register["odc-odbl"].isopen() and register["cc-zero"].isopen()
    assert not register["notspecified"].isopen() and not register["other-closed"].isopen()
    listed = {licence["id"] for licence in helpers.call_action("license_list")}
    assert listed >= FRENCH_IDS


def test_every_licence_has_a_uri_or_is_generic():
    with open(licences.REGISTER_PATH, encoding="utf-8") as register:
        for licence in json.load(register):
            assert licence["url"] or licence["is_generic"], licence["id"]
            assert licence["title"], licence["id"]


@pytest.fixture
def own_register(tmp_path):
    path = tmp_path / "licences.json"
    path.write_text(
        json.dumps([{"id": "licence-maison", "title": "Licence maison", "url": ""}]),
        encoding="utf-8",
    )
    return "file://" + str(path)


def test_the_register_can_be_replaced_by_configuration(own_register, ckan_config, monkeypatch):
    monkeypatch.setitem(ckan_config, "licenses_group_url", own_register)
    licences.configure(ckan_config)  # as the plugin does when it (re)loads
    try:
        assert model.Package.get_license_register().keys() == ["licence-maison"]
        assert ckan_config["licenses_group_url"] == own_register
    finally:
        monkeypatch.undo()
        licences.configure(ckan_config)
    assert "lov2" in model.Package.get_license_register()


@pytest.mark.parametrize(
    "locale, title",
    [("fr", "Licence Ouverte 2.0"), ("en", "Open Licence 2.0")],
)
def test_titles_are_in_the_page_s_language(app, locale, title):
    from flask_babel import force_locale

    with app.flask_app.test_request_context("/dataset/"), force_locale(locale):
        assert dict(tk.h.license_options())["lov2"] == title
        assert model.Package.get_license_register()["lov2"].title == title


@pytest.mark.usefixtures("clean_db", "clean_index")
@pytest.mark.parametrize(
    "locale, lov2, odbl",
    [
        ("fr", "Licence Ouverte 2.0", "Licence ouverte de base de données (ODbL)"),
        ("en", "Open Licence 2.0", "Open Database License (ODbL)"),
    ],
)
def test_pages_show_the_licence_in_the_page_s_language(app, locale, lov2, odbl):
    factories.Dataset(name="arbres", license_id="lov2")
    factories.Dataset(name="velos", license_id="odc-odbl")
    dataset_page = app.get(f"/{locale}/dataset/arbres").body
    assert lov2 in dataset_page
    assert 'href="https://www.etalab.gouv.fr/licence-ouverte-open-licence/"' in dataset_page
    search_page = app.get(f"/{locale}/dataset/").body  # the Licences facet
    assert lov2 in search_page and odbl in search_page
    assert "license_id=lov2" in search_page
    sysadmin = factories.SysadminWithToken()
    form = app.get(f"/{locale}/dataset/new", headers={"Authorization": sysadmin["token"]}).body
    assert '<option value="lov2"' in form and lov2 in form


@pytest.mark.parametrize(
    "value, expected",
    [
        # ids: data.gouv.fr's, CKAN's, SPDX's
        ("lov2", "lov2"),
        ("fr-lo", "fr-lo"),
        ("odc-odbl", "odc-odbl"),
        ("cc-by", "cc-by"),
        ("LOV2", "lov2"),
        ("etalab-2.0", "lov2"),
        ("CC-BY-4.0", "cc-by"),
        ("CC-BY-SA-4.0", "cc-by-sa"),
        ("CC0-1.0", "cc-zero"),
        ("ODbL-1.0", "odc-odbl"),
        ("PDDL-1.0", "odc-pddl"),
        # Etalab and data.gouv.fr
        ("https://www.etalab.gouv.fr/licence-ouverte-open-licence/", "lov2"),
        ("https://www.etalab.gouv.fr/licence-ouverte-open-licence", "lov2"),
        ("http://etalab.gouv.fr/licence-ouverte-open-licence", "lov2"),
        (
            "https://www.etalab.gouv.fr/wp-content/uploads/2017/04/ETALAB-Licence-Ouverte-v2.0.pdf",
            "lov2",
        ),
        ("https://www.etalab.gouv.fr/wp-content/uploads/2018/11/open-licence.pdf", "lov2"),
        ("https://github.com/etalab/Licence-Ouverte/blob/master/LO.md", "lov2"),
        ("https://www.etalab.gouv.fr/wp-content/uploads/2014/05/Licence_Ouverte.pdf", "fr-lo"),
        ("https://www.etalab.gouv.fr/wp-content/uploads/2014/05/Open_Licence.pdf", "fr-lo"),
        ("http://www.etalab.gouv.fr/pages/Licence_ouverte_Open_licence-5899923.html", "fr-lo"),
        ("http://www.data.gouv.fr/Licence-Ouverte-Open-Licence", "fr-lo"),
        # opendefinition.org, opendatacommons.org
        ("http://www.opendefinition.org/licenses/cc-by", "cc-by"),
        ("https://opendefinition.org/licenses/odc-odbl/", "odc-odbl"),
        ("http://opendatacommons.org/licenses/odbl/summary/", "odc-odbl"),
        ("https://opendatacommons.org/licenses/odbl/1-0/", "odc-odbl"),
        ("http://opendatacommons.org/licenses/by/1.0/", "odc-by"),
        ("https://opendatacommons.org/licenses/pddl/", "odc-pddl"),
        # SPDX URLs
        ("https://spdx.org/licenses/CC-BY-4.0.html", "cc-by"),
        ("http://spdx.org/licenses/etalab-2.0.json", "lov2"),
        ("https://spdx.org/licenses/ODbL-1.0", "odc-odbl"),
        # creativecommons.org: http(s), with or without version, slash, page
        ("https://creativecommons.org/licenses/by/4.0/", "cc-by"),
        ("http://creativecommons.org/licenses/by/4.0", "cc-by"),
        ("https://creativecommons.org/licenses/by/", "cc-by"),
        ("https://creativecommons.org/licenses/by/3.0/fr/", "cc-by"),
        ("https://creativecommons.org/licenses/by/4.0/deed.fr", "cc-by"),
        ("https://creativecommons.org/licenses/by/4.0/legalcode", "cc-by"),
        ("http://creativecommons.org/licenses/by-sa/4.0", "cc-by-sa"),
        ("https://creativecommons.org/publicdomain/zero/1.0/", "cc-zero"),
        ("http://creativecommons.org/publicdomain/zero/1.0", "cc-zero"),
        ("https://creativecommons.org/licenses/by-nc/4.0/", "other-nc"),
        # the EU's licence table
        ("http://publications.europa.eu/resource/authority/licence/CC_BY_4_0", "cc-by"),
        ("http://publications.europa.eu/resource/authority/licence/ODC_BL", "odc-odbl"),
        # usual labels
        ("Licence ouverte", "lov2"),
        ("Licence Ouverte v2.0", "lov2"),
        ("Licence Ouverte 2.0", "lov2"),
        ("Licence Ouverte version 2.0", "lov2"),
        ("Licence Ouverte v2.0 (Etalab)", "lov2"),
        ("Licence Ouverte / Open Licence version 2.0", "lov2"),
        ("Open Licence 2.0", "lov2"),
        ("License Ouverte", "lov2"),
        ("Licence Etalab", "lov2"),
        ("Licence Ouverte 2.0 (Etalab)", "lov2"),
        ("Licence Ouverte / Open Licence", "fr-lo"),  # data.gouv.fr's title of 1.0
        ("Licence Ouverte 1.0", "fr-lo"),
        ("Licence Ouverte 1.0 http://www.data.gouv.fr/Licence-Ouverte-Open-Licence.", "fr-lo"),
        ("ODbL", "odc-odbl"),
        ("odbl", "odc-odbl"),
        ("Open Database License (ODbL)", "odc-odbl"),
        ("Open Data Commons Open Database License (ODbL)", "odc-odbl"),
        ("Licence ouverte de base de données (ODbL)", "odc-odbl"),
        ("ODC-BY", "odc-by"),
        ("CC-BY 4.0", "cc-by"),
        ("CC BY 4.0", "cc-by"),
        ("CC-BY", "cc-by"),
        ("CC BY 3.0 FR", "cc-by"),
        ("Creative Commons Attribution", "cc-by"),
        ("Creative Commons Attribution 4.0 International", "cc-by"),
        ("CC BY-SA 4.0", "cc-by-sa"),
        ("Creative Commons Attribution Share-Alike", "cc-by-sa"),
        ("CC0", "cc-zero"),
        ("CC0 1.0", "cc-zero"),
        ("Creative Commons CCZero", "cc-zero"),
        ("License Not Specified", "notspecified"),
        ("Other (Open)", "other-open"),
        ("Other (Public Domain)", "other-pd"),
        ("Domaine public", "other-pd"),
        # not licences of the register: left to the caller
        ("Open Government Licence v3.0", None),
        ("http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/", None),
        ("https://creativecommons.org/licenses/by-nd/4.0/", None),
        ("Licence Ouverte 3.0", None),
        ("Licence de la commune", None),
        ("", None),
        (None, None),
        (42, None),
    ],
)
def test_recognition(value, expected):
    assert licences.recognise(value) == expected


@pytest.mark.usefixtures("clean_db", "clean_index")
@pytest.mark.parametrize(
    "given, stored",
    [
        ("https://www.etalab.gouv.fr/licence-ouverte-open-licence", "lov2"),
        ("http://creativecommons.org/licenses/by/4.0", "cc-by"),
        ("Licence Ouverte v2.0", "lov2"),
        ("ODbL", "odc-odbl"),
        ("cc-by", "cc-by"),  # an id of the register, kept (CKAN's behaviour)
        ("uk-ogl", "uk-ogl"),  # any other value, kept (CKAN's behaviour)
        ("", ""),
    ],
)
def test_api_create_recognises_the_licence(app, given, stored):
    sysadmin = factories.SysadminWithToken()
    response = app.post(
        "/api/3/action/package_create",
        json={"name": "arbres", "title": "Arbres", "notes": "Arbres", "license_id": given},
        headers={"Authorization": sysadmin["token"]},
    )
    assert response.json["success"], response.json
    assert helpers.call_action("package_show", id="arbres")["license_id"] == stored


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_update_and_patch_recognise_the_licence_too():
    dataset = factories.Dataset(license_id="cc-by")
    helpers.call_action("package_patch", id=dataset["id"], license_id="CC0")
    assert helpers.call_action("package_show", id=dataset["id"])["license_id"] == "cc-zero"
    shown = helpers.call_action("package_show", id=dataset["id"])
    helpers.call_action(
        "package_update", **{**shown, "license_id": "https://opendatacommons.org/licenses/odbl/"}
    )
    updated = helpers.call_action("package_show", id=dataset["id"])
    assert updated["license_id"] == "odc-odbl"
    assert updated["license_url"] == "https://opendatacommons.org/licenses/odbl/1-0/"


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_a_licence_of_the_register_counts_as_open_for_the_quality(lyon):
    dataset = factories.Dataset(license_id="Licence Ouverte", territoires_coverage=["Bron"])
    assert dataset["license_id"] == "lov2"
    quality = helpers.call_action("territoires_quality_show", id=dataset["id"])
    assert {c["id"]: c["status"] for c in quality["criteria"]}["licence"] == "met"
