"""``ckan territoires demo``: the demo catalogue through the DCAT harvester."""

from __future__ import annotations

import ckan.tests.helpers as helpers
import pytest
from ckan import model
from ckan.cli.cli import ckan as ckan_command

from ckanext.territoires.harvesters import demo
from tests.harvesters.conftest import cli_runner, harvest_marks
from tests.harvesters.helpers import harvested, object_errors, show

pytestmark = harvest_marks()


def coverage(datasets, identifier):
    return show(datasets[identifier].id)["territoires_coverage"]


def test_demo_harvests_the_catalogue_with_every_coverage_form(harvest_cli, lyon):
    cli = harvest_cli
    result = cli.invoke(ckan_command, ["territoires", "demo"])
    assert result.exit_code == 0, result.output
    assert "added: 21" in result.stdout
    source = helpers.call_action("harvest_source_show", id=demo.SOURCE_NAME)
    datasets = harvested(source["id"])
    assert len(datasets) == 21
    assert coverage(datasets, "villeurbanne-bureaux-de-vote") == ["69266"]  # INSEE URI
    assert coverage(datasets, "villeurbanne-batiments-publics") == ["69266"]  # zone URL
    assert coverage(datasets, "bron-toilettes-publiques") == ["69029"]  # label
    assert coverage(datasets, "bron-stationnement-pmr") == ["69029"]  # zone id
    assert coverage(datasets, "bron-bureaux-de-vote") == ["69029"]  # publisher
    assert coverage(datasets, "caluire-toilettes") == ["69034"]  # label without hyphens
    assert coverage(datasets, "saint-fons-bureaux-de-vote") == ["69199"]  # "St-Fons"
    assert coverage(datasets, "pierre-benite-parcs") == ["69149"]  # former INSEE code
    assert coverage(datasets, "lyon-3-stationnement-pmr") == ["69123"]  # arrondissement
    assert coverage(datasets, "ecully-bureaux-de-vote") == ["69081"]  # keyword
    assert coverage(datasets, "tassin-parcs") == ["69244"]  # title
    assert coverage(datasets, "meyzieu-vaulx-stationnement-pmr") == ["69256", "69282"]
    assert coverage(datasets, "decines-batiments-publics") == ["69275"]  # bare INSEE code
    assert len(coverage(datasets, "metropole-stationnement-pmr")) == 58  # EPCI URI
    assert len(coverage(datasets, "metropole-toilettes-publiques")) == 58  # EPCI name
    # the Etalab licence of the distributions, recognised as the register's lov2
    assert {show(package.id)["license_id"] for package in datasets.values()} == {"lov2"}
    # ambiguous: reported, never guessed
    assert coverage(datasets, "sainte-foy-parcs") == []
    job = helpers.call_action("harvest_job_list", source_id=source["id"])[0]
    assert any("Sainte-Foy" in message for message in object_errors(job)["sainte-foy-parcs"])
    # published by the commune's organisation when it has one
    assert model.Group.get(datasets["bron-toilettes-publiques"].owner_org).name == "ville-de-bron"
    assert model.Group.get(datasets["tassin-parcs"].owner_org).name == "metropole-de-lyon"
    # and found on the commune pages (groups)
    assert "villeurbanne-69266" in [
        g["name"] for g in show(datasets["villeurbanne-parcs"].id)["groups"]
    ]

    again = cli.invoke(ckan_command, ["territoires", "demo"])
    assert again.exit_code == 0 and "not modified: 21" in again.stdout


def test_demo_leaves_a_harvest_under_way_to_the_consumers(harvest_cli, lyon):
    """`make run` again after a harvest started from the page: the demo step
    does not stop the portal from starting (exit 0); the job stays to finish."""
    organizations = demo.ensure_organizations()
    source = demo.ensure_source(organizations["metropole-de-lyon"])
    job = helpers.call_action("harvest_job_create", source_id=source["id"], run=False)
    result = harvest_cli.invoke(ckan_command, ["territoires", "demo"])
    assert result.exit_code == 0, result.output
    assert "already has a harvest waiting or running" in result.stdout
    assert helpers.call_action("harvest_job_show", id=job["id"])["status"] == "New"


def test_demo_links_its_organisations_and_creates_the_agent(harvest_cli, lyon):
    command = ["territoires", "demo", "--agent-password", "Mot-de-passe-2026"]
    result = harvest_cli.invoke(ckan_command, command)
    assert result.exit_code == 0, result.output
    villeurbanne = helpers.call_action("territoires_commune_show", id="69266")
    assert villeurbanne["organization"]["name"] == "ville-de-villeurbanne"
    assert villeurbanne["figures"]["published"] == 3
    metropole = helpers.call_action(
        "territoires_intercommunality_show", id="200046977", include_communes=False
    )
    assert metropole["organization"]["name"] == "metropole-de-lyon"
    assert metropole["figures"]["published"] > 0
    (agent,) = helpers.call_action("territoires_commune_agent_list", id="69266")
    assert agent["user"]["name"] == "agent-villeurbanne"
    assert agent["organization_capacity"] == "editor"
    user = model.User.get("agent-villeurbanne")
    assert user.validate_password("Mot-de-passe-2026")

    again = harvest_cli.invoke(ckan_command, command)
    assert again.exit_code == 0, again.output
    assert len(helpers.call_action("territoires_commune_agent_list", id="69266")) == 1


def test_an_earlier_demo_organisation_gets_its_code(harvest_cli, lyon):
    helpers.call_action(
        "organization_create",
        context={"user": helpers.call_action("get_site_user")["name"]},
        name="metropole-de-lyon",
        title="Métropole de Lyon",
    )
    demo.ensure_organizations()
    assert helpers.call_action("organization_show", id="metropole-de-lyon")["siren"] == "200046977"


