"""The PostgreSQL search backend, exercised through CKAN itself.

Datasets are created with CKAN's factories and actions on the real test
database; searches go through ``package_search`` and the web app, exactly as
portal users and re-users reach them.
"""

from __future__ import annotations

import ckan.tests.factories as factories
import ckan.tests.helpers as helpers
import pytest
import sqlalchemy as sa
from ckan import model
from ckan.cli.cli import ckan as ckan_command
from ckan.lib import search
from ckan.lib.search.common import SearchQueryError

from ckanext.territoires.search.connection import PostgresSearchConnection

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", "territoires_search territoires"),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]


def search_names(**params):
    context = params.pop("context", None)
    result = helpers.call_action("package_search", context=context, **params)
    return sorted(r["name"] for r in result["results"]), result


def as_user(user):
    return {"user": user["name"] if user else "", "ignore_auth": False}


class TestWiring:
    def test_ckan_and_harvest_get_the_postgresql_connection(self):
        import ckanext.harvest.logic.action.update as harvest_update
        from ckan.lib.search import common, index, query

        for module in (common, index, query, search, harvest_update):
            assert isinstance(module.make_connection(), PostgresSearchConnection)

    def test_startup_check_reports_the_index_table(self):
        assert search.check_solr_schema_version() is True


class TestIndexing:
    def test_create_update_delete_follow_the_dataset(self):
        dataset = factories.Dataset(name="espaces-verts", title="Parcs et jardins")
        assert search_names(q="jardins")[0] == ["espaces-verts"]

        helpers.call_action("package_patch", id=dataset["id"], title="Squares publics")
        assert search_names(q="jardins")[0] == []
        assert search_names(q="squares")[0] == ["espaces-verts"]

        helpers.call_action("package_delete", id=dataset["id"])
        assert search_names(q="squares")[0] == []

    def test_index_row_is_written_in_the_dataset_transaction(self):
        dataset = factories.Dataset()
        package_xmin = model.Session.execute(
            sa.text("SELECT xmin::text FROM package WHERE id = :id"), {"id": dataset["id"]}
        ).scalar()
        index_xmin = model.Session.execute(
            sa.text("SELECT xmin::text FROM territoires_search_index WHERE id = :id"),
            {"id": dataset["id"]},
        ).scalar()
        assert index_xmin == package_xmin

    def test_rolled_back_dataset_is_not_indexed(self):
        package = model.Package(name="never-committed")
        model.Session.add(package)
        model.Session.flush()
        model.Session.rollback()
        assert search_names(q="never-committed")[0] == []


class TestFrenchText:
    @pytest.mark.parametrize(
        "query, title",
        [
            ("velo", "Stations Vélo'v de la Métropole"),
            ("ecully", "Bureaux de vote d'Écully"),
            ("saint etienne", "Parkings de Saint-Étienne"),
            ("saint-etienne", "Parkings de Saint-Étienne"),
            ("bibliotheques", "Bibliothèque municipale"),
            ("ÉQUIPEMENTS", "Équipements sportifs"),
        ],
    )
    def test_accents_case_and_hyphens_are_folded(self, query, title):
        factories.Dataset(name="target", title=title)
        factories.Dataset(name="decoy", title="Qualité de l'air")
        assert search_names(q=query)[0] == ["target"]

    def test_notes_tags_and_resources_are_searched(self):
        factories.Dataset(name="toilettes", notes="Liste des toilettes publiques")
        factories.Dataset(name="parkings", tags=[{"name": "stationnement"}])
        factories.Dataset(
            name="transports", resources=[{"url": "http://x.fr/r.csv", "name": "Arrêts de tramway"}]
        )
        assert search_names(q="publiques")[0] == ["toilettes"]
        assert search_names(q="stationnement")[0] == ["parkings"]
        assert search_names(q="tramway")[0] == ["transports"]

    def test_title_matches_rank_before_notes_matches(self):
        factories.Dataset(name="in-notes", title="Divers", notes="Parcs de la ville")
        factories.Dataset(name="in-title", title="Parcs", notes="Divers")
        result = helpers.call_action("package_search", q="parcs")
        assert [r["name"] for r in result["results"]] == ["in-title", "in-notes"]

    def test_minimum_match_of_dismax(self):
        factories.Dataset(name="both", title="Piscines municipales Lyon")
        factories.Dataset(name="one", title="Piscines de Villeurbanne")
        # two terms: both required (mm 2<-1)
        assert search_names(q="piscines lyon")[0] == ["both"]
        # three terms: one may be missing
        assert search_names(q="piscines lyon gratuites")[0] == ["both"]


