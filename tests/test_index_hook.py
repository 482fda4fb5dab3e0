"""The ``territoires`` plugin's ``before_dataset_index`` (extent, territory,
quality): the document it gives for each dataset is the one the
straightforward computation gives, however many datasets the process
indexed before (what it keeps from one dataset to the next: the parsed
``validated_data_dict``, the open licences, the extents of the geometries),
and what it keeps follows the licence register and the outlines."""

from __future__ import annotations

import copy
import json
import math
from typing import Any

import ckan.tests.factories as factories
import ckan.tests.helpers as helpers
import pytest
import shapely
from ckan import model, plugins

from ckanext.territoires.communes import index as communes_index
from ckanext.territoires.geography import index as geography_index
from ckanext.territoires.geography.extents import read_extents
from ckanext.territoires.geography.outlines import Outlines, get_outlines
from ckanext.territoires.quality import assessment, criteria, links
from ckanext.territoires.quality import index as quality_index
from ckanext.territoires.values import as_list
from tests.conftest import TERRITORY_PLUGINS

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", TERRITORY_PLUGINS),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "lyon"),
]

POINT = '{"type": "Point", "coordinates": [4.85, 45.75]}'
POLYGON = (
    '{"type": "Polygon", "coordinates": [[[4.80, 45.70], [4.95, 45.70], [4.95, 45.80],'
    " [4.80, 45.80], [4.80, 45.70]]]}"
)
#: A detailed outline (over 4,096 characters: read again for each dataset)
DETAILED = json.dumps(
    {
        "type": "Polygon",
        "coordinates": [
            [
                [
                    round(4.87 + 0.05 * math.cos(i * math.pi / 200), 6),
                    round(45.76 + 0.03 * math.sin(i * math.pi / 200), 6),
                ]
                for i in range(400)
            ]
            + [[4.92, 45.76]]
        ],
    }
)
LONG = "Les arrêts de bus de la commune, leurs horaires et leur accessibilité. " * 4


# -- the straightforward computation: every input read again for each dataset


def _open_licences() -> dict[str, bool]:
    return {
        licence_id: (getattr(licence, "od_conformance", "") or "") == "approved"
        or bool(licence.isopen())
        for licence_id, licence in model.Package.get_license_register().items()
    }


def _extent(dataset: dict[str, Any]) -> str | None:
    items = [i for i in as_list(dataset.get("spatial_coverage")) if isinstance(i, dict)]
    shapes = [i[k] for i in items for k in ("geom", "bbox") if i.get(k)]
    shapes = shapes or [i["centroid"] for i in items if i.get("centroid")]
    outlines = get_outlines()
    extents, _refused = read_extents(shapes, outlines.france_area())
    if extents:
        box = tuple(float(v) for v in shapely.total_bounds([e.geometry for e in extents]))
    else:
        box = outlines.bounds(
            str(code) for code in as_list(dataset.get("territoires_coverage")) if code
        )
    return None if box is None else ",".join("%.5f" % value for value in box)


