"""Resolving what people and catalogues write into current communes."""

from __future__ import annotations

import pytest

from ckanext.territoires.referential import (
    AmbiguousPlace,
    OutsideScope,
    PlaceError,
    ScopeError,
    UnknownPlace,
    parse_scope,
    resolve,
    resolve_many,
)

from .fixtures import lyon, ref

LYON = "69123"
OULLINS_PIERRE_BENITE = "69149"
METROPOLE = "200046977"


def codes(text, scope=None):
    return [match.insee for match in resolve(text, scope)]


def single(text, scope=None):
    matches = resolve(text, scope)
    assert len(matches) == 1, matches
    return matches[0]


# -- codes -------------------------------------------------------------------


def test_current_insee_code():
    match = single("69123")
    assert match.as_dict() == {
        "insee": LYON,
        "name": "Lyon",
        "type": "commune",
        "matched_as": "insee",
    }
    assert single(" 2a004 ").insee == "2A004"


def test_every_current_code_resolves_to_itself_or_is_refused_with_it(ref):
    for code in ref.communes:
        try:
            assert resolve(code)[0].insee == code
        except AmbiguousPlace as error:  # also the postal code of other communes
            assert code in {c.code for c in error.candidates if c.type == "commune"}


def test_leading_zero_dropped_by_a_spreadsheet():
    assert single("1001").insee == "01001"


def test_old_code_of_a_merged_commune():
    # Oullins and Pierre-Bénite became Oullins-Pierre-Bénite (69149) in 2024.
    match = single("69152")
    assert (match.insee, match.name) == (OULLINS_PIERRE_BENITE, "Oullins-Pierre-Bénite")
    assert match.matched_as == "commune_deleguee" and match.via == "69152"


def test_former_code_without_deleguee(ref):
    old, current = next(
        (old, current)
        for old, current in ref.current_by_old_code.items()
        if old not in ref.deleguees
    )
    match = single(old)
    assert (match.insee, match.matched_as, match.via) == (current, "old_insee", old)


def test_every_old_code_resolves_to_a_current_commune(ref):
    for old, current in ref.current_by_old_code.items():
        assert codes(f"insee:{old}") == [current]


@pytest.mark.parametrize("code", [f"6938{n}" for n in range(1, 10)])
def test_lyon_arrondissements_are_lyon(code, lyon):
    match = single(code, lyon)
    assert (match.insee, match.matched_as, match.via) == (LYON, "arrondissement", code)


def test_commune_siren():
    match = single("216901231")
    assert (match.insee, match.matched_as) == (LYON, "siren")


# -- postal codes --------------------------------------------------------------


def test_postal_code():
    match = single("69500")  # not an INSEE code
    assert (match.name, match.matched_as, match.via) == ("Bron", "postal_code", "69500")


def test_a_postal_code_designates_all_communes_using_it(ref, lyon):
    shared = ref.communes_by_postal_code["69290"]
    assert len(shared) > 1
    assert codes("cp:69290") == list(shared)
    # Within a territory, only the communes of the territory.
    assert codes("cp:69290", lyon) == [code for code in shared if code in lyon]
    assert 0 < len(codes("cp:69290", lyon)) < len(shared)


def test_explicit_readings_of_a_code_both_insee_and_postal(ref, lyon):
    # 69003 is Albigny-sur-Saône's INSEE code and Lyon 3e's postal code.
    assert single("insee:69003").name == "Albigny-sur-Saône"
    assert single("cp:69003").insee == LYON
    assert single("69003 Lyon").insee == LYON
    # 69130 is Écully's postal code but the INSEE code of a commune outside.
    with pytest.raises(OutsideScope) as raised:
        resolve("69130", lyon)
    assert "cp:69130" in str(raised.value) and "Écully" in str(raised.value)
    assert single("cp:69130", lyon).name == "Écully"


def test_lyon_postal_codes_are_lyon():
    for district in range(1, 10):
        assert single(f"cp:6900{district}").insee == LYON


