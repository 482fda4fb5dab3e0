"""Data tables: CSV and XLSX resources loaded into CKAN's DataStore by
ckanext-xloader, through CKAN (action API, real job execution, the portal
served on 127.0.0.1 for xloader's downloads and callbacks)."""

from __future__ import annotations

import importlib.util
import io
import os
import re
import threading
from pathlib import Path

import ckan.plugins.toolkit as tk
import psycopg2
import pytest
from ckan import model
from ckan.lib import jobs as ckan_jobs
from ckan.tests import factories, helpers
from openpyxl import Workbook
from rq import SimpleWorker
from werkzeug.serving import make_server

from tests.harvesters.server import Answer
from tests.pooling.conftest import OPTIONS, car_parks, publish_car_parks, upload
from tests.views.test_french import english_on

ROOT = Path(__file__).resolve().parents[2]


def _bootstrap():
    spec = importlib.util.spec_from_file_location("bootstrap", ROOT / "config" / "bootstrap.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _datastore_options() -> dict[str, str]:
    """The DataStore of the test database (``config/bootstrap.py datastore``,
    run by ``make test-db``)."""
    bootstrap = _bootstrap()
    url = os.environ.get("CKAN_SQLALCHEMY_URL") or ""
    name = url.rsplit("/", 1)[-1] or "ckan_territoires_test"
    return {
        "ckan.datastore.write_url": bootstrap.datastore_url(name),
        "ckan.datastore.read_url": bootstrap.datastore_url(name, True),
    }


def _reachable(options: dict[str, str]) -> bool:
    try:
        psycopg2.connect(options["ckan.datastore.read_url"]).close()
    except psycopg2.Error:
        return False
    return True


DATASTORE = _datastore_options()
pytestmark = [
    pytest.mark.skipif(
        not _reachable(DATASTORE),
        reason="no DataStore database: run `config/bootstrap.py datastore <test database>`",
    ),
    *[
        pytest.mark.ckan_config(key, value)
        for key, value in {
            **OPTIONS,
            **DATASTORE,
            "ckan.plugins": OPTIONS["ckan.plugins"] + " datastore xloader datatables_view",
            "ckan.views.default_views": "datatables_view",
            "ckan.datastore.sqlsearch.enabled": "true",
            "ckanext.xloader.use_type_guessing": "true",
            "ckanext.xloader.parse_dates_dayfirst": "true",
            "ckanext.xloader.jobs_db.uri": os.environ.get("CKAN_SQLALCHEMY_URL")
            or "postgresql://ckan_territoires@127.0.0.1:5432/ckan_territoires_test",
        }.items()
    ],
    pytest.mark.usefixtures(
        "with_plugins",
        "clean_db",
        "clean_index",
        "clean_validations",
        "lyon",
        "storage",
        "xloader_site",
    ),
]


@pytest.fixture
def xloader_site(app, ckan_config, monkeypatch):
    """The test portal served on 127.0.0.1 (xloader's jobs download uploaded
    files and report their status over HTTP), and the site user's API token
    for them, as ``make run`` writes it."""
    server = make_server("127.0.0.1", 0, app.app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setitem(
        ckan_config, "ckanext.xloader.site_url", f"http://127.0.0.1:{server.server_port}"
    )
    from ckanext.territoires.pooling import tables

    monkeypatch.setitem(ckan_config, "ckanext.xloader.api_token", tables.job_token())
    yield server
    server.shutdown()
    thread.join()


def run_jobs() -> None:
    """Run the queued background jobs now, as ``ckan jobs worker`` does."""
    queues = ckan_jobs.get_all_queues() or [ckan_jobs.get_queue()]
    SimpleWorker(queues, connection=queues[0].connection).work(burst=True)
    model.Session.remove()


def table_page(app, dataset: dict, resource: dict) -> str:
    return app.get(f"/fr/dataset/{dataset['name']}/resource/{resource['id']}").body


CSV = "commune;equipement;places;ouverture\nÉcully;Gymnase;120;07/12/2026\nBron;Piscine;300;01/02/2025\n"


def test_an_uploaded_csv_is_loaded_in_the_background_with_typed_columns(app):
    dataset = factories.Dataset()
    resource = upload(dataset["id"], CSV.encode(), "equipements.csv", format="CSV")
    status = helpers.call_action("territoires_resource_validation_show", id=resource["id"])
    assert status["data_table"] is True and status["status"] == "pending"
    assert "Le tableau est en cours de chargement" in table_page(app, dataset, resource)
    run_jobs()
    assert helpers.call_action("resource_show", id=resource["id"])["datastore_active"] is True
    found = helpers.call_action("datastore_search", resource_id=resource["id"], sort="places")
    assert found["total"] == 2
    assert [record["equipement"] for record in found["records"]] == ["Gymnase", "Piscine"]
    types = {field["id"]: field["type"] for field in found["fields"]}
    assert types["places"] == "numeric" and types["ouverture"] == "timestamp"
    assert types["commune"] == "text"
    summed = helpers.call_action(
        "datastore_search_sql", sql=f'SELECT sum(places) AS total FROM "{resource["id"]}"'
    )
    assert int(summed["records"][0]["total"]) == 420
    views = helpers.call_action("resource_view_list", id=resource["id"])
    assert [view["view_type"] for view in views] == ["datatables_view"]
    status = helpers.call_action("territoires_resource_validation_show", id=resource["id"])
    assert status["status"] == "table" and status["row_count"] == 2
    body = table_page(app, dataset, resource)
    assert "Tableau de données : 2 lignes" in body
    assert "Non conforme" not in body
    # the data dictionary says what each column holds in words, not in
    # PostgreSQL's type names; the download menu is labelled in French
    assert not english_on(body), english_on(body)
    assert "list of downloadable formats" not in body
    assert 'aria-label="Formats de téléchargement"' in body
    kinds = re.findall(r'<div class="col-4">\s*([^<]*?)\s*</div>', body)
    assert kinds == ["Texte", "Texte", "Nombre", "Date et heure"], kinds


def test_a_linked_csv_is_loaded(server):
    url = server.add(
        "/equipements.csv", Answer(body=CSV.encode("latin-1"), headers={"Content-Type": "text/csv"})
    )
    dataset = factories.Dataset()
    resource = helpers.call_action(
        "resource_create", package_id=dataset["id"], url=url, format="CSV", name="Équipements"
    )
    run_jobs()
    found = helpers.call_action("datastore_search", resource_id=resource["id"], q="Écully")
    assert found["total"] == 1 and found["records"][0]["equipement"] == "Gymnase"


def test_a_link_the_ssrf_guard_refuses_is_not_loaded_and_says_why_in_french(
    app, server, monkeypatch, ckan_config
):
    monkeypatch.setitem(ckan_config, "ckanext.territoires.harvest.allowed_hosts", "")
    url = server.add(
        "/interne.csv", Answer(body=CSV.encode(), headers={"Content-Type": "text/csv"})
    )
    dataset = factories.Dataset()
    resource = helpers.call_action(
        "resource_create", package_id=dataset["id"], url=url, format="CSV"
    )
    run_jobs()
    assert server.hits("/interne.csv") == 0
    status = helpers.call_action("territoires_resource_validation_show", id=resource["id"])
    assert status["data_table"] is True and status["status"] == "error"
    assert "pas pu être chargé" in table_page(app, dataset, resource).replace("&#39;", "'")


def _xlsx() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["commune", "toilettes"])
    sheet.append(["Écully", 3])
    sheet.append(["Bron", 5])
    sheet.append(["Vaulx-en-Velin", 4])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_an_xlsx_spreadsheet_is_loaded():
    dataset = factories.Dataset()
    resource = upload(dataset["id"], _xlsx(), "toilettes.xlsx", format="XLSX")
    run_jobs()
    found = helpers.call_action("datastore_search", resource_id=resource["id"], sort="commune")
    assert found["total"] == 3
    assert found["records"][0]["commune"] == "Bron"
    assert {field["id"]: field["type"] for field in found["fields"]}["toilettes"] == "numeric"


def test_a_broken_file_gives_a_french_error_and_stays_published(app):
    dataset = factories.Dataset()
    resource = upload(dataset["id"], b"\x00\x01\x02 pas un tableur", "liste.xlsx", format="XLSX")
    run_jobs()
    status = helpers.call_action("territoires_resource_validation_show", id=resource["id"])
    assert status["data_table"] is True and status["status"] == "error"
    body = table_page(app, dataset, resource).replace("&#39;", "'")
    assert "Le tableau n'a pas pu être chargé" in body
    french = ("Le chargement a échoué", "n'a pas pu être lu comme un tableau")
    assert any(sentence in body for sentence in french), body
    assert helpers.call_action("resource_show", id=resource["id"])["state"] == "active"
    site_user = helpers.call_action("get_site_user")["name"]
    data_tab = app.get(
        f"/fr/dataset/{dataset['id']}/resource_data/{resource['id']}",
        extra_environ={"REMOTE_USER": site_user},
    )
    assert data_tab.status_code == 200
    tab = data_tab.body.replace("&#39;", "'")
    assert "Charger dans le DataStore" in tab
    assert any(sentence in tab for sentence in french)
    assert not english_on(data_tab.body), english_on(data_tab.body)
    assert "Upload" not in tab and "Express Load" not in tab


def test_a_private_table_is_not_readable_anonymously(app):
    user = factories.User()
    organisation = factories.Organization(users=[{"name": user["name"], "capacity": "editor"}])
    dataset = factories.Dataset(owner_org=organisation["id"], private=True)
    resource = upload(dataset["id"], CSV.encode(), "prive.csv", user=user, format="CSV")
    run_jobs()
    assert (
        helpers.call_action(
            "datastore_search", context={"user": user["name"]}, resource_id=resource["id"]
        )["total"]
        == 2
    )
    with pytest.raises(tk.NotAuthorized):
        helpers.call_action(
            "datastore_search",
            context={"user": "", "ignore_auth": False},
            resource_id=resource["id"],
        )
    answer = app.get(
        "/api/3/action/datastore_search", params={"resource_id": resource["id"]}, status=403
    )
    assert answer.status_code == 403
    sql = app.get(
        "/api/3/action/datastore_search_sql",
        params={"sql": f'SELECT * FROM "{resource["id"]}"'},
        status=403,
    )
    assert sql.status_code == 403


def test_a_validated_file_and_the_pooled_csv_are_searchable():
    territory = factories.Organization(siren="200046977")
    commune = factories.Organization(insee="69081")
    dataset = factories.Dataset(owner_org=commune["id"])
    resource = publish_car_parks(dataset["id"])
    run_jobs()
    found = helpers.call_action("datastore_search", resource_id=resource["id"])
    assert found["total"] == 2
    assert {record["nom"] for record in found["records"]} >= {"REPUBLIQUE"}
    pooled = helpers.call_action("package_show", id="donnees-mutualisees-stationnement")
    assert pooled["owner_org"] == territory["id"]
    rows = helpers.call_action(
        "datastore_search", resource_id=pooled["resources"][0]["id"], q="Écully"
    )
    assert rows["total"] == 2
    assert rows["records"][0]["commune_nom"] == "Écully"
    views = helpers.call_action("resource_view_list", id=resource["id"])
    assert [view["view_type"] for view in views] == ["datatables_view"]


def _xloader_jobs() -> int:
    return sum(
        "xloader" in (job.description or "")
        for queue in ckan_jobs.get_all_queues()
        for job in queue.jobs
    )


def test_an_uploaded_file_is_submitted_once():
    dataset = factories.Dataset()
    upload(dataset["id"], CSV.encode(), "equipements.csv", format="CSV")
    assert _xloader_jobs() == 1


def test_resources_of_a_dataset_created_or_updated_in_one_call_are_loaded(server):
    """Harvests and the API create and update a dataset with its resources
    (package_create, package_update): xloader alone would not load them."""
    url = server.add(
        "/moissonne.csv", Answer(body=CSV.encode(), headers={"Content-Type": "text/csv"})
    )
    dataset = factories.Dataset(
        resources=[
            {"url": url, "format": "CSV", "name": "Équipements"},
            {"url": "http://example.org/rien.pdf", "format": "PDF"},
        ]
    )
    run_jobs()
    first, pdf = dataset["resources"]
    assert helpers.call_action("datastore_search", resource_id=first["id"])["total"] == 2
    status = helpers.call_action("territoires_resource_validation_show", id=pdf["id"])
    assert status["status"] == "none"
    added = server.add(
        "/ajoute.csv", Answer(body=CSV.encode(), headers={"Content-Type": "text/csv"})
    )
    updated = helpers.call_action(
        "package_patch",
        id=dataset["id"],
        resources=[*dataset["resources"], {"url": added, "format": "CSV"}],
    )
    run_jobs()
    third = updated["resources"][2]
    assert helpers.call_action("datastore_search", resource_id=third["id"])["total"] == 2


def test_a_pdf_is_not_loaded():
    dataset = factories.Dataset()
    resource = upload(dataset["id"], b"%PDF-1.4 ...", "rapport.pdf", format="PDF")
    run_jobs()
    assert not helpers.call_action("resource_show", id=resource["id"]).get("datastore_active")
    status = helpers.call_action("territoires_resource_validation_show", id=resource["id"])
    assert status["status"] == "none" and status["data_table"] is False


def test_a_new_link_is_loaded_again(server):
    """resource_update with a new address: xloader submits it from CKAN's
    commit hook (the search backend's savepoint must not call it again)."""
    first = server.add("/v1.csv", Answer(body=CSV.encode(), headers={"Content-Type": "text/csv"}))
    second = server.add(
        "/v2.csv",
        Answer(
            body=(CSV + "Bron;Stade;5000;03/03/2024\n").encode(),
            headers={"Content-Type": "text/csv"},
        ),
    )
    dataset = factories.Dataset()
    resource = helpers.call_action(
        "resource_create", package_id=dataset["id"], url=first, format="CSV"
    )
    run_jobs()
    assert helpers.call_action("datastore_search", resource_id=resource["id"])["total"] == 2
    helpers.call_action("resource_patch", id=resource["id"], url=second)
    run_jobs()
    assert helpers.call_action("datastore_search", resource_id=resource["id"])["total"] == 3


def test_a_file_declaring_a_schema_and_the_pooled_csv_get_the_schema_s_types():
    """Typed by the Table Schema, not guessed: numbers numeric, codes text
    (an INSEE code keeps its leading zero)."""
    factories.Organization(siren="200046977")
    commune = factories.Organization(insee="69081")
    dataset = factories.Dataset(owner_org=commune["id"])
    resource = publish_car_parks(dataset["id"])
    run_jobs()
    found = helpers.call_action("datastore_search", resource_id=resource["id"])
    types = {field["id"]: field["type"] for field in found["fields"]}
    assert types["insee"] == "text" and types["num_siret"] == "text"
    assert types["nb_places"] == "numeric" and types["Xlong"] == "numeric"
    pooled = helpers.call_action("package_show", id="donnees-mutualisees-stationnement")
    rows = helpers.call_action("datastore_search", resource_id=pooled["resources"][0]["id"])
    pooled_types = {field["id"]: field["type"] for field in rows["fields"]}
    assert pooled_types["commune_insee"] == "text" and pooled_types["nb_places"] == "numeric"
    assert {record["commune_insee"] for record in rows["records"]} == {"69081"}


def test_an_ordinary_csv_s_code_column_keeps_its_leading_zero_when_declared():
    """A commune of the Ain (01): a car-park file's INSEE code is text."""
    dataset = factories.Dataset()
    data = car_parks("parkings-valide.csv").decode("utf-8").replace("75114", "01053").encode()
    resource = upload(dataset["id"], data, "parkings.csv", territoires_schema="stationnement")
    run_jobs()
    found = helpers.call_action("datastore_search", resource_id=resource["id"])
    assert {record["insee"] for record in found["records"]} == {"01053"}


def test_a_file_not_conforming_to_its_schema_still_gets_its_table(app):
    """Its values do not fit the schema's types ("beaucoup" places): the
    table is loaded with the types xloader guesses, the file flagged."""
    dataset = factories.Dataset()
    resource = publish_car_parks(dataset["id"], "parkings-invalide.csv")
    run_jobs()
    status = helpers.call_action("territoires_resource_validation_show", id=resource["id"])
    assert status["status"] == "invalid"
    assert status["table"]["status"] == "table", status["table"]
    found = helpers.call_action("datastore_search", resource_id=resource["id"])
    assert found["total"] == status["table"]["row_count"] > 0


def test_a_file_not_conforming_gets_its_table_when_validated_in_the_background(
    monkeypatch, ckan_config
):
    """As under ``make run``: the validation and the load are both jobs;
    the table typed beforehand by the schema is dropped when the file is
    found not to conform, and xloader guesses the types."""
    monkeypatch.setitem(ckan_config, "ckanext.territoires.pooling.synchronous", "false")
    dataset = factories.Dataset()
    resource = publish_car_parks(dataset["id"], "parkings-invalide.csv")
    run_jobs()
    status = helpers.call_action("territoires_resource_validation_show", id=resource["id"])
    assert status["status"] == "invalid"
    assert status["table"]["status"] == "table", status["table"]
    assert helpers.call_action("datastore_search", resource_id=resource["id"])["total"] > 0


def test_a_file_not_conforming_whose_typed_load_failed_is_loaded_again(monkeypatch, ckan_config):
    """xloader's job ran before the validation: the schema's types did not
    fit ("beaucoup" places) and the load failed; the validation that finds
    the file not conforming has it loaded again with guessed types."""
    monkeypatch.setitem(ckan_config, "ckanext.territoires.pooling.synchronous", "false")
    dataset = factories.Dataset()
    resource = publish_car_parks(dataset["id"], "parkings-invalide.csv")
    queue = ckan_jobs.get_queue()
    worker = SimpleWorker([queue], connection=queue.connection)
    queued = sorted(queue.jobs, key=lambda job: "xloader" not in (job.description or ""))
    assert "xloader" in (queued[0].description or "")
    for job in queued:
        queue.remove(job)
        worker.perform_job(job, queue)
        model.Session.remove()
    run_jobs()
    status = helpers.call_action("territoires_resource_validation_show", id=resource["id"])
    assert status["status"] == "invalid"
    assert status["table"]["status"] == "table", status["table"]
    assert helpers.call_action("datastore_search", resource_id=resource["id"])["total"] > 0
