"""memo.per_request: a function's answers kept for one request only."""

from __future__ import annotations

import ckan.logic as logic
import ckan.plugins.toolkit as tk
import pytest

from ckanext.territoires import memo
from tests.conftest import TERRITORY_PLUGINS
from tests.views.conftest import places  # the fixture of the pages' datasets


def counted():
    calls = []

    @memo.per_request
    def double(value, twice=True):
        calls.append(value)
        return [value * (2 if twice else 1)]

    return double, calls


def test_answers_are_kept_for_the_request_only(app):
    double, calls = counted()
    with app.flask_app.test_request_context():
        first = double(2)
        assert double(2) is first and double(3) == [6] and double(2, twice=False) == [2]
        assert calls == [2, 3, 2]
    with app.flask_app.test_request_context():
        assert double(2) == [4]
        assert calls == [2, 3, 2, 2]  # a new request computes again


def test_outside_a_request_or_with_unhashable_arguments_it_just_calls(app):
    double, calls = counted()
    double(1)
    double(1)
    with app.flask_app.test_request_context():
        double((1,))
        double((1,))  # a tuple: kept
        double([1])
        double([1])  # a list: not hashable, computed each time
    assert calls == [1, 1, (1,), [1], [1]]


@pytest.mark.ckan_config("ckan.plugins", TERRITORY_PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_the_dataset_page_reads_its_organisation_once(app, places, monkeypatch):
    shown = []
    original = tk.get_action("organization_show")

    def organization_show(context, data_dict):
        shown.append(data_dict["id"])
        return original(context, data_dict)

    monkeypatch.setitem(logic._actions, "organization_show", organization_show)
    page = app.get("/dataset/ecully-bancs")
    assert page.status_code == 200 and "Ville d&#39;Écully" in page.body
    assert shown == [places.ecully_org["id"]]  # the sidebar is rendered twice