# -- names -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "spelling, insee",
    [
        ("ecully", "69081"),
        ("ÉCULLY", "69081"),
        ("Écully", "69081"),
        ("Saint Genis Laval", "69204"),
        ("St-Genis-Laval", "69204"),
        ("ST GENIS LAVAL", "69204"),
        ("La Tour-de-Salvagny", "69250"),
        ("Tour-de-Salvagny (La)", "69250"),
        ("Tour de Salvagny", "69250"),
        ("L'Abergement-Clémenciat", "01001"),
        ("L’Abergement-Clémenciat", "01001"),
        ("Abergement-Clémenciat (L')", "01001"),
        ("abergement clemenciat", "01001"),
        ("Oullins-Pierre-Bénite", OULLINS_PIERRE_BENITE),
        ("Neuville s/ Saône", "69143"),
        ("Lyon", LYON),
    ],
)
def test_name_variants(spelling, insee):
    match = single(spelling)
    assert match.insee == insee
    assert match.matched_as == "name"


@pytest.mark.parametrize("name", ["Pierre-Bénite", "pierre benite", "Oullins"])
def test_communes_deleguees_are_their_current_commune(name, lyon):
    match = single(name, lyon)
    assert (match.insee, match.matched_as) == (OULLINS_PIERRE_BENITE, "commune_deleguee")


@pytest.mark.parametrize(
    "spelling",
    ["Lyon 3e", "Lyon 3e arrondissement", "Lyon 03", "3e arrondissement de Lyon", "Lyon 3ème"],
)
def test_arrondissement_names(spelling):
    match = single(spelling)
    assert (match.insee, match.matched_as, match.via) == (LYON, "arrondissement", "69383")


def test_paris_and_marseille_arrondissements():
    assert single("Paris 16e").via == "75116"
    assert single("Marseille 1er arrondissement").insee == "13055"


def test_unknown_arrondissement():
    with pytest.raises(UnknownPlace, match="Lyon has no arrondissement number 12"):
        resolve("Lyon 12e")


def test_sainte_colombe_is_ambiguous(ref):
    named = sorted(c.insee for c in ref.communes.values() if c.name == "Sainte-Colombe")
    assert len(named) == 12  # as the issue says; checked against the data
    with pytest.raises(AmbiguousPlace) as raised:
        resolve("Sainte-Colombe")
    error = raised.value
    assert sorted(candidate.code for candidate in error.candidates) == named
    rhone = next(c for c in error.candidates if c.departement == "69")
    assert (rhone.code, rhone.departement_name) == ("69189", "Rhône")
    message = str(error)
    assert "12 communes" in message and "Sainte-Colombe (69 Rhône, INSEE 69189)" in message
    assert 'e.g. "Sainte-Colombe (' in message


@pytest.mark.parametrize(
    "spelling",
    [
        "Sainte-Colombe (69)",
        "Sainte-Colombe (Rhône)",
        "Sainte-Colombe (69560)",
        "69560 Sainte-Colombe",
        "Sainte-Colombe 69560",
        "Sainte-Colombe, 69",
        "Ste Colombe (69)",
    ],
)
def test_qualifier_picks_one_sainte_colombe(spelling):
    assert single(spelling).insee == "69189"


def test_bare_departement_after_the_name():
    assert single("Sainte-Colombe 69").insee == "69189"
    assert single("Lyon 69").insee == LYON
    assert single("Paris 75").matched_as == "name"
    # An EPCI whose name ends with a number keeps it.
    assert len(resolve("CC Val 81")) > 1
    # Arrondissements first: Marseille's 13e is Marseille anyway.
    assert single("Marseille 13").matched_as == "arrondissement"
    with pytest.raises(UnknownPlace, match="Lyon has no arrondissement number 12"):
        resolve("Lyon 12")


def test_scope_narrows_an_ambiguous_name():
    assert single("Sainte-Colombe", parse_scope("departement:69")).insee == "69189"


def test_qualifier_without_match():
    with pytest.raises(UnknownPlace, match="Sainte-Colombe"):
        resolve("Sainte-Colombe (2A)")


def test_typed_accents_pick_the_exact_spelling(ref):
    accented = {c.insee for c in ref.communes.values() if c.name == "Saint-Rémy"}
    plain = {c.insee for c in ref.communes.values() if c.name == "Saint-Remy"}
    assert accented and plain
    with pytest.raises(AmbiguousPlace) as raised:
        resolve("Saint-Rémy")
    assert {c.code for c in raised.value.candidates} == accented
    # Without accents the user may have omitted them: all of them are offered.
    with pytest.raises(AmbiguousPlace) as raised:
        resolve("saint remy")
    assert {c.code for c in raised.value.candidates} == accented | plain


