"""The dataset schema: no optional field left empty makes a request fail.

The fields are read from ``schemas/dataset.yaml`` itself, so that a field
added to the schema is covered. Each optional field is left empty in CKAN's
web forms (new dataset and edit, submitted as a browser does: every field of
the form, the CSRF token, the login cookie) and given as ``""`` and as null
to ``package_create`` and ``package_update``.
"""

from __future__ import annotations

from importlib import resources

import ckan.plugins.toolkit as tk
import ckan.tests.factories as factories
import ckan.tests.helpers as helpers
import pytest
import yaml

from tests.conftest import TERRITORY_PLUGINS
from tests.support.forms import form_values, login, replace

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", TERRITORY_PLUGINS),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "lyon"),
]

THEME = "http://publications.europa.eu/resource/authority/data-theme/"
PASSWORD = "Mot-de-passe-2026"


def _dataset_fields() -> list[dict]:
    text = resources.files("ckanext.territoires.schemas").joinpath("dataset.yaml").read_text()
    return yaml.safe_load(text)["dataset_fields"]


OPTIONAL = [field["field_name"] for field in _dataset_fields() if not field.get("required")]

#: A value for each field of the schema, so that emptying it is a change.
FILLED = {
    "territoires_coverage": ["Bron"],
    "tag_string": "eau,arbres",
    "contact": [{"name": "Service SIG", "email": "sig@example.org"}],
    "publisher": [{"name": "Ville de Bron", "uri": "http://example.org/bron"}],
    "creator": [{"name": "Service des espaces verts"}],
    "license_id": "cc-by",
    "temporal_coverage": [{"start": "2020-01-01", "end": "2021-12-31"}],
    "frequency": "MONTHLY",
    "spatial_coverage": [{"uri": "http://id.insee.fr/geo/commune/69029"}],
    "theme": [THEME + "ENVI"],
    "access_rights": "Accès public",
    "issued": "2020-01-01",
    "modified": "2021-06-30",
    "created": "2019-05-02",
    "language": ["fr"],
    "conforms_to": ["http://www.opengis.net/def/crs/EPSG/0/2154"],
    "territoires_harvest_source": "Catalogue de Bron",
    "territoires_harvest_source_id": "source-bron",
    "territoires_source_url": "http://example.org/bron/arbres",
    "territoires_source_identifier": "arbres",
    "territoires_source_uri": "http://example.org/bron/arbres#dataset",
    "territoires_harvested": "2026-01-01T00:00:00",
    "territoires_harvest_status": "active",
    "territoires_withdrawn_since": "2026-01-01",
    "provenance": "Relevé des arbres par le service des espaces verts.",
    "thumbnail": "https://example.org/bron/arbres.png",
    "rights_holder": [{"name": "Ville de Bron"}],
    "hvd_category": ["http://data.europa.eu/bna/c_dd313021"],
    "original_keywords": ["Arbres & plantations"],
}


def test_every_optional_field_has_a_value_here():
    """A field added to the schema needs a value in FILLED (for the edit tests)."""
    assert set(OPTIONAL) - {"name", "owner_org"} <= set(FILLED)


def _filled_dataset(**extra) -> dict:
    organization = factories.Organization()
    return factories.Dataset(owner_org=organization["id"], **{**FILLED, **extra})


def _is_empty(value) -> bool:
    if isinstance(value, list):
        return all(_is_empty(item) for item in value)
    if isinstance(value, dict):
        return all(_is_empty(item) for item in value.values())
    return value in (None, "", tk.missing)


def _form_field(field_name: str) -> bool:
    """Whether CKAN's form shows the field (scheming's expanded schema)."""
    from ckanext.scheming.helpers import scheming_get_dataset_schema

    schema = scheming_get_dataset_schema("dataset")
    field = next(f for f in schema["dataset_fields"] if f["field_name"] == field_name)
    return field.get("form_snippet", "") is not None


