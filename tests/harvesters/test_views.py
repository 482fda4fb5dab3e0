"""The "Preview" page of a harvest source (``/harvest/preview/<source>``):
the dry run in the page, in French, for the source's editors only."""

from __future__ import annotations

import ckan.tests.factories as factories
import ckan.tests.helpers as helpers
from ckan import model
from ckanext.harvest.model import HarvestJob, HarvestObject

from tests.harvesters.conftest import harvest_marks
from tests.harvesters.helpers import create_source, harvested, run
from tests.harvesters.server import Answer, fixture_bytes

pytestmark = harvest_marks()


def token(user: dict) -> dict[str, str]:
    return {"Authorization": user["token"]}


def catalogue(server) -> str:
    return server.add(
        "/catalog",
        Answer(200, fixture_bytes("dcat", "catalog.xml"), {"Content-Type": "application/rdf+xml"}),
    )


def test_the_preview_shows_what_a_harvest_would_do_in_french(app, server):
    source = create_source(catalogue(server), "territoires_dcat", {"pin": "Bron"}, name="cat")
    sysadmin = factories.SysadminWithToken()
    page = app.get("/fr/harvest/preview/cat", headers=token(sysadmin)).body
    assert "Prévisualisation du moissonnage" in page
    assert "Rien n'a été enregistré" in page
    assert "Jeux de données listés par la source" in page and "À créer" in page
    assert "Communes trouvées" in page and "Bron" in page
    assert "créer" in page  # what the harvest would do with each record
    assert "trouvées dans" in page  # where the coverage comes from
    # nothing written
    assert model.Session.query(HarvestJob).count() == 0
    assert model.Session.query(HarvestObject).count() == 0
    assert harvested(source["id"]) == {}


def test_the_preview_after_a_harvest_says_unchanged(app, server):
    source = create_source(catalogue(server), "territoires_dcat", {"pin": "Bron"}, name="cat")
    run(source)
    sysadmin = factories.SysadminWithToken()
    page = app.get("/fr/harvest/preview/cat", headers=token(sysadmin)).body
    assert "inchangé" in page and "À créer</th>\n            <td>0</td>" in page


def test_an_unreadable_source_is_said_on_the_page(app, server):
    url = server.add("/catalog", Answer(500, b"down"))
    create_source(url, "territoires_dcat", name="down")
    sysadmin = factories.SysadminWithToken()
    page = app.get("/fr/harvest/preview/down", headers=token(sysadmin)).body
    assert "La source ne peut pas être lue" in page and "HTTP 500" in page
    assert "Un moissonnage maintenant ne changerait rien." in page


def test_the_buttons_lead_to_the_preview(app, server):
    create_source(catalogue(server), "territoires_dcat", name="cat")
    sysadmin = factories.SysadminWithToken()
    for path in ("/fr/harvest/admin/cat", "/fr/harvest/cat"):
        page = app.get(path, headers=token(sysadmin)).body
        assert 'href="/fr/harvest/preview/cat"' in page and "Prévisualiser" in page
    assert "/harvest/preview/" not in app.get("/fr/harvest/cat").body  # visitors


def test_only_editors_preview(app, server):
    organization = factories.Organization()
    create_source(catalogue(server), "territoires_dcat", owner_org=organization["id"], name="cat")
    visitor = factories.UserWithToken()  # not a member of the source's organization
    assert app.get("/harvest/preview/cat", headers=token(visitor), status=403)
    assert app.get("/harvest/preview/cat", status=403)
    sysadmin = factories.SysadminWithToken()
    assert app.get("/harvest/preview/nope", headers=token(sysadmin), status=404)


def test_an_editor_of_the_source_organization_previews(app, server):
    editor = factories.UserWithToken()
    organization = factories.Organization(users=[{"name": editor["name"], "capacity": "editor"}])
    create_source(catalogue(server), "territoires_dcat", owner_org=organization["id"], name="cat")
    page = app.get("/fr/harvest/preview/cat", headers=token(editor)).body
    assert "Prévisualisation du moissonnage" in page
    helpers.call_action("harvest_source_show", id="cat")


def test_the_preview_shows_the_fields_of_the_source_kept_or_lost(app, server):
    """The fidelity table of ``ckan territoires harvest fidelity``, for the
    records the preview describes: what they carry, what would be kept."""
    from tests.harvesters.kinds import test_csw

    source = create_source(test_csw.mount(server), "territoires_csw", {"pin": "*"}, name="iso")
    preview = helpers.call_action("territoires_harvest_preview", id=source["id"], limit=3)
    fields = {row["field"]: row for row in preview["fidelity"]["fields"]}
    assert preview["fidelity"]["records"] == 3
    assert fields["lineage"]["carried"] == fields["lineage"]["kept"] == 3
    assert fields["licence"]["carried"] == fields["licence"]["kept"] == 3
    sysadmin = factories.SysadminWithToken()
    page = app.get("/fr/harvest/preview/iso", headers=token(sysadmin)).body
    assert "Les champs de la source, un par un" in page
    assert "Généalogie" in page and "Langues" in page and "Date de création" in page
    assert "Portés par les enregistrements" in page
    assert "lineage" not in page and "access_rights" not in page  # no raw code
    # nothing written
    assert model.Session.query(HarvestObject).count() == 0
