"""The dataset form of officers: a short first step with the file or link,
everything else under "More details", each error naming its field; one
step to a published dataset (``/dataset/publish``)."""

from __future__ import annotations

import html
import io
import json
import re

import ckan.tests.factories as factories
import ckan.tests.helpers as helpers
import pytest
from ckan import model
from ckan.model.license import LicenseRegister

from tests.conftest import TERRITORY_PLUGINS
from tests.views.conftest import auth

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", TERRITORY_PLUGINS),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "lyon"),
]

THEME = "http://publications.europa.eu/resource/authority/data-theme/"


@pytest.fixture
def agent():
    organisation = factories.Organization(name="commune-ecully", insee="69081")
    user = factories.UserWithToken()
    helpers.call_action("territoires_commune_agent_add", id="69081", username=user["name"])
    return {"user": user, "organization": organisation}


def form_of(body: str) -> str:
    start = body.find('<form id="dataset-edit"')
    return body[start : body.find("</form>", start)]


def first_step(form: str) -> str:
    return form[: form.find("<details")]


def details(form: str) -> str:
    return form[form.find("<details") : form.find("</details>")]


def selected(form: str, name: str) -> list[str]:
    select = re.search(r'<select[^>]*name="%s".*?</select>' % name, form, re.S).group(0)
    return re.findall(r'<option[^>]*value="([^"]*)"[^>]*selected', select)


def errors_listed(body: str) -> list[str]:
    box = body[body.find("error-explanation") : body.find("</ul>", body.find("error-explanation"))]
    return [
        html.unescape(" ".join(item.split()))
        for item in re.findall(r"<li[^>]*>(.*?)</li>", box, re.S)
    ]


def publish(app, agent, lang="", **fields):
    data = {
        "title": "Bancs publics",
        "notes": "Les bancs de la commune.",
        "owner_org": agent["organization"]["id"],
        "territoires_coverage": "69081",
        "private": "False",
        "license_id": "notspecified",
        **fields,
    }
    return app.post(
        f"{lang}/dataset/publish", headers=auth(agent["user"]), data=data, follow_redirects=False
    )


def test_the_first_step_is_short_and_prefilled_for_an_agent(app, agent):
    form = form_of(app.get("/dataset/new", headers=auth(agent["user"])).body)
    assert 'action="/dataset/publish"' in form and 'enctype="multipart/form-data"' in form
    step = first_step(form)
    for field in (
        'name="title"',
        'name="notes"',
        'name="resources__0__upload"',
        'name="resources__0__url"',
        'name="territoires_coverage"',
        'name="theme"',
        'name="license_id"',
        'name="owner_org"',
        'name="private"',
    ):
        assert field in step, field
    assert step.index('name="notes"') < step.index('name="resources__0__url"')
    assert step.index('name="resources__0__url"') < step.index('name="territoires_coverage"')
    assert selected(step, "territoires_coverage") == ["69081"]
    assert selected(step, "owner_org") == [agent["organization"]["id"]]
    assert selected(step, "license_id") == ["lov2"]  # Licence Ouverte 2.0, from the shipped register
    assert 'name="private"' in step and "checked" not in step  # visibility: no default
    more = details(form)
    assert "<details" in more and " open" not in more.split(">")[0]
    for field in ('name="tag_string"', 'name="contact-0-email"', 'name="frequency"'):
        assert field in more and field not in step


def test_the_themes_are_the_eu_themes_with_french_labels(app, agent):
    form = form_of(app.get("/fr/dataset/new", headers=auth(agent["user"])).body)
    options = dict(
        re.findall(r'<option value="(%s[A-Z_]+)">([^<]+)</option>' % re.escape(THEME), form)
    )
    assert options[THEME + "ENVI"] == "Environnement"
    assert options[THEME + "SOCI"] == "Population et société"
    assert len(options) == 14
    for label in ("Titre", "Fichier ou lien", "Visibilité", "Plus de détails", "Publier"):
        assert label in html.unescape(form), label


def test_the_licence_ouverte_is_preselected_when_registered(app, agent, tmp_path, monkeypatch):
    register = tmp_path / "licences.json"
    register.write_text(
        json.dumps(
            [
                {
                    "id": "lov2",
                    "title": "Licence Ouverte 2.0",
                    "url": "https://www.etalab.gouv.fr/licence-ouverte-open-licence",
                    "od_conformance": "approved",
                },
                {
                    "id": "odc-odbl",
                    "title": "ODbL",
                    "url": "https://opendatacommons.org/licenses/odbl/",
                    "od_conformance": "approved",
                },
            ]
        )
    )
    licences = LicenseRegister.__new__(LicenseRegister)
    licences.load_licenses("file://" + str(register))
    monkeypatch.setattr(model.Package, "_license_register", licences, raising=False)
    form = form_of(app.get("/dataset/new", headers=auth(agent["user"])).body)
    assert selected(form, "license_id") == ["lov2"]


