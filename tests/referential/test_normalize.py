"""Name keys: case, accents, separators, Saint/St, articles, arrondissements."""

from __future__ import annotations

import pytest

from ckanext.territoires.referential import normalize
from ckanext.territoires.referential.normalize import (
    accented_key,
    epci_key,
    has_accents,
    move_trailing_article,
    name_key,
    parse_arrondissement,
    strip_accents,
    without_article,
    without_parenthesis,
)


@pytest.mark.parametrize(
    "spelling",
    [
        "Saint-Genis-Laval",
        "saint genis laval",
        "ST-GENIS-LAVAL",
        "St Genis Laval",
        "st-genis--laval ",
        "Saint–Genis–Laval",
    ],
)
def test_saint_and_separators(spelling):
    assert name_key(spelling) == "saint genis laval"


def test_sainte_and_accents():
    assert name_key("Ste-Foy-lès-Lyon") == name_key("Sainte Foy les Lyon") == "sainte foy les lyon"
    assert name_key("ÉCULLY") == name_key("écully") == "ecully"


def test_apostrophes():
    assert (
        name_key("L'Abergement-Clémenciat")
        == name_key("L’Abergement Clemenciat")
        == "l abergement clemenciat"
    )


def test_ligatures():
    assert name_key("Sœurdres") == "soeurdres"
    assert strip_accents("Œuilly") == "oeuilly"


def test_trailing_article_moves_to_front():
    assert move_trailing_article("Tour-de-Salvagny (La)") == "La Tour-de-Salvagny"
    assert move_trailing_article("Abergement-Clémenciat (L')") == "L'Abergement-Clémenciat"
    assert move_trailing_article("Tour-de-Salvagny, La") == "La Tour-de-Salvagny"
    assert move_trailing_article("Bors (Canton de Charente-Sud)") == "Bors (Canton de Charente-Sud)"
    assert name_key("Tour-de-Salvagny (La)") == name_key("La Tour-de-Salvagny")


def test_without_article_and_parenthesis():
    assert without_article("la tour de salvagny") == "tour de salvagny"
    assert without_article("lyon") is None
    assert without_article("la") is None
    assert without_parenthesis("Bors (Canton de Charente-Sud)") == "Bors"
    assert without_parenthesis("Bors") is None


def test_sur_abbreviation():
    assert name_key("Neuville s/ Saône") == name_key("Neuville-s/-Saône") == "neuville sur saone"
    assert name_key("CC Castillon/Pujols") == "cc castillon pujols"


def test_accented_key_keeps_accents():
    assert accented_key("Saint-Rémy") == "saint rémy"
    assert accented_key("St Rémy") == "saint rémy"
    assert accented_key("Saint-Remy") != accented_key("Saint-Rémy")
    assert has_accents("Rémy") and not has_accents("Remy")


def test_epci_long_type_names():
    assert epci_key("Communauté de communes du Pays de l'Arbresle") == epci_key(
        "CC du Pays de l'Arbresle"
    )
    assert epci_key("Communauté d'agglomération du Grand Annecy") == "ca du grand annecy"
    assert epci_key("Communauté urbaine de Dunkerque") == "cu de dunkerque"


@pytest.mark.parametrize(
    "spelling",
    [
        "Lyon 3e",
        "Lyon 3e arrondissement",
        "Lyon 03",
        "Lyon 3",
        "lyon 3eme",
        "Lyon 3ème Arrondissement",
        "Lyon 3 ème",
        "3e arrondissement de Lyon",
        "Lyon 3e Arrdt",
    ],
)
def test_arrondissement_forms(spelling):
    assert parse_arrondissement(name_key(spelling)) == ("lyon", 3)


def test_arrondissement_first_and_official_names():
    assert parse_arrondissement(name_key("Lyon 1er Arrondissement")) == ("lyon", 1)
    assert parse_arrondissement(name_key("Paris 1re")) == ("paris", 1)
    assert parse_arrondissement(name_key("Marseille 16e Arrondissement")) == ("marseille", 16)


def test_not_arrondissements():
    assert parse_arrondissement(name_key("Lyon")) is None
    assert parse_arrondissement(name_key("3e")) is None
    assert parse_arrondissement(name_key("Saint-Genis-Laval")) is None


@pytest.mark.parametrize(
    "name, short",
    [
        ("CA du Pays Basque", "pays basque"),
        ("Communauté d'agglomération du Pays Basque", "pays basque"),
        ("CA Arlysère", "arlysere"),
        ("Toulouse Métropole", "toulouse"),
        ("Métropole de Lyon", "lyon"),
        ("CC de la Vallée de l'Ouche", "vallee de l ouche"),
        ("Pays Basque", None),
    ],
)
def test_epci_short_key(name, short):
    assert normalize.epci_short_key(normalize.epci_key(name)) == short