class TestFilters:
    def test_facet_style_filters(self):
        org = factories.Organization(name="grand-lyon")
        group = factories.Group(name="ecully")
        factories.Dataset(
            name="match",
            owner_org=org["id"],
            groups=[{"name": group["name"]}],
            tags=[{"name": "mobilité"}],
            license_id="odc-odbl",
            resources=[{"url": "http://x.fr/a.csv", "format": "CSV"}],
        )
        factories.Dataset(
            name="other",
            tags=[{"name": "culture"}],
            resources=[{"url": "http://x.fr/a.pdf", "format": "PDF"}],
        )
        for fq in (
            "organization:grand-lyon",
            "groups:ecully",
            'tags:"mobilité"',
            "res_format:CSV",
            "license_id:odc-odbl",
            '+res_format:"CSV" +tags:mobilité',
            "res_format:(CSV OR XLS)",
            "-tags:culture",
            "name:mat*",
        ):
            assert search_names(fq=fq)[0] == ["match"], fq

    def test_lucene_q_with_fields_and_booleans(self):
        factories.Dataset(name="alpha", title="Alpha", tags=[{"name": "eau"}])
        factories.Dataset(name="beta", title="Beta", tags=[{"name": "air"}])
        factories.Dataset(name="gamma", title="Gamma", tags=[{"name": "eau"}])
        assert search_names(q="tags:eau")[0] == ["alpha", "gamma"]
        assert search_names(q="tags:eau AND -name:gamma")[0] == ["alpha"]
        assert search_names(q="name:alpha OR name:beta")[0] == ["alpha", "beta"]
        assert search_names(q="title:gamma")[0] == ["gamma"]
        assert search_names(q="(tags:air OR tags:eau) AND NOT name:alpha")[0] == ["beta", "gamma"]

    def test_extras_and_vocabulary_fields(self):
        vocab = helpers.call_action(
            "vocabulary_create", name="themes", tags=[{"name": "environnement"}]
        )
        factories.Dataset(
            name="with-extras",
            extras=[{"key": "frequence", "value": "annuelle"}],
            tags=[{"name": "environnement", "vocabulary_id": vocab["id"]}],
        )
        factories.Dataset(name="plain")
        assert search_names(fq="extras_frequence:annuelle")[0] == ["with-extras"]
        assert search_names(fq="vocab_themes:environnement")[0] == ["with-extras"]

    def test_date_ranges_with_now(self):
        factories.Dataset(name="recent")
        assert search_names(fq="metadata_modified:[NOW-1DAY TO NOW]")[0] == ["recent"]
        assert search_names(fq="metadata_modified:[* TO 2000-01-01T00:00:00Z]")[0] == []
        assert search_names(fq="metadata_created:[2000-01-01T00:00:00Z TO *]")[0] == ["recent"]

    def test_drafts_only_with_include_drafts_for_their_creator(self):
        user = factories.User()
        factories.Dataset(name="published", user=user)
        factories.Dataset(name="brouillon", state="draft", user=user)
        assert search_names()[0] == ["published"]
        names, _ = search_names(include_drafts=True, context=as_user(user))
        assert names == ["brouillon", "published"]


