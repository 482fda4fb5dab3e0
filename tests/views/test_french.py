"""French everywhere: the pages a citizen, an officer and the data team see,
crawled in French, show no English (CKAN's untranslated strings included),
dates and numbers in French form, labels in place of codes and URIs."""

from __future__ import annotations

import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import ckan
import ckan.tests.factories as factories
import ckan.tests.helpers as helpers
import pytest
from babel.messages import pofile

from tests.conftest import TERRITORY_PLUGINS
from tests.views.conftest import auth

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", TERRITORY_PLUGINS),
    pytest.mark.usefixtures("french_content", "with_plugins", "clean_db", "clean_index"),
]

ROOT = Path(__file__).resolve().parents[2]
CKAN_I18N = Path(ckan.__file__).parent / "i18n"

#: English words that give a page away, CKAN's own included.
ENGLISH_GIVEAWAYS = (
    "Skip to main content",
    "You can use",
    "Markdown formatting",
    "Profile settings",
    "members",
    "Follow",
    "Search Datasets",
    "Welcome",
    "Dataset",
    "Organization",
    "Resource",
    "Download",
    "Last Updated",
    "Created",
    "Submit",
    "Toggle navigation",
    "Breadcrumb",
    "Username",
    "Email address",
    "Choose File",
    "No file chosen",
)

PAGES_OF_EVERYONE = (
    "/",
    "/dataset/",
    "/dataset/ecully-bancs",
    "/communes",
    "/commune/ecully-69081",
    "/commune/about/ecully-69081",
    "/intercommunalite/metropole-de-lyon-200046977",
    "/organization/",
    "/organization/ville-d-ecully",
    "/about",
    "/user/login",
    "/user/register",
)
PAGES_OF_OFFICERS = (
    "/dashboard/datasets",
    "/dataset/new",
    "/commune/edit/ecully-69081",
    "/commune/members/ecully-69081",
)
PAGES_OF_THE_DATA_TEAM = (
    "/quality",
    "/dataset/edit/ecully-bancs",
    "/dataset/ecully-bancs/resource/new",
    "/organization/new",
    "/commune/manage_members/ecully-69081",
    "/commune/member_new/ecully-69081",
    "/ckan-admin",
    "/ckan-admin/config",
    "/ckan-admin/trash",
    "/group/",
    "/user/{name}",
    "/user/edit/{name}",
)


def translated(catalogue, msgid) -> bool:
    message = catalogue.get(msgid)
    strings = message.string if message is not None else ""
    return bool(strings) and all(strings if isinstance(strings, tuple) else [strings])


@cache
def untranslated_ckan_strings() -> frozenset[str]:
    """CKAN's msgids with no French in CKAN's catalogue nor in ours, as
    visible text (markup and placeholders aside)."""
    with open(CKAN_I18N / "ckan.pot", "rb") as pot_file:
        pot = pofile.read_po(pot_file)
    with open(CKAN_I18N / "fr" / "LC_MESSAGES" / "ckan.po", "rb") as po_file:
        ckan_fr = pofile.read_po(po_file)
    with open(ROOT / "i18n" / "fr" / "LC_MESSAGES" / "ckanext-territoires.po", "rb") as po_file:
        ours = pofile.read_po(po_file)
    found = set()
    for message in pot:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        if not ids[0] or translated(ckan_fr, ids[0]) or translated(ours, ids[0]):
            continue
        for msgid in ids:
            text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", msgid)).strip()
            if len(text) > 3 and not re.search(r"[{%]", text) and text.upper() != text:
                found.add(text)
    return frozenset(found)


class VisibleText(HTMLParser):
    """Text nodes and the attributes read aloud or shown (title, alt,
    placeholder, aria-label), outside scripts and styles."""

    def __init__(self):
        super().__init__()
        self.texts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._hidden += 1
        for name, value in attrs:
            if name in ("title", "alt", "placeholder", "aria-label") and value and value.strip():
                self.texts.append(value.strip())

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.texts.append(re.sub(r"\s+", " ", data.strip()))


def english_on(body: str) -> list[str]:
    parser = VisibleText()
    parser.feed(body[body.find("<body") :])
    untranslated = untranslated_ckan_strings()
    found = [text for text in parser.texts if text in untranslated]
    for text in parser.texts:
        words = set(re.findall(r"[A-Za-z]+", text))
        found += [
            f"{giveaway} (in {text!r})"
            for giveaway in ENGLISH_GIVEAWAYS
            if set(giveaway.split()) <= words and giveaway in text
        ]
    return found


@pytest.fixture
def crawl_users(places):
    data_team = factories.SysadminWithToken()
    helpers.call_action(
        "organization_member_create",
        id=places.ecully_org["id"],
        username=places.officer["name"],
        role="editor",
    )
    return {"officer": places.officer, "data team": data_team}