def test_every_error_names_its_field_in_french(app, agent):
    response = publish(
        app, agent, lang="/fr", title="", notes="", private="", **{"resources__0__url": ""}
    )
    assert response.status_code == 200
    assert errors_listed(response.body) == [
        "Titre : Valeur manquante",
        "Description : Valeur manquante",
        "Fichier ou lien : Ajoutez un fichier ou un lien vers les données.",
        "Visibilité : Choisissez qui peut voir le jeu de données : tout le monde, ou l'organisation.",
    ]
    assert "URL" not in " ".join(errors_listed(response.body))
    assert model.Session.query(model.Package).count() == 0
    # the values typed are kept, the first step stays short
    form = form_of(response.body)
    assert " open" not in details(form).split(">")[0]
    assert selected(form, "territoires_coverage") == ["69081"]


def test_an_error_under_more_details_opens_them(app, agent):
    response = publish(
        app, agent, name="Pas Une URL", **{"resources__0__url": "https://example.org/bancs.csv"}
    )
    assert response.status_code == 200
    assert [error.split(":")[0] for error in errors_listed(response.body)] == ["URL"]
    assert '<details class="territoires-more-details" open>' in response.body


def test_publish_with_a_file_in_one_step(app, agent):
    response = app.post(
        "/dataset/publish",
        headers=auth(agent["user"]),
        data={
            "title": "Bancs publics",
            "notes": "Les bancs de la commune.",
            "owner_org": agent["organization"]["id"],
            "territoires_coverage": "69081",
            "theme": THEME + "GOVE",
            "license_id": "notspecified",
            "private": "False",
            "resources__0__upload": (io.BytesIO(b"id;rue\n1;Grande rue\n"), "bancs.csv"),
            "resources__0__url": "",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.location.endswith("/dataset/bancs-publics")
    dataset = helpers.call_action("package_show", id="bancs-publics")
    assert dataset["theme"] == [THEME + "GOVE"] and dataset["private"] is False
    (resource,) = dataset["resources"]
    assert resource["url_type"] == "upload" and resource["name"] == "bancs.csv"
    download = app.get(resource["url"].replace("http://test.ckan.net", ""))
    assert b"Grande rue" in download.data
    commune = helpers.call_action("territoires_commune_show", id="69081")
    assert commune["figures"]["published"] == 1


def test_a_file_chosen_before_an_error_is_asked_again(app, agent):
    response = app.post(
        "/dataset/publish",
        headers=auth(agent["user"]),
        data={"title": "", "resources__0__upload": (io.BytesIO(b"x"), "bancs.csv")},
    )
    assert "Choose the file bancs.csv again." in response.body


def test_editing_keeps_the_layout_without_the_file(app, agent):
    dataset = factories.Dataset(
        owner_org=agent["organization"]["id"],
        private=True,
        theme=[THEME + "ENVI", "Mobilité douce"],
        territoires_coverage=["69081"],
    )
    body = app.get(f"/dataset/edit/{dataset['name']}", headers=auth(agent["user"])).body
    form = form_of(body)
    assert 'name="resources__0__url"' not in form and 'action=""' in form
    assert re.search(r'value="True"\s+checked', form) or 'value="True" checked' in form
    assert selected(form, "theme") == [THEME + "ENVI", "Mobilité douce"]  # a free theme is kept
    response = app.post(
        f"/dataset/edit/{dataset['name']}",
        headers=auth(agent["user"]),
        data={
            "_ckan_phase": "dataset_new_1",
            "pkg_name": dataset["id"],
            "save": "",
            "title": "Nouveau titre",
            "name": dataset["name"],
            "notes": "x",
            "owner_org": agent["organization"]["id"],
            "private": "True",
            "territoires_coverage": "69081",
            "theme": [THEME + "ENVI", "Mobilité douce"],
        },
        follow_redirects=False,
    )
    assert response.status_code == 302, errors_listed(response.body)
    updated = helpers.call_action("package_show", id=dataset["id"])
    assert updated["title"] == "Nouveau titre" and updated["theme"] == [
        THEME + "ENVI",
        "Mobilité douce",
    ]


def test_the_fields_left_empty_are_not_given(app, agent):
    response = publish(
        app,
        agent,
        frequency="",
        tag_string="",
        theme="",
        **{"resources__0__url": "https://example.org/bancs.csv", "temporal_coverage-0-start": ""},
    )
    assert response.status_code == 303, errors_listed(response.body)
    dataset = helpers.call_action("package_show", id="bancs-publics")
    assert not dataset.get("frequency") and not dataset.get("theme")


def test_a_draft_goes_on_with_ckans_second_stage(app, agent):
    draft = factories.Dataset(owner_org=agent["organization"]["id"], state="draft")
    body = app.get(f"/dataset/edit/{draft['name']}", headers=auth(agent["user"])).body
    form = form_of(body)
    assert 'action="/dataset/new"' in form
    assert f'name="pkg_name" value="{draft["id"]}"' in form
    assert 'name="resources__0__url"' not in form
    response = app.post(
        "/dataset/new",
        headers=auth(agent["user"]),
        data={
            "_ckan_phase": "dataset_new_1",
            "pkg_name": draft["id"],
            "save": "",
            "title": "Brouillon",
            "name": draft["name"],
            "notes": "x",
            "owner_org": agent["organization"]["id"],
            "private": "False",
        },
        follow_redirects=False,
    )
    assert response.status_code == 302
    assert response.location.endswith(f"/dataset/{draft['name']}/resource/new")
