"""The EU vocabularies: one parser of theme values, frequencies, labels
translated through the catalogue."""

from __future__ import annotations

import pytest

from ckanext.territoires import translations, vocabularies
from tests.conftest import TERRITORY_PLUGINS

EU_THEME = "http://publications.europa.eu/resource/authority/data-theme/"


def code(term):
    return term.code if term else None


@pytest.mark.parametrize(
    "value, by_code, by_label",
    [
        (EU_THEME + "ENVI", "ENVI", "ENVI"),
        ("https://publications.europa.eu/resource/authority/data-theme/TRAN/", "TRAN", "TRAN"),
        ("HTTPS://PUBLICATIONS.EUROPA.EU/resource/authority/data-theme/envi", "ENVI", "ENVI"),
        (EU_THEME + "OP_DATPRO", "OP_DATPRO", "OP_DATPRO"),
        ("agri", "AGRI", "AGRI"),
        (" Agri ", "AGRI", "AGRI"),
        (EU_THEME + "NOPE", None, None),
        (EU_THEME + "Environment", None, "ENVI"),
        ("Transport", None, "TRAN"),
        ("Régions et villes", None, "REGI"),
        ("regions and cities", None, "REGI"),
        ("Données provisoires", None, "OP_DATPRO"),
        ("http://inspire.ec.europa.eu/theme/tn", None, None),
        ("vélos", None, None),
        ("", None, None),
        (None, None, None),
    ],
)
def test_theme_by_iri_or_code_and_by_label(value, by_code, by_label):
    assert code(vocabularies.theme(value, labels=False)) == by_code
    assert code(vocabularies.theme(value)) == by_label


def test_theme_uri():
    assert vocabularies.theme_uri(vocabularies.theme("envi")) == EU_THEME + "ENVI"


@pytest.mark.parametrize(
    "value, uri",
    [
        ("MONTHLY", "MONTHLY"),
        ("http://publications.europa.eu/resource/authority/frequency/WEEKLY", "WEEKLY"),
        ("http://purl.org/cld/freq/annual", "ANNUAL"),
        ("semiannual", "ANNUAL_2"),
        ("mensuelle", "MONTHLY"),
        # labels, in English and (from the catalogue) in French
        ("Every two weeks", "BIWEEKLY"),
        ("Toutes les deux semaines", "BIWEEKLY"),
        ("Mise à jour continue", "UPDATE_CONT"),
        ("Jamais mise à jour", "NEVER"),
        ("daily_2", "DAILY_2"),
        ("sometimes", None),
        ("https://example.org/monthly", None),
        ("", None),
    ],
)
def test_frequency_uri(value, uri):
    expected = vocabularies.FREQUENCY_BASE + uri if uri else None
    assert vocabularies.frequency_uri(value) == expected


def test_labels_in_every_locale_come_from_the_catalogue():
    environment = vocabularies.theme("ENVI").label
    assert translations.in_every_locale(environment) == {
        "en": "Environment",
        "fr": "Environnement",
    }


@pytest.mark.ckan_config("ckan.plugins", TERRITORY_PLUGINS)
@pytest.mark.usefixtures("with_plugins")
@pytest.mark.parametrize(
    "lang, health, monthly",
    [("en", "Health", "Monthly"), ("fr", "Santé", "Mensuelle")],
)
def test_theme_label_renders_in_the_page_language(app, lang, health, monthly):
    from ckanext.territoires import helpers

    with app.flask_app.test_request_context("/", environ_base={"CKAN_LANG": lang}):
        assert vocabularies.theme_label(EU_THEME + "HEAL") == health
        assert vocabularies.theme_label("heal") == health
        # any other value is shown as it is, even one that reads like a label
        assert vocabularies.theme_label("Vélo") == "Vélo"
        assert vocabularies.theme_label("Health") == "Health"
        choices = {c["value"]: c["label"] for c in helpers.territoires_frequency_choices()}
        assert choices[vocabularies.FREQUENCY_BASE + "MONTHLY"] == monthly
