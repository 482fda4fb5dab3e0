"""Metadata quality actions: territoires_quality_commune_list (per commune,
with the caller's permissions, as the place figures count) and
territoires_quality_commune_show (one commune, its datasets to improve).
territoires_quality_show has its tests in tests/quality/test_assessment.py."""

from __future__ import annotations

import ckan.plugins.toolkit as tk
import ckan.tests.helpers as helpers
import pytest

from tests.conftest import TERRITORY_PLUGINS
from tests.quality.conftest import team

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", TERRITORY_PLUGINS),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "lyon"),
]


def test_commune_figures_quality_matches_the_commune_list(app, team):
    """The commune page takes its quality summary from the figures of its own
    search: the same numbers as territoires_quality_commune_list, with the
    caller's permissions."""
    for user in ("", team["editor"]["name"]):
        with app.flask_app.test_request_context():
            figures = helpers.call_action(
                "territoires_package_search",
                context={"user": user},
                id="69029",
                include_figures=True,
            )["figures"]
            listed = helpers.call_action(
                "territoires_quality_commune_list", context={"user": user}, insee="69029"
            )
        bron = listed["communes"][0]
        assert figures["quality"] == {
            key: bron[key] for key in ("datasets", "average", "levels", "missing")
        }
    assert figures["quality"]["datasets"] == 2  # the editor's private one counts


def test_commune_list_for_one_commune_matches_the_whole_list(app, team):
    with app.flask_app.test_request_context():
        whole = helpers.call_action("territoires_quality_commune_list", context={"user": ""})
        one = helpers.call_action(
            "territoires_quality_commune_list", context={"user": ""}, insee="69029"
        )
    assert [row["insee"] for row in one["communes"]] == ["69029"]
    bron = next(row for row in whole["communes"] if row["insee"] == "69029")
    assert one["communes"][0] == bron


def test_commune_list_for_an_unknown_code_is_empty(app, team):
    with app.flask_app.test_request_context():
        for code in ("75056", 'x" OR *:*'):
            result = helpers.call_action(
                "territoires_quality_commune_list", context={"user": ""}, insee=code
            )
            assert result["communes"] == [] and result["overall"]["datasets"] == 0


def test_commune_show_matches_the_list_and_lists_the_lowest_scores_first(app, team):
    for user in ("", team["editor"]["name"]):
        with app.flask_app.test_request_context():
            shown = helpers.call_action(
                "territoires_quality_commune_show",
                context={"user": user, "ignore_auth": False},
                id="bron-69029",
            )
            listed = helpers.call_action(
                "territoires_quality_commune_list",
                context={"user": user, "ignore_auth": False},
                insee="69029",
            )
        assert shown["commune"] == listed["communes"][0]
        assert shown["criteria"] == listed["criteria"] and shown["levels"] == listed["levels"]
        titles = [dataset["title"] for dataset in shown["datasets"]]
        scores = [dataset["territoires_quality"] for dataset in shown["datasets"]]
        assert scores == sorted(scores)
        assert titles == (["Complet"] if not user else ["Privé maigre", "Complet"])
    assert shown["commune"]["datasets"] == 2  # the editor's private one counts


def test_commune_show_by_code_rows_and_bad_input(app, team):
    with app.flask_app.test_request_context():
        by_code = helpers.call_action(
            "territoires_quality_commune_show",
            context={"user": "", "ignore_auth": False},
            id="69029",
            rows=0,
        )
        assert by_code["commune"]["group"] == "bron-69029" and by_code["datasets"] == []
        assert by_code["commune"]["datasets"] == 1
        for params, field in (({"id": ""}, "id"), ({"id": "69029", "rows": -1}, "rows")):
            with pytest.raises(tk.ValidationError) as error:
                helpers.call_action("territoires_quality_commune_show", **params)
            assert field in error.value.error_dict
        with pytest.raises(tk.ObjectNotFound):
            helpers.call_action("territoires_quality_commune_show", id="75056")


def test_commune_show_is_public_through_the_api(app, team):
    response = app.get(
        "/api/action/territoires_quality_commune_show", query_string={"id": "ecully-69081"}
    )
    assert response.json["result"]["commune"]["insee"] == "69081"
    assert [d["title"] for d in response.json["result"]["datasets"]] == ["Maigre"]