def test_names_with_insee_precision():
    with pytest.raises(AmbiguousPlace) as raised:
        resolve("Château-Chinon")
    assert {c.code for c in raised.value.candidates} == {"58062", "58063"}
    assert single("Château-Chinon (Ville)").insee == "58062"


def test_every_commune_name_resolves_to_it(ref):
    for commune in ref.communes.values():
        try:
            assert commune.insee in codes(commune.name)
        except AmbiguousPlace as error:
            assert commune.insee in {c.code for c in error.candidates}


# -- EPCI ----------------------------------------------------------------------


def test_epci_by_siren(ref):
    matches = resolve(METROPOLE)
    assert [m.insee for m in matches] == list(ref.epcis[METROPOLE].members)
    assert len(matches) == 58
    assert {(m.type, m.matched_as, m.via) for m in matches} == {
        ("commune", "epci_siren", METROPOLE)
    }
    assert codes("200 046 977") == codes(METROPOLE)


def test_epci_by_name(ref):
    matches = resolve("Métropole de Lyon")
    assert len(matches) == 58 and {m.matched_as for m in matches} == {"epci_name"}
    assert codes("metropole de lyon") == codes(METROPOLE)


def test_epci_long_type_name(ref):
    arbresle = next(
        s for s, e in ref.epcis.items() if e.name.startswith("CC du Pays de l'Arbresle")
    )
    expected = list(ref.epcis[arbresle].members)
    assert codes("Communauté de communes du Pays de l'Arbresle") == expected
    assert codes("CC du Pays de l'Arbresle") == expected


def test_ambiguous_epci_name(ref):
    same_name = [s for s, e in ref.epcis.items() if e.name == "CC des Quatre Rivières"]
    assert len(same_name) == 2
    with pytest.raises(AmbiguousPlace) as raised:
        resolve("CC des Quatre Rivières")
    assert sorted(c.code for c in raised.value.candidates) == sorted(same_name)
    assert {c.type for c in raised.value.candidates} == {"epci"}


def test_epci_is_intersected_with_the_scope():
    assert codes("Métropole de Lyon", parse_scope("commune:69123")) == [LYON]


# -- URIs and zone ids -------------------------------------------------------------


@pytest.mark.parametrize(
    "uri, insee, via",
    [
        ("http://id.insee.fr/geo/commune/69123", LYON, None),
        ("https://id.insee.fr/geo/commune/69123", LYON, None),
        ("https://id.insee.fr/geo/commune/69123/", LYON, None),
        ("http://id.insee.fr/geo/communeDeleguee/69152", OULLINS_PIERRE_BENITE, "69152"),
        ("http://id.insee.fr/geo/arrondissementMunicipal/69381", LYON, "69381"),
    ],
)
def test_insee_uris(uri, insee, via):
    match = single(uri)
    assert (match.insee, match.matched_as, match.via) == (insee, "insee_uri", via)


def test_insee_uris_of_groups(ref, lyon):
    assert codes("http://id.insee.fr/geo/intercommunalite/200046977") == list(
        ref.epcis[METROPOLE].members
    )
    assert codes("http://id.insee.fr/geo/departement/69", lyon) == sorted(lyon.communes)


def test_unsupported_insee_uri():
    with pytest.raises(UnknownPlace, match="not supported"):
        resolve("http://id.insee.fr/geo/iris/693870101")
    with pytest.raises(UnknownPlace, match="99999"):
        resolve("http://id.insee.fr/geo/commune/99999")


@pytest.mark.parametrize(
    "zone, insee",
    [
        ("fr:commune:69123", LYON),
        ("fr:commune:69123@1942-01-01", LYON),
        ("fr:commune:69152@1942-01-01", OULLINS_PIERRE_BENITE),
        ("FR:COMMUNE:69123", LYON),
    ],
)
def test_zone_ids(zone, insee):
    match = single(zone)
    assert (match.insee, match.matched_as) == (insee, "zone_id")


def test_zone_ids_of_groups(ref, lyon):
    assert codes("fr:epci:200046977") == list(ref.epcis[METROPOLE].members)
    assert codes("fr:departement:69") == list(ref.communes_by_departement["69"])
    assert codes("fr:departement:69", lyon) == sorted(lyon.communes)
    assert codes("fr:region:84@1970-01-09") == list(ref.communes_by_region["84"])
    assert codes("fr:collectivite-outre-mer:975") == list(ref.communes_by_departement["975"])


