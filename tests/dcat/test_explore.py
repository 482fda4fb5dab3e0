import pytest
import ckan.tests.factories as factories
import ckan.tests.helpers as helpers
from tests.conftest import TERRITORY_PLUGINS
from tests.dcat.conftest import import_catalogue, violations, REAL_CATALOGUES

pytestmark = [pytest.mark.ckan_config("ckan.plugins", TERRITORY_PLUGINS),
              pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "lyon")]

def test_explore(app, shapes):
    org = factories.Organization(extras=[{"key": "insee", "value": "69029"}], title="Ville de Bron")
    for name in REAL_CATALOGUES:
        import_catalogue(name, owner_org=org["id"], territoires_coverage=["Bron"],
                         extras=[{"key": "territoires_source_url", "value": "https://example.org/x"},
                                 {"key": "territoires_source_identifier", "value": "x-1"}])
    res = app.get("/catalog.ttl"); print(res.status_code); ttl = res.body
    open("/tmp/dcat_catalog.ttl", "w").write(ttl)
    v = violations(ttl, shapes)
    open("/tmp/dcat_violations.txt", "w").write("\n\n".join(v))
    print(len(v))
    assert not v

def test_show(app):
    ds = import_catalogue("udata.xml", territoires_coverage=["Bron"])
    import json
    print(json.dumps(helpers.call_action("package_show", id=ds[0]["id"]), indent=1)[:3000])

def test_direct(app):
    for name in REAL_CATALOGUES:
        import_catalogue(name, territoires_coverage=["Bron"],
                         extras=[{"key": "territoires_source_url", "value": "https://example.org/x"},
                                 {"key": "territoires_source_identifier", "value": "x-1"}])
    from ckanext.dcat.processors import RDFSerializer
    ds = helpers.call_action("package_search")["results"]
    print(RDFSerializer().serialize_catalog({}, ds, _format="ttl")[:300])
