"""French first, English complete: the pages in both languages."""

from __future__ import annotations

import ckan.plugins.toolkit as tk
import ckan.tests.helpers as helpers
import pytest

from tests.conftest import TERRITORY_PLUGINS

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", TERRITORY_PLUGINS),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]


@pytest.mark.parametrize(
    "url, french, english",
    [
        (
            "/commune/ecully-69081",
            [
                "Chiffres clés",
                "Jeux de données publiés par la commune",
                "Jeux de données par thème",
                "Environnement",
                "Identité",
                "Concernant la commune",
                "Flux Atom des jeux de données",
            ],
            [
                "Key figures",
                "Datasets published by the commune",
                "Datasets by theme",
                "Environment",
                "Identity",
                "Covering the commune",
                "Atom feed of the datasets",
            ],
        ),
        (
            "/communes",
            [
                "Communes du territoire : Métropole de Lyon",
                "Trouver une commune par son nom ou son code postal",
                "58 communes",
            ],
            [
                "Communes of Métropole de Lyon",
                "Find a commune by name or postal code",
                "58 communes",
            ],
        ),
        (
            "/intercommunalite/metropole-de-lyon-200046977",
            ["Communes membres", "58 communes membres", "Métropole à statut particulier (Lyon)"],
            ["Member communes", "58 member communes", "Metropolis with special status (Lyon)"],
        ),
        (
            "/",
            [
                "Les communes du territoire : Métropole de Lyon",
                "Communes les plus actives",
                "Communes mises à jour récemment",
            ],
            [
                "The communes of Métropole de Lyon",
                "Most active communes",
                "Recently updated communes",
            ],
        ),
    ],
)
def test_pages_in_french_and_english(app, places, url, french, english):
    body_fr = app.get("/fr" + url).body
    body_en = app.get("/en" + url).body
    for fr_text, en_text in zip(french, english, strict=False):
        assert fr_text in body_fr, fr_text
        assert en_text in body_en, en_text
        if fr_text != en_text:
            assert en_text not in body_fr, en_text


@pytest.mark.ckan_config("ckan.locale_default", "fr")
def test_french_is_the_default_when_configured(app, lyon):
    assert "Trouver une commune par son nom ou son code postal" in app.get("/communes").body


def test_dataset_form_labels_and_coverage_errors_in_french(app, lyon):
    import ckan.tests.factories as factories

    sysadmin = factories.SysadminWithToken()
    form = app.get("/fr/dataset/new", headers={"Authorization": sysadmin["token"]}).body
    assert "Communes couvertes" in form and "Mots-clés" in form and "Tout le territoire (" in form
    response = app.post(
        "/fr/dataset/new",
        headers={"Authorization": sysadmin["token"]},
        data={
            "name": "bancs",
            "title": "Bancs",
            "notes": "x",
            "territoires_coverage": ["Paris"],
            "save": "continue",
        },
    )
    assert (
        "Paris (75 Paris, INSEE 75056) n&#39;est pas dans le territoire (Métropole de Lyon)."
        in response.body
    )


def test_validator_errors_in_french(app, lyon):
    with app.flask_app.test_request_context("/fr/"):
        app.flask_app.preprocess_request()
        from flask import request

        request.environ["CKAN_LANG"] = "fr"
        with pytest.raises(tk.ValidationError) as error:
            helpers.call_action("territoires_resolve", q="Sainte-Colombe", scope="all")
    message = error.value.error_dict["q"][0]
    assert "est ambigu" in message and "Pour choisir, ajoutez le département" in message
    assert "Sainte-Colombe (69 Rhône, INSEE 69189)" in message


def test_javascript_strings_in_french(app, ckan_config, monkeypatch, tmp_path):
    """CKAN's JavaScript modules (upload and link buttons, confirmations,
    autocomplete, slug preview) read their strings from /api/i18n/<lang>,
    built from CKAN's catalogue and ours, whatever server runs the portal
    (``ckan run`` builds it at start, other servers do not)."""
    monkeypatch.setitem(ckan_config, "ckan.storage_path", str(tmp_path))
    french = app.get("/api/i18n/fr").json
    assert french[""]["lang"] == "fr"
    # CKAN's French
    assert french["Upload"] == [None, "Envoi"] and french["Link"] == [None, "Lien"]
    assert french["Cancel"] == [None, "Annuler"]
    # ours, where CKAN's catalogue has none or a poorer one
    assert french["Close"] == [None, "Fermer"]
    assert french["Please select the file to upload again"] == [
        None,
        "Veuillez choisir à nouveau le fichier à envoyer",
    ]
    assert french["Edit"] == [None, "Modifier"] and french["Remove"] == [None, "Retirer"]
    assert french["Input is too short, must be at least one character"] == [
        None,
        "Saisissez au moins un caractère",
    ]


def test_the_data_table_viewer_speaks_french(app, ckan_config, monkeypatch, tmp_path):
    """CKAN's data table viewer (datatables_view, on every resource with a
    data table) has no French in CKAN's own catalogue: its buttons said
    "Sort", "Print", "Refit"... on French pages. Every one of its strings
    has French now, in its scripts' strings and in its templates."""
    import polib
    from ckan.lib.i18n import get_ckan_i18n_dir

    catalogue = polib.pofile(f"{get_ckan_i18n_dir()}/ckan.pot")
    viewer = [
        entry.msgid
        for entry in catalogue
        if any("datatablesview" in path for path, _ in entry.occurrences)
    ]
    assert "Sort" in viewer
    monkeypatch.setitem(ckan_config, "ckan.storage_path", str(tmp_path))
    french = app.get("/api/i18n/fr").json
    scripts = [msgid for msgid in viewer if msgid in french or msgid == "Sort"]
    untranslated = [msgid for msgid in scripts if not (french.get(msgid) or [None, ""])[1]]
    assert not untranslated
    assert french["Sort"] == [None, "Tri"]
    with app.flask_app.test_request_context():
        from flask import request

        request.environ["CKAN_LANG"] = "fr"
        same_in_french = {"Table"}
        assert [msgid for msgid in viewer if tk._(msgid) == msgid] == sorted(same_in_french)