def test_bad_zone_ids():
    with pytest.raises(UnknownPlace, match="unknown kind of zone"):
        resolve("fr:canton:6901")
    with pytest.raises(UnknownPlace, match="French"):
        resolve("de:commune:69123")
    with pytest.raises(UnknownPlace, match="no commune"):
        resolve("fr:commune:99999")
    with pytest.raises(UnknownPlace, match="no EPCI"):
        resolve("fr:epci:999999999")


def test_explicit_prefixes():
    assert single("commune:69123").matched_as == "insee"
    assert single("insee:69152").insee == OULLINS_PIERRE_BENITE
    assert len(resolve("epci:200046977")) == 58
    assert single("siren:216901231").insee == LYON


# -- whole territory, scope ------------------------------------------------------


@pytest.mark.parametrize(
    "keyword", ["*", "tout le territoire", "Tout le territoire", "whole territory"]
)
def test_whole_territory(keyword, lyon):
    matches = resolve(keyword, lyon)
    assert [m.insee for m in matches] == sorted(lyon.communes)
    assert {m.matched_as for m in matches} == {"whole_territory"}


def test_whole_territory_without_scope_is_france(ref):
    assert len(resolve("*")) == len(ref.communes)
    assert len(resolve("*", "all")) == len(ref.communes)


def test_outside_scope_is_refused(lyon):
    with pytest.raises(OutsideScope) as raised:
        resolve("L'Abergement-Clémenciat", lyon)
    error = raised.value
    assert str(error) == (
        "L'Abergement-Clémenciat (01 Ain, INSEE 01001) is outside the territory (Métropole de Lyon)."
    )
    assert [place.code for place in error.places] == ["01001"]
    assert error.scope is lyon
    with pytest.raises(OutsideScope, match="Paris"):
        resolve("75056", lyon)
    with pytest.raises(OutsideScope, match="none of which is in the territory"):
        resolve("Sainte-Colombe", lyon)
    with pytest.raises(OutsideScope, match="has no commune in the territory"):
        resolve("CC du Pays de l'Arbresle", lyon)


def test_scope_as_raw_option_value():
    assert codes("Écully", "epci:200046977") == ["69081"]
    with pytest.raises(OutsideScope):
        resolve("Paris", "epci:200046977 commune:01001")
    with pytest.raises(ScopeError):
        resolve("Lyon", "epci:1")


# -- unknown values ------------------------------------------------------------


@pytest.mark.parametrize(
    "value, words",
    [
        ("", "Empty"),
        ("   ", "Empty"),
        ("Atlantis", "no commune, commune déléguée or EPCI has this name"),
        ("99999", "neither an INSEE code"),
        ("123456789", "not the SIREN"),
        ("cp:99999", "postal code"),
        ("!!!", "not a place name"),
    ],
)
def test_unknown_values(value, words):
    with pytest.raises(UnknownPlace) as raised:
        resolve(value)
    assert words in str(raised.value)
    assert raised.value.value == value
    assert isinstance(raised.value, ValueError)


# -- batches -------------------------------------------------------------------


def test_resolve_many(lyon):
    found, errors = resolve_many(
        ["69123", "Lyon 3e", "Pierre-Bénite", "", "Sainte-Colombe", "Atlantis", "Paris", "69152"],
        lyon,
    )
    assert found == [LYON, OULLINS_PIERRE_BENITE]
    assert [type(e) for e in errors] == [OutsideScope, UnknownPlace, OutsideScope]
    assert [e.value for e in errors] == ["Sainte-Colombe", "Atlantis", "Paris"]
    assert all(isinstance(e, PlaceError) for e in errors)


def test_resolve_many_expands_groups(lyon):
    found, errors = resolve_many(["Métropole de Lyon", "Écully"], lyon)
    assert errors == [] and len(found) == 58 and found[0] == "69003"


def test_resolve_many_without_scope_reports_ambiguity():
    found, errors = resolve_many(["Sainte-Colombe", "01001"])
    assert found == ["01001"]
    assert isinstance(errors[0], AmbiguousPlace) and len(errors[0].candidates) == 12


# -- départements, régions and countries as places ------------------------------


