"""Search inputs are bounded (issue #16, 3): oversized, deeply nested, NUL
and invalid Unicode input is refused with the project's own message naming
the parameter (400 through the API), never PostgreSQL's text, never a 500;
searches run under a ``statement_timeout``."""

from __future__ import annotations

import datetime
import json

import ckan.tests.factories as factories
import ckan.tests.helpers as helpers
import pytest
import sqlalchemy as sa
from ckan import model
from ckan.lib.search.common import SearchError, SearchQueryError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ckanext.territoires.search import connection, guard

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", "territoires_search territoires"),
    pytest.mark.usefixtures("with_plugins"),
]

API = "/api/3/action/package_search"


def _post(app, params: dict, status=None):
    return app.post(
        API,
        data=json.dumps(params),
        headers={"Content-Type": "application/json"},
        status=status,
    )


def test_nesting_depth_ignores_escaped_and_quoted_parentheses():
    assert guard.nesting_depth("a (b (c)) d") == 2
    assert guard.nesting_depth(r'\(\(\( "((((" x') == 0
    assert guard.nesting_depth("(" * 5000) == 5000


HOSTILE = [
    ({"q": "x" * 150_000}, "q"),
    ({"q": " ".join(["mot"] * 65)}, "q"),
    ({"q": "(" * 9 + "x" + ")" * 9}, "q"),
    ({"fq": "(" * 5000 + "x" + ")" * 5000}, "fq"),
    ({"fq": "title:" + "x" * 3000}, "fq"),
    ({"fq_list": ["title:x"] * 17}, "fq"),
    ({"q": "arbres\x00"}, "q"),
    ({"fq": "title:\x00"}, "fq"),
    ({"fq_list": ["title:a", "name:\x00"]}, "fq_list"),
    ({"q": "arbres \ud800"}, "q"),
    ({"fq": "title:\udfff"}, "fq"),
    ({"sort": "title_string asc\x00"}, "sort"),
]


@pytest.mark.usefixtures("clean_db", "clean_index")
@pytest.mark.parametrize(("params", "name"), HOSTILE)
def test_api_refuses_with_a_400_naming_the_parameter(app, params, name):
    response = _post(app, params, status=400)
    body = response.json
    assert body["success"] is False
    assert body["error"]["__type"] == "Search Query Error"
    message = body["error"]["message"]
    assert name in message
    for postgresql in ("HINT", "stack depth", "psycopg", "NUL (0x00)", "surrogate"):
        assert postgresql not in message


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_refusals_are_in_french_on_french_requests(app):
    response = app.post(
        "/fr" + API,
        data=json.dumps({"q": "x" * 5000}),
        headers={"Content-Type": "application/json"},
        status=400,
    )
    assert "trop long" in response.json["error"]["message"]


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_search_page_answers_400_not_500(app):
    app.get("/dataset/", query_string={"q": "x\x00"}, status=400)
    app.get("/dataset/", query_string={"q": "(" * 50 + "x"}, status=400)


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_reasonable_searches_still_work():
    factories.Dataset(title="Arbres d'alignement")
    result = helpers.call_action(
        "package_search", q="arbres", fq="(title:arbres OR name:arbres)", fq_list=["+state:active"]
    )
    assert result["count"] == 1


@pytest.mark.usefixtures("clean_db", "clean_index")
@pytest.mark.ckan_config("ckanext.territoires.search.max_q_length", "10")
def test_limits_are_options():
    with pytest.raises(SearchQueryError):
        helpers.call_action("package_search", q="x" * 11)
    helpers.call_action("package_search", q="x" * 10)


@pytest.mark.usefixtures("clean_db", "clean_index")
@pytest.mark.ckan_config("ckanext.territoires.search.statement_timeout", "50")
def test_statement_timeout_stops_a_search_with_the_projects_message(monkeypatch):
    """A statement slower than the option is stopped by PostgreSQL; the
    caller reads the project's message, not PostgreSQL's."""

    def slow(self, request):
        model.Session.execute(sa.text("SELECT pg_sleep(2)"))

    monkeypatch.setattr(connection.PostgresSearchConnection, "_run", slow)
    with pytest.raises(SearchError) as raised:
        helpers.call_action("package_search", q="arbres")
    message = str(raised.value)
    assert "too long" in message and "canceling" not in message


PARAM_VALUES = st.one_of(
    st.text(max_size=60),
    st.text(alphabet="()[]{}:\"'\\*?~^+-!&| ATONRxyz0123456789", max_size=80),
    st.lists(st.text(max_size=20), max_size=4),
    st.integers(min_value=-5, max_value=10**6),
    st.none(),
)
PARAMS = st.dictionaries(
    st.sampled_from(
        [
            "q",
            "fq",
            "fq_list",
            "sort",
            "rows",
            "start",
            "facet.field",
            "facet.limit",
            "defType",
            "q.op",
            "mm",
            "qf",
            "df",
            "fl",
            "include_private",
        ]
    ),
    PARAM_VALUES,
    max_size=5,
)


@pytest.mark.usefixtures("clean_db", "clean_index")
@settings(
    max_examples=60,
    deadline=datetime.timedelta(seconds=30),  # far above the statement_timeout
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(params=PARAMS)
def test_no_search_parameters_make_a_500(app, params):
    response = _post(app, params)
    assert response.status_code < 500, (params, response.body[:500])
    if response.status_code >= 400:
        assert "HINT" not in response.body and "psycopg" not in response.body
