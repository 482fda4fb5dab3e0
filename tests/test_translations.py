"""Translations: the catalogues in i18n/ cover every string of the code,
French is complete, and the wheel ships the compiled catalogues."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from babel.messages import frontend, mofile, pofile

from ckanext.territoires import translations

ROOT = Path(__file__).resolve().parents[1]
DOMAIN = "ckanext-territoires"


def catalogue(locale: str):
    with open(ROOT / "i18n" / locale / "LC_MESSAGES" / f"{DOMAIN}.po", "rb") as po_file:
        return pofile.read_po(po_file, locale=locale)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """The strings of the code, extracted as `make i18n-extract` does."""
    output = tmp_path_factory.mktemp("pot") / f"{DOMAIN}.pot"
    command = frontend.CommandLineInterface()
    command.run(
        [
            "pybabel",
            "-q",
            "extract",
            "-F",
            str(ROOT / "i18n" / "babel.cfg"),
            "-k",
            "N_",
            "-k",
            "ungettext:1,2",
            "--no-location",
            "-o",
            str(output),
            str(ROOT),
        ]
    )
    with open(output, "rb") as pot:
        return {message.id for message in pofile.read_po(pot) if message.id}


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_catalogue_has_every_string_of_the_code(extracted, locale):
    ids = {message.id for message in catalogue(locale) if message.id}
    missing = sorted(str(i) for i in extracted - ids)
    assert not missing, f"run `make i18n-update`, then translate: {missing}"


def test_french_is_complete():
    untranslated = [
        message.id
        for message in catalogue("fr")
        if message.id
        and (
            message.fuzzy
            or not all(message.string if isinstance(message.string, tuple) else [message.string])
        )
    ]
    assert not untranslated


def test_placeholders_are_kept_in_french():
    import re

    for message in catalogue("fr"):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(re.findall(r"%\(\w+\)[sd]|%\(\w+\)\.1f|%[sd]|\{\w+\}", ids[-1]))
        for string in strings[-1:]:
            found = set(re.findall(r"%\(\w+\)[sd]|%\(\w+\)\.1f|%[sd]|\{\w+\}", string))
            assert found == wanted, (message.id, string)


def test_schema_extractor_finds_plain_labels():
    source = io.BytesIO(
        b"fields:\n- field_name: a\n  label: Keywords\n  help_text: >\n    Some help\n"
        b"- field_name: b\n  label:\n    en: Title\n    fr: Titre\n"
    )
    found = [(line, text) for line, _, text, _ in translations.extract_schema(source, [], [], {})]
    assert found == [(3, "Keywords"), (4, "Some help\n")]


def test_licence_extractor_finds_the_titles():
    source = io.BytesIO(
        b'[\n  {"id": "lov2",\n   "title": "Open Licence 2.0 (Etalab)"},\n  {"id": "x"}\n]\n'
    )
    found = [(line, text) for line, _, text, _ in translations.extract_licences(source, [], [], {})]
    assert found == [(3, "Open Licence 2.0 (Etalab)")]


def test_wheel_ships_the_compiled_catalogues(tmp_path):
    """Built from the files of the repository only (no compiled catalogue,
    no build directory), as a user would."""
    source = tmp_path / "source"
    files = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    for name in files:
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    assert not list(source.rglob("*.mo"))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
    )
    wheel = next(tmp_path.glob("ckanext_territoires-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        for locale in ("fr", "en"):
            assert f"ckanext/territoires/i18n/{locale}/LC_MESSAGES/{DOMAIN}.mo" in names
            # CKAN builds its JavaScript strings (/api/i18n/<lang>) from the .po
            assert f"ckanext/territoires/i18n/{locale}/LC_MESSAGES/{DOMAIN}.po" in names
        french = mofile.read_mo(
            io.BytesIO(archive.read(f"ckanext/territoires/i18n/fr/LC_MESSAGES/{DOMAIN}.mo"))
        )
        assert french.get("Key figures").string == "Chiffres clés"
        for shipped in (
            "ckanext/territoires/templates/territoires/commune/read.html",
            "ckanext/territoires/assets/webassets.yml",
            "ckanext/territoires/assets/communes-filter.js",
            "ckanext/territoires/config_declaration.yaml",
        ):
            assert shipped in names
    assert translations.locales(translations.directory()) == ["en", "fr"]
