"""The coverage field and the identity of commune groups: bad input is refused."""

from __future__ import annotations

import ckan.plugins.toolkit as tk
import ckan.tests.factories as factories
import ckan.tests.helpers as helpers
import pytest

from tests.conftest import TERRITORY_PLUGINS

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", TERRITORY_PLUGINS),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "lyon"),
]


@pytest.mark.parametrize(
    "value, expected",
    [
        (["69081"], ["69081"]),  # INSEE code
        (["69152"], ["69149"]),  # old code -> current commune
        (["cp:69130"], ["69081"]),  # postal code
        (["69130 Ecully"], ["69081"]),
        (["SAINT GENIS LAVAL"], ["69204"]),  # case, accents, hyphens
        (["St-Genis-Laval"], ["69204"]),  # "St"
        (["Marcy l'Etoile"], ["69127"]),  # apostrophe
        (["http://id.insee.fr/geo/commune/69081"], ["69081"]),  # INSEE URI
        (["fr:commune:69081"], ["69081"]),  # data.gouv.fr zone id
        (["Lyon 3e"], ["69123"]),  # arrondissement
        (["69383"], ["69123"]),
        # The form's choices and the stored value are INSEE codes: 69003 is
        # Albigny-sur-Saône here, though it is also Lyon 3e's postal code.
        (["69003"], ["69003"]),
        (["cp:69003"], ["69123"]),
        ("Bron; Écully", ["69029", "69081"]),  # a string with several values
        ('["Bron"]', ["69029"]),  # a JSON list
    ],
)
def test_accepted_values_are_normalised(value, expected):
    dataset = factories.Dataset(territoires_coverage=value)
    assert dataset["territoires_coverage"] == expected


def test_epci_siren_and_name_give_all_its_communes():
    for value in ("200046977", "Métropole de Lyon"):
        assert len(factories.Dataset(territoires_coverage=[value])["territoires_coverage"]) == 58


@pytest.mark.parametrize(
    "value, message",
    [
        (["Zzyzx"], "no commune"),
        (["Paris"], "outside the territory"),
        (
            ["Sainte-Foy"],
            "none of which is in the territory (Métropole de Lyon): Sainte-Foy (40 Landes",
        ),
        (["99999"], "neither an INSEE code"),
        ("[not json", "Invalid JSON"),
    ],
)
def test_bad_values_are_refused_and_nothing_changes(value, message):
    dataset = factories.Dataset(territoires_coverage=["Bron"])
    with pytest.raises(tk.ValidationError) as error:
        helpers.call_action("package_patch", id=dataset["id"], territoires_coverage=value)
    assert message in error.value.error_dict["territoires_coverage"][0]
    shown = helpers.call_action("package_show", id=dataset["id"])
    assert shown["territoires_coverage"] == ["69029"]
    assert [g["name"] for g in shown["groups"]] == ["bron-69029"]


@pytest.mark.ckan_config("ckanext.territoires.scope", "epci:200046977 commune:05135 commune:69189")
def test_homonyms_in_the_territory_are_refused_with_the_candidates():
    with pytest.raises(tk.ValidationError) as error:
        factories.Dataset(territoires_coverage=["Bron", "Sainte-Colombe"])
    message = error.value.error_dict["territoires_coverage"][0]
    assert '"Sainte-Colombe" is ambiguous' in message
    assert "Sainte-Colombe (05 Hautes-Alpes, INSEE 05135)" in message
    assert "Sainte-Colombe (69 Rhône, INSEE 69189)" in message
    dataset = factories.Dataset(territoires_coverage=["Sainte-Colombe (69)"])
    assert dataset["territoires_coverage"] == ["69189"]


# --- organisations: the place they publish for ---------------------------------------


def create_org(name="org-x", **fields):
    context = {"user": factories.Sysadmin()["name"]}
    return helpers.call_action("organization_create", context=context, name=name, **fields)


def org_errors(**fields):
    with pytest.raises(tk.ValidationError) as raised:
        create_org(**fields)
    return raised.value.error_dict


@pytest.mark.parametrize(
    "value", ["69081", "Écully", "ecully", "http://id.insee.fr/geo/commune/69081"]
)
def test_an_organisation_is_linked_to_its_commune_by_any_name_of_it(value):
    organisation = create_org(insee=value)
    assert organisation["insee"] == "69081"
    assert helpers.call_action("organization_show", id="org-x")["insee"] == "69081"


