"""Template helpers: dates in the order and time zone of the portal, names
of the territorial group types, values worth showing."""

from __future__ import annotations

import datetime

import ckan.plugins.toolkit as tk
import pytest

from ckanext.territoires import helpers
from tests.conftest import TERRITORY_PLUGINS

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", TERRITORY_PLUGINS),
    pytest.mark.usefixtures("with_plugins"),
]

WINTER = "2026-12-06T18:07:31.123456"  # UTC, as CKAN stores it
NEW_YEAR = datetime.datetime(2023, 12, 31, 23, 30)  # 1 January 2024 in Paris


def in_language(app, lang):
    from flask import request

    context = app.flask_app.test_request_context(f"/{lang}/", environ_overrides={"CKAN_LANG": lang})
    context.push()
    app.flask_app.preprocess_request()
    request.environ["CKAN_LANG"] = lang
    return context


@pytest.mark.parametrize(
    "lang, date, with_hours, with_seconds",
    [
        ("fr", "6 décembre 2026", "6 décembre 2026 à 19:07", "6 décembre 2026 à 19:07:31"),
        ("en", "December 6, 2026", "December 6, 2026 at 19:07", "December 6, 2026 at 19:07:31"),
    ],
)
def test_dates_in_the_order_of_the_language_and_in_paris_time(
    app, lang, date, with_hours, with_seconds
):
    context = in_language(app, lang)
    try:
        assert tk.h.render_datetime(WINTER) == date
        assert tk.h.render_datetime(WINTER, with_hours=True) == with_hours
        assert tk.h.render_datetime(WINTER, with_seconds=True) == with_seconds
        # CKAN's own formats are kept
        assert tk.h.render_datetime(WINTER, date_format="%Y-%m-%d %H:%M") == "2026-12-06 19:07"
        assert tk.h.render_datetime("not a date") == "" and tk.h.render_datetime(None) == ""
    finally:
        context.pop()


def test_the_first_of_the_month_in_french(app):
    context = in_language(app, "fr")
    try:
        assert tk.h.render_datetime(NEW_YEAR) == "1er janvier 2024"
    finally:
        context.pop()


@pytest.mark.ckan_config("ckan.display_timezone", "UTC")
def test_the_time_zone_is_an_option(app):
    context = in_language(app, "fr")
    try:
        assert tk.h.render_datetime(WINTER, with_hours=True) == "6 décembre 2026 à 18:07"
    finally:
        context.pop()


def test_group_type_words(app):
    context = in_language(app, "fr")
    try:
        assert tk.h.humanize_entity_type("group", "commune", "edit label") == "Modifier la commune"
        assert tk.h.humanize_entity_type("group", "commune", "breadcrumb") == "Communes"
        assert tk.h.humanize_entity_type("group", "group", "edit label") is None  # CKAN's
    finally:
        context.pop()


def test_has_value():
    assert not helpers.territoires_has_value(None)
    assert not helpers.territoires_has_value("  ")
    assert not helpers.territoires_has_value([{"uri": "", "name": None}])
    assert helpers.territoires_has_value([{"uri": "", "name": "Ville de Bron"}])
    assert helpers.territoires_has_value(0)


def test_population_with_its_definition_year_and_source(app):
    context = in_language(app, "fr")
    try:
        lyon = tk.h.territoires_population("commune", "69123")
        assert lyon["value"] == 519127
        assert lyon["label"] == "Population municipale 2023 (Insee)"
        assert "1er janvier 2023" in lyon["definition"] or "1 janvier 2023" in lyon["definition"]
        metropole = tk.h.territoires_population("intercommunalite", "200046977")
        assert metropole["label"] == "Population municipale 2023 (Insee)"
        assert metropole["value"] == 1436354  # the sum of its communes, not populationTotale
        assert tk.h.territoires_population("commune", "99999") is None
    finally:
        context.pop()