def _browser(app):
    """A logged-in sysadmin's browser."""
    user = factories.Sysadmin(password=PASSWORD)
    client = app.test_client()
    login(client, user["name"], PASSWORD)
    return client


def _left_empty(field_name: str) -> dict[str, str]:
    """What a person also chooses when leaving the field empty: the
    organisation, or public visibility without one (CKAN's rule: a dataset
    without organisation cannot be private, the form's default)."""
    if field_name == "owner_org":
        return {"private": "False"}
    return {"owner_org": factories.Organization()["id"]}


@pytest.mark.parametrize("field_name", OPTIONAL)
def test_the_new_dataset_form_accepts_the_field_left_empty(app, field_name):
    if not _form_field(field_name):
        pytest.skip(f"{field_name} is not in the form")
    client = _browser(app)
    values = form_values(client.get("/dataset/new").body, "dataset-edit", empty=field_name)
    given = {"title": "Arbres", "notes": "Arbres d'alignement", **_left_empty(field_name)}
    if field_name != "name":
        given["name"] = "arbres"
    response = client.post(
        "/dataset/new", data=replace(values, save="continue", **given), follow_redirects=False
    )
    if field_name == "name":  # CKAN requires it: a form error, not a failure
        assert response.status_code == 200 and "error-explanation" in response.body
        return
    assert response.status_code == 302, response.body
    created = helpers.call_action("package_show", id="arbres")
    assert _is_empty(created.get(field_name))
    assert client.get("/dataset/").status_code == 200


@pytest.mark.parametrize("field_name", OPTIONAL)
def test_the_edit_form_accepts_the_field_emptied(app, field_name):
    if not _form_field(field_name):
        pytest.skip(f"{field_name} is not in the form")
    dataset = _filled_dataset(name="arbres")
    client = _browser(app)
    values = form_values(client.get("/dataset/edit/arbres").body, "dataset-edit", empty=field_name)
    response = client.post(
        "/dataset/edit/arbres",
        data=replace(values, save="", **_left_empty(field_name)),
        follow_redirects=False,
    )
    if field_name == "name":
        assert response.status_code == 200 and "error-explanation" in response.body
        return
    assert response.status_code == 302, response.body
    assert _is_empty(helpers.call_action("package_show", id=dataset["id"]).get(field_name))


@pytest.mark.parametrize("value", ["", None], ids=["empty", "null"])
@pytest.mark.parametrize("field_name", OPTIONAL)
def test_package_create_accepts_the_field_empty(field_name, value):
    data = {"name": "arbres", "title": "Arbres", "notes": "Arbres d'alignement", field_name: value}
    if field_name == "name":
        with pytest.raises(tk.ValidationError) as error:
            helpers.call_action("package_create", **data)
        assert "name" in error.value.error_dict
        return
    created = helpers.call_action("package_create", **data)
    assert _is_empty(created.get(field_name))


@pytest.mark.parametrize("value", ["", None], ids=["empty", "null"])
@pytest.mark.parametrize("field_name", OPTIONAL)
def test_package_update_accepts_the_field_empty(field_name, value):
    dataset = _filled_dataset()
    data = {**dataset, field_name: value}
    if field_name == "name":
        with pytest.raises(tk.ValidationError) as error:
            helpers.call_action("package_update", **data)
        assert "name" in error.value.error_dict
        return
    helpers.call_action("package_update", **data)
    shown = helpers.call_action("package_show", id=dataset["id"])
    if field_name == "owner_org" and value is None:
        # CKAN's rule: a null organisation leaves the dataset where it is
        assert shown["owner_org"] == dataset["owner_org"]
    elif field_name.startswith("territoires_") and field_name != "territoires_coverage":
        # provenance belongs to the harvester: an edit without it keeps it
        assert shown[field_name] == FILLED[field_name]
    else:
        assert _is_empty(shown.get(field_name)), shown.get(field_name)
