"""The portal's territory, read from ``ckanext.territoires.scope``.

The option is parsed once per distinct value (the referential's parser is
pure); an invalid value stops start-up through :func:`check_configured_scope`.
"""

from __future__ import annotations

from functools import lru_cache

from ckan.exceptions import CkanConfigurationException

from ckanext.territoires import config
from ckanext.territoires.referential import (
    Referential,
    Scope,
    ScopeError,
    get_referential,
    parse_scope,
)


def configured_scope_value() -> str:
    return config.scope()


def configured_scope() -> Scope:
    """The territory of the portal (communes, EPCI, label)."""
    return _parse(configured_scope_value())


def forget_scope() -> None:
    """Parse the scope again on next use (the referential was refreshed)."""
    _parse.cache_clear()


def check_configured_scope() -> Scope:
    """Parse the option at start-up; a bad value stops CKAN with its message."""
    try:
        return configured_scope()
    except ScopeError as error:
        raise CkanConfigurationException(error.message) from error


def communes_by_name() -> list[tuple[str, str]]:
    """``(INSEE code, name)`` of the communes of the territory, by name."""
    ref = get_referential()
    return sorted(
        ((code, ref.communes[code].name) for code in configured_scope().communes),
        key=lambda item: (item[1], item[0]),
    )


def commune_examples() -> dict[str, str]:
    """Two communes of the territory and a postal code of a third, to show
    what a search box takes ("Villeurbanne, Vénissieux or 69500"): the most
    populous after the first (whose name everybody knows)."""
    return _commune_examples(configured_scope(), get_referential())


@lru_cache(maxsize=4)
def _commune_examples(scope: Scope, ref: Referential) -> dict[str, str]:
    # kept per scope and referential: sorting a région's 4,000 communes on
    # every page of /communes cost 20 ms
    codes = sorted(scope.communes, key=lambda c: (-(ref.communes[c].population or 0), c))
    named = (codes[1:3] if len(codes) > 2 else codes[:2]) or codes
    names = [ref.communes[code].name for code in named]
    others = [c for c in codes if c not in named and ref.communes[c].postal_codes] or codes
    postal_codes = ref.communes[others[0]].postal_codes if others else ()
    return {
        "first": names[0] if names else "",
        "second": names[-1] if names else "",
        "postal_code": postal_codes[0] if postal_codes else "",
    }


def commune_name(code: str | None) -> str | None:
    """The name of the current commune of an INSEE code (current or former,
    arrondissement, commune déléguée), or None."""
    commune = get_referential().current_commune(code or "")
    return commune.name if commune is not None else None


@lru_cache(maxsize=8)
def _parse(value: str) -> Scope:
    return parse_scope(value)


#: French "de" before a commune's name, by INSEE's type of name (the
#: referential's ``type_liaison``): (article the name starts with, what
#: replaces it). "de Lyon", "d'Écully", "du Mans", "des Mées", "de La Boisse".
_FRENCH_OF = {
    1: ("", "d'"),
    2: ("Le ", "du "),
    4: ("Les ", "des "),
    6: ("Aux ", "des "),
}


def french_of(code: str) -> str | None:
    """ "de" + the name of the current commune of an INSEE code, as French
    writes it ("d'Oullins-Pierre-Bénite", "du Mans"); None if unknown."""
    commune = get_referential().current_commune(code or "")
    if commune is None:
        return None
    article, replacement = _FRENCH_OF.get(commune.type_liaison, ("", "de "))
    name = commune.name
    if article and name.startswith(article):
        name = name[len(article) :]
    return replacement + name