def reference_document(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """The hook's document computed the plain way (no value kept between
    datasets), from the same input."""
    document = copy.deepcopy(pkg_dict)
    try:
        dataset = json.loads(document.get("validated_data_dict") or "{}")
    except ValueError:
        dataset = {}
    extent = _extent(dataset if isinstance(dataset, dict) else {})
    if extent is not None:
        document[geography_index.EXTENT_FIELD] = extent
    document = communes_index.add_index_fields(document)
    try:
        dataset = json.loads(document.get("validated_data_dict") or "")
    except ValueError:
        dataset = document
    checks = links.last_checks(r.get("id") for r in dataset.get("resources") or [])
    result = criteria.assess(dataset, checks, _open_licences(), assessment.description_min_length())
    communes = document[communes_index.COMMUNES_FIELD]
    document[quality_index.SCORE_FIELD] = result.score
    document[quality_index.LEVEL_FIELD] = result.level
    document[quality_index.MISSING_FIELD] = result.missing
    document[quality_index.BY_COMMUNE_FIELD] = [f"{c}:{result.score}" for c in communes]
    document[quality_index.MISSING_BY_COMMUNE_FIELD] = [
        f"{c}:{m}" for c in communes for m in result.missing
    ]
    document[quality_index.BY_EPCI_FIELD] = [
        f"{s}:{result.score}" for s in document[communes_index.EPCI_FIELD]
    ]
    return document


def as_indexed(dataset_id: str) -> dict[str, Any]:
    """What ``index_package`` hands the hook (``package_show`` unvalidated,
    flattened for the index, the validated dict as JSON text): caught on
    its way while CKAN indexes the dataset."""
    from ckan.lib.search import index_for

    plugin = plugins.get_plugin("territoires")
    caught = []
    original = plugin.before_dataset_index

    def catch(pkg_dict):
        caught.append(copy.deepcopy(pkg_dict))
        return original(pkg_dict)

    context = {"ignore_auth": True, "validate": False, "use_cache": False}
    pkg_dict = helpers.call_action("package_show", context, id=dataset_id)
    plugin.before_dataset_index = catch
    try:
        index_for(model.Package).update_dict(pkg_dict, True)
    finally:
        del plugin.before_dataset_index
    (document,) = caught
    return document


def hook(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    return plugins.get_plugin("territoires").before_dataset_index(copy.deepcopy(pkg_dict))


def varied_datasets() -> list[str]:
    commune_org = factories.Organization(extras=[{"key": "insee", "value": "69029"}])
    epci_org = factories.Organization(extras=[{"key": "siren", "value": "200046977"}])
    plain_org = factories.Organization()
    resource = {"url": "https://example.org/a.csv", "format": "CSV"}
    specs: list[dict[str, Any]] = [
        {"owner_org": commune_org["id"], "territoires_coverage": ["Bron"], "notes": LONG},
        {"owner_org": epci_org["id"], "territoires_coverage": ["*"], "license_id": "lov2"},
        {
            "owner_org": plain_org["id"],
            "spatial_coverage": [{"geom": POLYGON}],
            "license_id": "odc-odbl",
            "resources": [resource, {"url": "https://example.org/b.pdf", "format": "PDF"}],
        },
        {"spatial_coverage": [{"geom": POLYGON}], "license_id": "other-closed"},  # same shape
        {"spatial_coverage": [{"geom": DETAILED}], "territoires_coverage": ["Lyon"]},
        {"spatial_coverage": [{"geom": POINT, "text": "Lyon"}], "territoires_coverage": ["Bron"]},
        {
            "owner_org": commune_org["id"],
            "territoires_coverage": ["Vénissieux", "Bron"],
            "theme": ["ENVI", "Mobilité douce"],
            "frequency": "monthly",
            "contact": [{"name": "Service", "email": "donnees@example.org"}],
            "temporal_coverage": [{"start": "2020-01-01"}],
            "resources": [resource],
            "notes": LONG,
            "license_id": "cc-by",
        },
        {"notes": "Court.", "license_id": ""},
    ]
    return [factories.Dataset(**spec)["id"] for spec in specs]


def test_every_dataset_gets_the_straightforward_document():
    ids = varied_datasets()
    dataset = helpers.call_action("package_show", id=ids[2])
    links.record(
        dataset["resources"][0]["id"],
        criteria.LinkCheck("https://example.org/a.csv", False, "2024-01-01T00:00:00", 404),
    )
    model.Session.commit()
    inputs = [as_indexed(dataset_id) for dataset_id in ids]
    for pkg_dict in inputs + inputs[::-1] + inputs:  # in turn, and after one another
        expected = reference_document(pkg_dict)
        document = hook(pkg_dict)
        assert document == expected
        assert json.dumps(document, sort_keys=True) == json.dumps(expected, sort_keys=True)
    # the documents cover what the hook computes
    documents = [hook(pkg_dict) for pkg_dict in inputs]
    assert {d.get(geography_index.EXTENT_FIELD) is None for d in documents} == {True, False}
    assert len({d[quality_index.SCORE_FIELD] for d in documents}) > 2
    assert documents[1][communes_index.WHOLE_FIELD] == ["200046977"]
    assert len(DETAILED) > 4096


def test_an_unreadable_validated_dict_reads_the_dataset_dict_itself():
    pkg_dict = as_indexed(varied_datasets()[5])
    for text in ("", "not json"):
        broken = dict(pkg_dict, validated_data_dict=text)
        assert hook(broken) == reference_document(broken)


def test_the_open_licences_follow_the_register(monkeypatch):
    dataset_id = factories.Dataset(license_id="licence-maison", notes=LONG)["id"]
    pkg_dict = as_indexed(dataset_id)
    assert "licence" in hook(pkg_dict)[quality_index.MISSING_FIELD]

    from ckan.model.license import LicenseRegister

    register = LicenseRegister()
    register._create_license_list(
        [{"id": "licence-maison", "title": "Maison", "od_conformance": "approved"}]
    )
    monkeypatch.setattr(model.Package, "_license_register", register)
    assert "licence" not in hook(pkg_dict)[quality_index.MISSING_FIELD]
    # the same register reading another list
    register._create_license_list([{"id": "licence-maison", "title": "Maison"}])
    assert "licence" in hook(pkg_dict)[quality_index.MISSING_FIELD]
    assert hook(pkg_dict) == reference_document(pkg_dict)


def test_the_extents_follow_the_outlines(monkeypatch):
    pkg_dict = as_indexed(factories.Dataset(spatial_coverage=[{"geom": POLYGON}])["id"])
    assert hook(pkg_dict)[geography_index.EXTENT_FIELD] == "4.80000,45.70000,4.95000,45.80000"
    # outlines read again (after an import) whose France is elsewhere: the
    # geometry is refused, however often it was read before; the communes
    # found in it give the extent
    elsewhere = Outlines(get_outlines().directory)
    monkeypatch.setattr(elsewhere, "france_area", lambda: shapely.box(100, 10, 101, 11))
    monkeypatch.setattr(geography_index, "get_outlines", lambda: elsewhere)
    communes = json.loads(pkg_dict["validated_data_dict"])["territoires_coverage"]
    assert communes
    west, south, east, north = elsewhere.bounds(communes)
    assert hook(pkg_dict)[geography_index.EXTENT_FIELD] == "%.5f,%.5f,%.5f,%.5f" % (
        west,
        south,
        east,
        north,
    )