@pytest.fixture
def pays_basque(clean_db, clean_index, with_plugins, ckan_config, monkeypatch, tmp_path):
    """A portal of the Communauté d'agglomération du Pays Basque (158 communes)."""
    from ckanext.territoires import territory
    from ckanext.territoires.communes import load
    from ckanext.territoires.referential import get_referential

    monkeypatch.setitem(ckan_config, "ckanext.territoires.scope", "epci:200067106")
    monkeypatch.setitem(ckan_config, "ckan.storage_path", str(tmp_path))
    report = load.load_territory(territory.configured_scope(), get_referential())
    assert not report.errors


def test_the_demo_of_another_territory_is_its_own(pays_basque, ckan_config, tmp_path):
    options = {key: ckan_config[key] for key in ("ckanext.territoires.scope", "ckan.storage_path")}
    harvest_cli = cli_runner(ckan_config, tmp_path, **options)
    command = ["territoires", "demo", "--agent-password", "Mot-de-passe-2026"]
    result = harvest_cli.invoke(ckan_command, command)
    assert result.exit_code == 0, result.output
    assert "Agent login (Bayonne): agent-bayonne / Mot-de-passe-2026" in result.stdout
    source = helpers.call_action("harvest_source_show", id=demo.SOURCE_NAME)
    datasets = harvested(source["id"])
    assert len(datasets) == 13
    titles = " ".join(package.title for package in datasets.values())
    assert "Lyon" not in titles and "Villeurbanne" not in titles
    # every way of writing a coverage, in the territory's own communes
    assert coverage(datasets, "bayonne-bureaux-de-vote") == ["64102"]  # INSEE URI
    assert coverage(datasets, "bayonne-toilettes-publiques") == ["64102"]  # zone URL
    assert coverage(datasets, "anglet-parcs-jardins") == ["64024"]  # label
    assert coverage(datasets, "anglet-batiments-municipaux") == ["64024"]  # zone id
    assert coverage(datasets, "biarritz-stationnement-pmr") == ["64122"]  # "Mairie de"
    assert coverage(datasets, "biarritz-toilettes-publiques") == ["64122"]  # publisher
    assert len(coverage(datasets, "ca-du-pays-basque-stationnement-pmr")) == 158  # EPCI
    # a commune outside the territory: reported, not placed
    assert coverage(datasets, "pau-parcs-jardins") == []
    job = helpers.call_action("harvest_job_list", source_id=source["id"])[0]
    assert object_errors(job)["pau-parcs-jardins"]
    # organisations of the territory, linked to their place; the agent on Bayonne
    bayonne = helpers.call_action("territoires_commune_show", id="64102")
    assert bayonne["organization"]["name"] == "ville-de-bayonne"
    assert bayonne["figures"]["published"] > 0
    (agent,) = helpers.call_action("territoires_commune_agent_list", id="64102")
    assert agent["user"]["name"] == "agent-bayonne"
    assert model.Group.get("metropole-de-lyon") is None

    again = harvest_cli.invoke(ckan_command, command)
    assert again.exit_code == 0 and "not modified: 13" in again.stdout


def test_a_new_territory_retires_the_earlier_demo(
    harvest_cli, lyon, ckan_config, monkeypatch, tmp_path
):
    """`TERRITOIRES_SCOPE=epci:200067106 make run` on a Lyon portal: the Lyon
    demo's datasets and organisations go, what a person published stays."""
    from ckanext.territoires import territory
    from ckanext.territoires.communes import load
    from ckanext.territoires.referential import get_referential

    assert harvest_cli.invoke(ckan_command, ["territoires", "demo"]).exit_code == 0
    site_user = helpers.call_action("get_site_user")["name"]
    kept = helpers.call_action(
        "package_create",
        context={"user": site_user},
        name="registre-publie-a-la-main",
        title="Registre publié à la main",
        notes="Publié par un agent de Bron.",
        owner_org=model.Group.get("ville-de-bron").id,
    )
    (tmp_path / "basque").mkdir()
    monkeypatch.setitem(ckan_config, "ckanext.territoires.scope", "epci:200067106")
    monkeypatch.setitem(ckan_config, "ckan.storage_path", str(tmp_path / "basque"))
    assert not load.load_territory(territory.configured_scope(), get_referential()).errors
    options = {key: ckan_config[key] for key in ("ckanext.territoires.scope", "ckan.storage_path")}
    basque_cli = cli_runner(ckan_config, tmp_path / "basque", **options)
    result = basque_cli.invoke(ckan_command, ["territoires", "demo"])
    assert result.exit_code == 0, result.output
    assert "added: 13" in result.stdout

    source = helpers.call_action("harvest_source_show", id=demo.SOURCE_NAME)
    datasets = harvested(source["id"])
    assert len(datasets) == 13
    titles = [
        dataset["title"]
        for dataset in helpers.call_action("package_search", include_private=True, rows=100)[
            "results"
        ]
    ]
    assert not any("Villeurbanne" in title or "Lyon" in title for title in titles)
    organizations = helpers.call_action("organization_list", all_fields=True)
    names = {organization["name"] for organization in organizations}
    assert "metropole-de-lyon" not in names and "ville-de-villeurbanne" not in names
    # the organisation holding a dataset published by hand is kept, with it
    assert "ville-de-bron" in names
    assert helpers.call_action("package_show", id=kept["id"])["state"] == "active"
    assert "ville-de-bayonne" in names