@pytest.mark.parametrize(
    "value, matched_as",
    [
        ("Rhône", "departement_name"),
        ("rhone", "departement_name"),
        ("département du Rhône", "departement_name"),
        ("Rhône (69)", "departement_name"),
        ("Auvergne-Rhône-Alpes", "region_name"),
        ("région Auvergne-Rhône-Alpes", "region_name"),
        ("departement:69", "departement"),
        ("http://id.insee.fr/geo/region/84", "insee_uri"),
        ("FXX", "country"),
        ("FRA", "country"),
        ("France", "country"),
        ("http://publications.europa.eu/resource/authority/country/FRA", "country"),
    ],
)
def test_larger_places_give_their_communes_in_the_scope(value, matched_as, lyon):
    matches = resolve(value, lyon)
    assert {match.insee for match in matches} == set(lyon.communes)
    assert {match.matched_as for match in matches} == {matched_as}


def test_a_commune_name_wins_over_a_departement_where_it_is_in_the_scope(ref):
    # Vienne is a commune of the Isère and a département of Nouvelle-Aquitaine
    assert codes("Vienne", parse_scope("region:84", ref)) == ["38544"]
    assert len(codes("Vienne", parse_scope("region:75", ref))) == len(
        ref.communes_by_departement["86"]
    )


def test_overseas_country_codes_are_their_departements(ref, lyon):
    assert codes("GUF") == list(ref.communes_by_departement["973"])
    with pytest.raises(OutsideScope) as error:
        resolve("GUF", lyon)
    assert "Guyane has no commune in the territory" in error.value.message
    assert all(ref.communes[code].departement < "97" for code in codes("FXX"))
    assert len(codes("FRA")) == len(ref.communes)


# -- answers that never guess (issue #17) ----------------------------------------

PAYS_BASQUE = "200067106"


@pytest.fixture(scope="module")
def pays_basque(ref):
    return parse_scope(f"epci:{PAYS_BASQUE}", ref)


@pytest.mark.parametrize(
    "code, scope, insee_reading, postal_reading",
    [
        # Bassussarry's INSEE code, Bayonne's postal code.
        ("64100", f"epci:{PAYS_BASQUE}", "64100", ["64102"]),
        # Albigny-sur-Saône's INSEE code, Lyon 3e's postal code.
        ("69003", "epci:200046977", "69003", [LYON]),
        # Saint-Priest's INSEE code, postal code of Craponne and Saint-Genis-les-Ollières.
        ("69290", "epci:200046977", "69290", ["69069", "69205"]),
    ],
)
def test_a_code_both_insee_and_postal_of_different_communes_is_refused(
    code, scope, insee_reading, postal_reading
):
    with pytest.raises(AmbiguousPlace) as raised:
        resolve(code, scope)
    error = raised.value
    insee, postal = sorted(error.candidates, key=lambda c: c.type)
    assert (insee.type, insee.code, insee.departement) == ("commune", insee_reading, code[:2])
    assert (postal.type, postal.code, postal.departement) == ("postal_code", code, code[:2])
    message = str(error)
    assert f"INSEE {insee_reading}" in message
    assert f"postal code {code}" in message
    assert f'"insee:{code}"' in message and f'"cp:{code}"' in message
    # Each reading remains available explicitly.
    assert codes(f"insee:{code}", scope) == [insee_reading]
    assert codes(f"cp:{code}", scope) == postal_reading


def test_the_postal_reading_lists_the_communes_of_the_scope(lyon):
    with pytest.raises(AmbiguousPlace) as raised:
        resolve("69290", lyon)
    postal = next(c for c in raised.value.candidates if c.type == "postal_code")
    assert "Craponne" in postal.label and "Saint-Genis-les-Ollières" in postal.label
    assert "Grézieu" not in postal.label  # outside the Métropole


def test_without_scope_both_readings_in_france_are_refused():
    with pytest.raises(AmbiguousPlace):
        resolve("69003")


def test_a_code_that_is_insee_and_postal_code_of_the_same_commune_is_fine(ref):
    same = next(
        code
        for code, commune in ref.communes.items()
        if ref.communes_by_postal_code.get(code) == (code,)
    )
    assert codes(same) == [same]


def test_insee_reading_stands_when_the_postal_reading_is_outside_the_scope(ref, lyon):
    # 69003's postal reading (Lyon) is outside a scope of the Ain's neighbours only.
    assert codes("69003", parse_scope("commune:69003", ref)) == ["69003"]