def test_no_english_on_french_pages(app, places, crawl_users):
    pages = [(path, None) for path in PAGES_OF_EVERYONE]
    pages += [(path, crawl_users["officer"]) for path in PAGES_OF_OFFICERS]
    data_team = crawl_users["data team"]
    pages += [(path.format(name=data_team["name"]), data_team) for path in PAGES_OF_THE_DATA_TEAM]
    resource = places.published["resources"][0]["id"]
    pages.append((f"/dataset/ecully-bancs/resource/{resource}", None))
    found = {}
    for path, user in pages:
        response = app.get("/fr" + path, headers=auth(user))
        assert response.status_code == 200, path
        english = english_on(response.body)
        if english:
            found[path] = english
    assert not found, found


def test_a_users_state_is_a_word(app, crawl_users):
    user = crawl_users["data team"]
    body = app.get(f"/fr/user/{user['name']}", headers=auth(user)).body
    assert "<dd>actif</dd>" in body and "<dd>active</dd>" not in body


def test_the_untranslated_list_is_not_empty():
    """The check above relies on CKAN's catalogue lacking French strings
    that ours supplies: a CKAN upgrade that translates them all empties it."""
    assert untranslated_ckan_strings()


def test_dates_numbers_and_labels_on_the_dataset_page(app, places):
    body = app.get("/fr/dataset/ecully-bancs").body
    assert "Gouvernement et secteur public" in body
    assert ">http://publications.europa.eu/resource/authority/data-theme/" not in body
    assert not re.search(r"\d+[.,]0/100", body)  # "53/100", not "53.0/100"
    assert "UTC" not in body and "(+0" not in body
    resource = places.published["resources"][0]["id"]
    body = app.get(f"/fr/dataset/ecully-bancs/resource/{resource}").body
    assert re.search(
        r"<td>\d{1,2}(er)? (janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre) \d{4}</td>",
        body,
    )
    assert "UTC" not in body and "(+0" not in body


MONTH = "(janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre)"


def test_a_dataset_page_always_says_when_it_was_published_and_updated(app, places):
    """Even a dataset with no dates of its own tells the citizen since when it
    is on the portal and when its record last changed (never an empty table)."""
    body = app.get("/fr/dataset/bron-parcs").body
    for label in ("Publié sur ce portail", "Dernière mise à jour sur ce portail"):
        assert re.search(
            rf">{label}</th>\s*<td[^>]*><time datetime=\"[0-9T:.-]+\">\d{{1,2}}(er)? {MONTH} \d{{4}}",
            body,
        ), label
    body = app.get("/en/dataset/bron-parcs").body
    assert "Published on this portal" in body and "Last updated on this portal" in body


def test_commune_about_tab_is_readable(app, places):
    helpers.call_action(
        "group_patch", id="oullins-pierre-benite-69149", description="Une **commune nouvelle**."
    )
    body = app.get("/fr/commune/about/oullins-pierre-benite-69149").body
    assert "<strong>commune nouvelle</strong>" in body and "**" not in body
    assert "Oullins (69149), Pierre-Bénite (69152)" in body
    assert '"insee"' not in body and "[]" not in body
    assert "Commune actuelle" in body and ">current<" not in body
    assert "Auvergne-Rhône-Alpes" in body and ">84<" not in body
    assert "38\u202f168" in body or "38 168" in body  # French thousands separator


def test_a_merged_commune_s_old_address_says_so(app, lyon):
    response = app.get("/fr/commune/69152", follow_redirects=False)
    assert response.location.endswith("/commune/oullins-pierre-benite-69149")
    body = app.get("/fr/commune/69152").body
    assert "Pierre-Bénite fait partie d&#39;Oullins-Pierre-Bénite." in body
    english = app.get("/en/commune/69152").body
    assert "Pierre-Bénite is now part of Oullins-Pierre-Bénite." in english
    # the commune's own code, and an arrondissement, are no merger
    assert "fait partie" not in app.get("/fr/commune/69149").body
    assert "fait partie" not in app.get("/fr/commune/69383").body


def test_members_heading_and_roles_in_french(app, places):
    body = app.get("/fr/commune/members/ecully-69081", headers=auth(places.officer)).body
    assert "1 membre" in body and "1 members" not in body
    assert "Éditeur" in body or "Editeur" in body
    # the data team's page of the same members, with their buttons
    team = factories.SysadminWithToken()
    body = app.get("/fr/commune/manage_members/ecully-69081", headers=auth(team)).body
    assert "1 membre" in body and "/member_delete/" in body and 'title="Supprimer"' in body