class TestFacetsSortPaging:
    def test_facets_limit_and_mincount(self):
        for index in range(3):
            factories.Dataset(tags=[{"name": "commun"}, {"name": "t%d" % index}])
        result = helpers.call_action(
            "package_search", **{"facet.field": '["tags"]', "facet.limit": -1}
        )
        items = {i["name"]: i["count"] for i in result["search_facets"]["tags"]["items"]}
        assert items == {"commun": 3, "t0": 1, "t1": 1, "t2": 1}
        result = helpers.call_action(
            "package_search", **{"facet.field": '["tags"]', "facet.limit": 1}
        )
        assert [i["name"] for i in result["search_facets"]["tags"]["items"]] == ["commun"]
        result = helpers.call_action(
            "package_search", **{"facet.field": '["tags"]', "facet.mincount": 2}
        )
        assert [i["name"] for i in result["search_facets"]["tags"]["items"]] == ["commun"]

    @pytest.mark.parametrize(
        "sort, expected",
        [
            ("title_string asc", ["bb", "cc", "aa"]),
            ("title_string desc", ["aa", "cc", "bb"]),
            ("name asc", ["aa", "bb", "cc"]),
            ("metadata_created desc", ["cc", "bb", "aa"]),
            ("metadata_modified asc", ["aa", "bb", "cc"]),
        ],
    )
    def test_sorts(self, sort, expected):
        factories.Dataset(name="aa", title="Zones")
        factories.Dataset(name="bb", title="Arbres")
        factories.Dataset(name="cc", title="Mobilier")
        result = helpers.call_action("package_search", sort=sort)
        assert [r["name"] for r in result["results"]] == expected

    def test_rows_and_start_page_through_everything_once(self):
        for index in range(7):
            factories.Dataset(name="d%d" % index)
        seen = []
        for start in range(0, 7, 3):
            result = helpers.call_action("package_search", rows=3, start=start, sort="name asc")
            assert result["count"] == 7
            seen += [r["name"] for r in result["results"]]
        assert seen == ["d%d" % i for i in range(7)]

    @pytest.mark.parametrize("facets", [{}, {"facet.field": '["tags"]'}])
    def test_count_is_right_on_any_page(self, facets):
        # The count comes from the facet statement, or from the page itself,
        # or from a count of its own when the page is past the end.
        for index in range(3):
            factories.Dataset(name="d%d" % index, tags=[{"name": "tt"}])
        for rows, start, names in ((2, 0, ["d0", "d1"]), (2, 2, ["d2"]), (2, 5, []), (0, 0, [])):
            result = helpers.call_action(
                "package_search", rows=rows, start=start, sort="name asc", **facets
            )
            assert result["count"] == 3, (rows, start)
            assert [r["name"] for r in result["results"]] == names
        result = helpers.call_action("package_search", q="introuvable", **facets)
        assert result["count"] == 0 and result["results"] == []

    def test_fl_returns_only_the_requested_fields(self):
        dataset = factories.Dataset(name="rivers", title="Rivières")
        result = helpers.call_action("package_search", q="rivieres", fl="id,name")
        assert result["results"] == [{"id": dataset["id"], "name": "rivers"}]

    def test_statements_per_search_do_not_grow_with_rows(self):
        for _ in range(30):
            factories.Dataset(tags=[{"name": "xx"}])
        engine = model.meta.engine
        counts = []
        for rows in (2, 30):
            statements = []

            def count(conn, cursor, statement, *args, statements=statements):
                statements.append(statement)

            sa.event.listen(engine, "before_cursor_execute", count)
            try:
                helpers.call_action(
                    "package_search",
                    rows=rows,
                    **{"facet.field": '["tags", "organization", "res_format"]'},
                )
            finally:
                sa.event.remove(engine, "before_cursor_execute", count)
            counts.append(len(statements))
        assert counts[0] == counts[1]


class TestPrivateDatasets:
    @pytest.fixture
    def world(self):
        member = factories.User()
        outsider = factories.User()
        org = factories.Organization(users=[{"name": member["name"], "capacity": "member"}])
        factories.Dataset(name="public-one", owner_org=org["id"], tags=[{"name": "shared"}])
        factories.Dataset(
            name="secret-one",
            owner_org=org["id"],
            private=True,
            tags=[{"name": "shared"}, {"name": "confidentiel"}],
        )
        return {
            "member": member,
            "outsider": outsider,
            "org": org,
            "sysadmin": factories.Sysadmin(),
        }

    @pytest.mark.parametrize(
        "who, visible",
        [
            (None, ["public-one"]),
            ("outsider", ["public-one"]),
            ("member", ["public-one", "secret-one"]),
            ("sysadmin", ["public-one", "secret-one"]),
        ],
    )
    def test_results_counts_and_facets_follow_permissions(self, world, who, visible):
        user = world[who] if who else None
        names, result = search_names(
            context=as_user(user), include_private=True, **{"facet.field": '["tags"]'}
        )
        assert names == visible
        assert result["count"] == len(visible)
        tags = {i["name"]: i["count"] for i in result["search_facets"]["tags"]["items"]}
        assert tags["shared"] == len(visible)
        assert ("confidentiel" in tags) == ("secret-one" in visible)

    def test_private_never_shown_without_include_private(self, world):
        names, _ = search_names(context=as_user(world["member"]))
        assert names == ["public-one"]


