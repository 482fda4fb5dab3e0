"""The labels of the harvest screens (template helpers), in the page's language."""

from __future__ import annotations

import pytest

from ckanext.territoires.harvesters import helpers as harvest_helpers
from tests.harvesters.conftest import harvest_marks

pytestmark = harvest_marks()


@pytest.mark.usefixtures("with_request_context")
def test_labels_in_english():
    assert harvest_helpers.territoires_harvest_label("status", "New") == "Waiting"
    assert harvest_helpers.territoires_harvest_label("status", "Weird") == "Weird"
    assert harvest_helpers.territoires_harvest_label("frequency", "BIWEEKLY") == "Biweekly"
    assert harvest_helpers.territoires_harvest_label("frequency", None) == ""
    assert harvest_helpers.territoires_harvest_type_label("territoires_dcat") == "DCAT catalogue"
    assert harvest_helpers.territoires_harvest_type_label("nope") == "nope"
    assert harvest_helpers.territoires_harvest_label("preview", "unknown") == "to be read"
    counts = harvest_helpers.territoires_harvest_job_counts(
        {"added": 1, "errored": 2, "warnings": 3}
    )
    assert [count["label"] for count in counts] == [
        "2 errors",
        "3 with warnings",
        "1 added",
        "0 updated",
        "0 archived",
        "0 unchanged",
    ]
    kinds = [kind["name"] for kind in harvest_helpers.territoires_harvest_source_types()]
    assert kinds[0] == "territoires_dcat" and set(kinds) >= {"territoires_ckan", "territoires_csw"}


def test_labels_in_french(app):
    with app.flask_app.test_request_context("/harvest", environ_overrides={"CKAN_LANG": "fr"}):
        assert harvest_helpers.territoires_harvest_label("status", "Running") == "En cours"
        assert harvest_helpers.territoires_harvest_label("frequency", "MANUAL") == "Manuelle"
        counts = harvest_helpers.territoires_harvest_job_counts({"added": 1, "not modified": 21})
        assert [count["label"] for count in counts][1:] == [
            "0 avec avertissements",
            "1 ajouté",
            "0 mis à jour",
            "0 archivé",
            "21 inchangés",
        ]
