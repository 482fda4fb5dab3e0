"""The portal's identity: its title, introduction, logo and favicon.

They are CKAN's own options (``ckan.site_title``, ``ckan.site_intro_text``,
``ckan.site_about``, ``ckan.site_logo``, ``ckan.favicon``), which a
sysadmin may also change from the web (``/ckan-admin/config``). Left to
CKAN's defaults, they are the territory's: "Open data of the Métropole de
Lyon", "The open data of the Métropole de Lyon and of its 58 communes",
the plugin's logo and favicon (``public/territoires/``), never CKAN's
placeholders.

The title has a default in each language, computed where it shows
(:func:`title`: the pages, the e-mails, the DCAT catalogues): the option
itself keeps what the operator wrote, so that ``status_show`` reports it,
CKAN's default included.
"""

from __future__ import annotations

from ckanext.territoires import territory
from ckanext.territoires.referential import Scope
from ckanext.territoires.translations import N_

TITLE = "ckan.site_title"
#: CKAN's own default title, and what test and demo configurations write.
CKAN_TITLE = "CKAN"

#: Words an intercommunality's name starts with when it takes "the" (French
#: "de la": la Métropole de Lyon, la CC du Nogentais), unlike "Toulouse
#: Métropole" or "Bordeaux Métropole".
WITH_ARTICLE = ("CC", "CA", "CU", "Communauté", "Métropole", "Eurométropole")

TITLES = {
    "the": N_("Open data of the {territory}"),
    "plain": N_("Open data of {territory}"),
    "territory": N_("Open data: {territory}"),
}
INTROS = {
    "the": (
        N_("The open data of the {territory} and of its {number} commune."),
        N_("The open data of the {territory} and of its {number} communes."),
    ),
    "plain": (
        N_("The open data of {territory} and of its {number} commune."),
        N_("The open data of {territory} and of its {number} communes."),
    ),
    "territory": (
        N_("The open data of the territory: {territory}, {number} commune."),
        N_("The open data of the territory: {territory}, {number} communes."),
    ),
}
INVITATION = N_(
    "Search the datasets, browse them by commune or by theme, and download them freely."
)


def phrasing(scope: Scope) -> str:
    """How the territory's name is introduced: ``the``, ``plain`` or ``territory``."""
    if len(scope.entries) != 1 or scope.entries[0].kind != "epci":
        return "territory"
    first_word = scope.entries[0].name.split(" ", 1)[0]
    return "the" if first_word in WITH_ARTICLE else "plain"


def default_title(gettext, scope: Scope | None = None) -> str:
    """The territory's title, translated by ``gettext``."""
    scope = scope or territory.configured_scope()
    return gettext(TITLES[phrasing(scope)]).format(territory=scope.label)


def default_intro(gettext, number_format, scope: Scope | None = None) -> str:
    """The territory's introduction (markdown), translated."""
    scope = scope or territory.configured_scope()
    singular, plural = INTROS[phrasing(scope)]
    count = len(scope.communes)
    # a territory has at least one commune: one form for 1, the other above
    first = gettext(singular if count == 1 else plural).format(
        territory=scope.label, number=number_format(count)
    )
    return f"{first} {gettext(INVITATION)}"


def is_default_title(title: str | None) -> bool:
    """Whether the configured title is a default: none, or CKAN's."""
    return not title or title == CKAN_TITLE


def title(configured: str | None, gettext, scope: Scope | None = None) -> str:
    """The portal's title: the configured one, or the territory's
    (translated by ``gettext``) when it is left to a default."""
    if configured and not is_default_title(configured):
        return configured
    return default_title(gettext, scope)