class TestBadQueries:
    @pytest.mark.parametrize(
        "params",
        [
            {"q": "{!child of=type:parent}title:x"},
            {"fq": "{!frange l=1}ms(NOW)"},
            {"q": '_val_:"recip(1,1,1,1)"'},
            {"q": "title:(unbalanced"},
            {"q": "title:velo~2"},
            {"sort": "metadata_modified"},
        ],
    )
    def test_api_answers_400_with_a_message(self, app, params):
        response = app.get("/api/3/action/package_search", query_string=params, status=400)
        body = response.json
        assert body["success"] is False
        assert body["error"]["__type"] == "Search Query Error"

    def test_action_raises_search_query_error(self):
        with pytest.raises(SearchQueryError):
            helpers.call_action("package_search", q="{!lucene}x")

    def test_search_page_shows_an_error_not_a_crash(self, app):
        # CKAN's dataset search page answers a bad query with its 400 page.
        response = app.get("/dataset/", query_string={"q": "title:(oops"}, status=400)
        assert "Invalid search query" in response.body


class TestPages:
    def test_pages_answer_200(self, app):
        org = factories.Organization(name="metropole")
        group = factories.Group(name="caluire")
        factories.Dataset(
            name="arbres",
            title="Arbres d'alignement",
            owner_org=org["id"],
            groups=[{"name": group["name"]}],
        )
        for url in (
            "/",
            "/dataset/",
            "/dataset/arbres",
            "/organization/metropole",
            "/group/caluire",
            "/dataset/?q=arbres&tags=x",
        ):
            response = app.get(url)
            assert response.status_code == 200, url
        assert "Arbres d" in app.get("/dataset/?q=arbres").body
        assert "Arbres d" in app.get("/group/caluire").body


class TestSearchIndexCommand:
    def test_rebuild_check_show_clear(self, cli):
        dataset = factories.Dataset(name="indexed", title="Indexé")
        model.Session.execute(sa.text("DELETE FROM territoires_search_index"))
        model.Session.commit()
        assert search_names(q="indexe")[0] == []

        result = cli.invoke(ckan_command, ["search-index", "check"])
        assert "Packages not indexed = 1 out of 1" in result.output

        result = cli.invoke(ckan_command, ["search-index", "rebuild", "-o"])
        assert result.exit_code == 0, result.output
        assert search_names(q="indexe")[0] == ["indexed"]

        result = cli.invoke(ckan_command, ["search-index", "show", dataset["id"]])
        assert result.exit_code == 0, result.output
        assert "indexed" in result.output

        result = cli.invoke(ckan_command, ["search-index", "clear"])
        assert result.exit_code == 0, result.output
        assert search_names()[0] == []

        result = cli.invoke(ckan_command, ["search-index", "rebuild"])
        assert result.exit_code == 0, result.output
        assert search_names()[0] == ["indexed"]


class TestSolrStaysReachable:
    def test_solr_mode_gives_ckan_its_own_connection_back(self):
        import pysolr
        from ckan.lib.search import common

        from ckanext.territoires.search import backend

        backend.uninstall()
        try:
            assert isinstance(common.make_connection(), pysolr.Solr)
            assert search.check_solr_schema_version is not backend.check_index_table
        finally:
            backend.install()
        assert isinstance(common.make_connection(), PostgresSearchConnection)


def test_a_search_inside_a_transaction_fires_no_commit_hook():
    """A search made while the caller's changes are pending (a package_show
    from a before_commit observer, as ckanext-xloader's) must not fire the
    session's before_commit again: CKAN's modification observers would run
    again, and again (RecursionError)."""
    dataset = factories.Dataset()
    fired = []

    def count(session):
        fired.append(session)

    resource = model.Package.get(dataset["id"])
    resource.notes = "changed, not committed"
    sa.event.listen(model.Session, "before_commit", count)
    try:
        helpers.call_action("package_show", id=dataset["id"])
        helpers.call_action("package_search", q="name:" + dataset["name"])
    finally:
        sa.event.remove(model.Session, "before_commit", count)
        model.Session.rollback()
    assert fired == []