def test_machine_written_codes_are_insee_codes(ref, lyon):
    # Stored values and the form's choices are INSEE codes: read as such.
    assert [m.insee for m in resolve("69003", lyon, codes_as_insee=True)] == ["69003"]
    found, errors = resolve_many(["69003", "64100"], "all", codes_as_insee=True)
    assert (found, errors) == (["69003", "64100"], [])
    # Codes that are no INSEE code are still postal codes.
    assert [m.insee for m in resolve("69500", lyon, codes_as_insee=True)] == ["69029"]


def test_every_current_code_resolves_to_itself_with_the_insee_prefix(ref):
    for code in ref.communes:
        assert codes(f"insee:{code}") == [code]


def test_former_names_of_merged_communes(ref):
    match = single("Courcouronnes")
    assert (match.insee, match.name, match.matched_as, match.via) == (
        "91228",
        "Évry-Courcouronnes",
        "former_name",
        "91182",
    )
    # The chef-lieu's 2018 name: "Évry" alone is the current commune of the Yonne.
    assert single("Évry (91)").insee == "91228"
    assert single("Évry").insee == "89162"
    assert single("Évry", parse_scope("departement:91")).insee == "91228"
    assert single("Courcouronnes (91)").insee == "91228"


def test_a_current_name_wins_over_a_former_name(ref):
    # "Boisse" is a current commune of the Dordogne and a 2018 spelling of La Boisse (Ain).
    assert ref.communes_by_name.get("boisse")
    assert [m.matched_as for m in resolve("Boisse")] == ["name"]


def test_former_names_table_is_shipped_with_the_package(ref):
    from ckanext.territoires.referential import history

    names = history.former_names()
    assert names["91182"] == "Courcouronnes"
    assert all(ref.current_commune(code) for code in names)


def test_a_commune_here_and_a_commune_deleguee_there_is_ambiguous(ref):
    with pytest.raises(AmbiguousPlace) as raised:
        resolve("Béon")
    candidates = raised.value.candidates
    assert [(c.departement, c.type) for c in candidates] == [
        ("01", "commune-deleguee"),
        ("89", "commune"),
    ]
    assert "Béon (89 Yonne, INSEE 89037)" in str(raised.value)
    assert single("Béon", parse_scope("departement:89", ref)).insee == "89037"
    assert single("Béon (01)").matched_as == "commune_deleguee"


@pytest.mark.parametrize(
    "value",
    [
        "Pays Basque",
        "pays basque",
        "CA du Pays Basque",
        "Communauté d'agglomération du Pays Basque",
    ],
)
def test_epci_usual_names(value, ref, pays_basque):
    matches = resolve(value, pays_basque)
    assert [m.insee for m in matches] == sorted(pays_basque.communes)


def test_epci_short_name_without_type(ref):
    arlysere = ref.epcis["200068997"]
    matches = resolve("Arlysère")
    assert [m.insee for m in matches] == list(arlysere.members)
    assert {m.matched_as for m in matches} == {"epci_name"}


def test_a_commune_name_wins_over_an_epci_short_name(lyon):
    # "Lyon" is the commune, not the Métropole de Lyon.
    assert codes("Lyon", lyon) == [LYON]


@pytest.mark.parametrize(
    "value, departement",
    [("Corse-du-Sud", "2A"), ("2A", "2A"), ("2a", "2A"), ("69", "69"), ("974", "974")],
)
def test_departement_names_and_codes(value, departement, ref):
    assert codes(value) == list(ref.communes_by_departement[departement])


def test_a_departement_code_outside_the_scope_is_refused(lyon):
    with pytest.raises(OutsideScope, match="Corse-du-Sud"):
        resolve("2A", lyon)


def test_region_names(ref):
    assert codes("Nouvelle-Aquitaine") == list(ref.communes_by_region["75"])
    assert codes("Nouvelle Aquitaine", parse_scope(f"epci:{PAYS_BASQUE}", ref)) == list(
        ref.epcis[PAYS_BASQUE].members
    )


def test_every_refusal_lists_candidates_with_departement_and_code(ref):
    for value in ("Béon", "69003", "Sainte-Colombe"):
        with pytest.raises(AmbiguousPlace) as raised:
            resolve(value)
        for candidate in raised.value.candidates:
            assert candidate.departement and candidate.code
            assert candidate.departement in candidate.label and candidate.code in candidate.label