def test_a_former_code_links_the_current_commune():
    organisation = create_org(insee="69152")
    assert organisation["insee"] == "69149"


def test_the_older_extras_form_is_checked_too():
    organisation = factories.Organization(extras=[{"key": "insee", "value": "Bron"}])
    assert organisation["insee"] == "69029"
    assert "insee" not in {extra["key"] for extra in organisation.get("extras", [])}
    assert "insee" in org_errors(extras=[{"key": "insee", "value": "75056"}])


@pytest.mark.parametrize(
    "value, message",
    [
        ("99999", "99999"),  # unknown
        ("Paris", "outside the territory"),
        ("200046977", "does not designate one commune"),  # the intercommunality
        ("Sainte-Foy", "Sainte-Foy"),  # outside, and ambiguous
    ],
)
def test_a_wrong_commune_is_refused_on_its_field(value, message):
    errors = org_errors(insee=value)
    assert list(errors) == ["insee"]
    assert message in errors["insee"][0]


def test_one_organisation_per_commune():
    first = factories.Organization(title="Ville d'Écully", insee="69081")
    errors = org_errors(insee="Écully")
    assert errors["insee"] == ["Écully already has its organisation: Ville d'Écully."]
    # the organisation itself keeps its code through an update
    helpers.call_action("organization_patch", id=first["id"], description="Nouvelle description")
    assert helpers.call_action("organization_show", id=first["id"])["insee"] == "69081"
    helpers.call_action("organization_patch", id=first["name"], insee="69081")
    assert helpers.call_action("organization_show", id=first["id"])["insee"] == "69081"


def test_an_empty_code_unlinks_the_organisation():
    organisation = factories.Organization(insee="69081")
    helpers.call_action("organization_patch", id=organisation["id"], insee="")
    assert not helpers.call_action("organization_show", id=organisation["id"]).get("insee")
    assert factories.Organization(insee="69081")["insee"] == "69081"


def test_the_intercommunality_by_siren_or_name():
    organisation = create_org(siren="Métropole de Lyon")
    assert organisation["siren"] == "200046977"
    with pytest.raises(tk.ValidationError) as raised:
        create_org(name="org-y", siren="200046977")
    assert "already has its organisation" in raised.value.error_dict["siren"][0]


@pytest.mark.parametrize("value", ["69081", "216900811", "246900245"])
def test_a_siren_that_is_not_an_intercommunality_of_the_territory_is_refused(value):
    errors = org_errors(siren=value)
    assert list(errors) == ["siren"]


def test_a_commune_or_the_intercommunality_not_both():
    errors = org_errors(insee="69081", siren="200046977")
    assert list(errors) == ["siren"]
    assert "not both" in errors["siren"][0]


# -- communes from the DCAT spatial coverage ------------------------------------

ECULLY_POINT = '{"type": "Point", "coordinates": [4.777, 45.7745]}'
LYON_REGION_BOX = (
    '{"type": "Polygon", "coordinates": [[[2.06, 44.11], [7.19, 44.11], [7.19, 46.81],'
    " [2.06, 46.81], [2.06, 44.11]]]}"
)


def test_a_dataset_without_communes_gets_those_of_its_geometry():
    dataset = factories.Dataset(spatial_coverage=[{"geom": ECULLY_POINT}])
    assert dataset["territoires_coverage"] == ["69081"]


def test_a_box_around_the_territory_covers_it_all():
    dataset = factories.Dataset(spatial_coverage=[{"bbox": LYON_REGION_BOX}])
    assert len(dataset["territoires_coverage"]) == 58


def test_communes_given_explicitly_are_kept():
    dataset = factories.Dataset(
        territoires_coverage=["Bron"], spatial_coverage=[{"bbox": LYON_REGION_BOX}]
    )
    assert dataset["territoires_coverage"] == ["69029"]


@pytest.mark.parametrize(
    "item",
    [
        {
            "bbox": '{"type": "Polygon", "coordinates": [[[5, 43], [6, 43], [6, 44], [5, 44], [5, 43]]]}'
        },
        {"geom": "not a geometry"},
        {"uri": "http://sws.geonames.org/2996944/"},
    ],
)
def test_geometries_outside_or_unusable_leave_it_empty(item):
    dataset = factories.Dataset(spatial_coverage=[item])
    assert not dataset.get("territoires_coverage")
