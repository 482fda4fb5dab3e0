"""Normalisation of French place names into lookup keys.

People and catalogues write the same commune in many ways: "Saint-Genis-Laval",
"ST GENIS LAVAL", "st-genis-laval", "Saint Genis Laval"; "La Tour-de-Salvagny",
"Tour-de-Salvagny (La)"; "L'Abergement-Clémenciat", "Abergement-Clémenciat
(L')". The functions here turn such spellings into keys that compare equal.

A key is a sequence of lowercase ASCII tokens joined by single spaces: case,
accents, hyphens, apostrophes (straight or typographic) and runs of spaces
are folded, "St"/"Ste"/"Sts"/"Stes" become "saint"/"sainte"/"saints"/"saintes",
"s/" becomes "sur" and "œ"/"æ" become "oe"/"ae".

Folding accents merges a few distinct official names ("Saint-Remy" and
"Saint-Rémy" are different communes), so ``accented_key`` keeps the accents;
the resolver uses it to prefer the exact spelling when the user typed accents.

Everything here is pure string processing, independent of the referential.
"""

from __future__ import annotations

import re
import unicodedata

#: Abbreviations expanded in every key (whole tokens only).
ABBREVIATIONS = {
    "st": "saint",
    "ste": "sainte",
    "sts": "saints",
    "stes": "saintes",
}

#: Leading articles of French place names (after folding; "l" is "L'").
ARTICLES = frozenset({"le", "la", "les", "l"})

#: Words that may follow (or precede) an ordinal in "Lyon 3e arrondissement".
ARRONDISSEMENT_WORDS = frozenset(
    {"arrondissement", "arrondissements", "arr", "arrt", "arrdt", "ardt", "arrond"}
)

#: Long EPCI type names folded to the abbreviations used in official names
#: ("Communauté de communes du Pays de Gex" is officially "CC du Pays de Gex").
EPCI_TYPE_PREFIXES = (
    ("communaute de communes", "cc"),
    ("communaute d agglomeration", "ca"),
    ("communaute urbaine", "cu"),
)

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})
# Combining diacritical marks left by NFKD decomposition ("é" -> "e" + U+0301).
_COMBINING_MARKS = re.compile(
    r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"
)
_TOKEN = re.compile(r"[^\W\d_]+|\d+[^\W\d_]*")
# "Neuville-s/-Saône", "Neuville s/ Saône": "s/" standing alone means "sur".
_SUR = re.compile(r"(?:(?<=^)|(?<=[\s\-]))s/", re.IGNORECASE)
# An article written after the name: "Tour-de-Salvagny (La)", "Abergement (L')",
# "Tour-de-Salvagny, La" (the INSEE "sorted" presentation).
_TRAILING_ARTICLE = re.compile(
    r"^(?P<name>.+?)\s*(?:\(\s*(?P<art1>l['’]?|la|le|les)\s*\)|,\s*(?P<art2>l['’]?|la|le|les))\s*$",
    re.IGNORECASE,
)
_ORDINAL = re.compile(r"^0*(?P<number>[1-9]\d?)(?P<suffix>[a-z]*)$")
_ORDINAL_SUFFIXES = frozenset({"", "e", "er", "ere", "re", "eme", "ieme", "em", "me"})


def strip_accents(text: str) -> str:
    """Lowercase ``text`` and remove diacritics ("Écully" -> "ecully")."""
    if text.isascii():
        return text.lower()  # most names: skip the Unicode decomposition
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES).lower())
    return _COMBINING_MARKS.sub("", decomposed)


def move_trailing_article(text: str) -> str:
    """Put an article written after the name back in front.

    "Tour-de-Salvagny (La)" -> "La Tour-de-Salvagny";
    "Abergement-Clémenciat (L')" -> "L'Abergement-Clémenciat".
    Other trailing parentheses ("Bors (Canton de Charente-Sud)") are kept.
    """
    if ")" not in text and "," not in text:
        return text  # fast path: the build normalises ~40,000 names
    match = _TRAILING_ARTICLE.match(text.strip())
    if not match:
        return text
    article = (match.group("art1") or match.group("art2")).rstrip("'’")
    if article.lower() == "l":
        return "L'" + match.group("name")
    return article + " " + match.group("name")


def _tokens(text: str, keep_accents: bool) -> list[str]:
    text = move_trailing_article(text)
    if "/" in text:
        text = _SUR.sub(" sur ", text)
    folded = text.translate(_LIGATURES).lower() if keep_accents else strip_accents(text)
    if keep_accents:
        folded = unicodedata.normalize("NFC", folded)
    tokens = _TOKEN.findall(folded)
    if not ABBREVIATIONS.keys().isdisjoint(tokens):
        tokens = [ABBREVIATIONS.get(token, token) for token in tokens]
    return tokens


def name_key(text: str) -> str:
    """The lookup key of a place name: "St-Genis-Laval" -> "saint genis laval"."""
    return " ".join(_tokens(text, keep_accents=False))


def accented_key(text: str) -> str:
    """Like :func:`name_key` but keeping accents: "Saint-Rémy" -> "saint rémy"."""
    return " ".join(_tokens(text, keep_accents=True))


def has_accents(text: str) -> bool:
    """Whether ``text`` carries diacritics (the user was precise about them)."""
    return any(unicodedata.combining(char) for char in unicodedata.normalize("NFD", text))


def joined_key(key: str) -> str:
    """A key with no separators at all, so "Labalme" meets "La Balme"."""
    return key.replace(" ", "")


def without_article(key: str) -> str | None:
    """The key without its leading article, or None if it has none."""
    first, _, rest = key.partition(" ")
    if first in ARTICLES and rest:
        return rest
    return None


def without_parenthesis(text: str) -> str | None:
    """The name without a trailing parenthesised part, or None.

    "Bors (Canton de Charente-Sud)" -> "Bors": people rarely write the
    disambiguating part that INSEE adds to a handful of names.
    """
    stripped = re.sub(r"\s*\([^()]*\)\s*$", "", text).strip()
    return stripped if stripped and stripped != text.strip() else None


def epci_key(text: str) -> str:
    """The lookup key of an EPCI name, with long type names abbreviated.

    "Communauté de communes du Pays de Gex" and "CC du Pays de Gex" give the
    same key.
    """
    key = name_key(text)
    for long_form, short_form in EPCI_TYPE_PREFIXES:
        if key == long_form or key.startswith(long_form + " "):
            return short_form + key[len(long_form) :]
    return key


def parse_arrondissement(key: str) -> tuple[str, int] | None:
    """Split an arrondissement designation into (city key, number).

    Accepts "lyon 3e", "lyon 3e arrondissement", "lyon 03", "lyon 3",
    "paris 16eme", "marseille 1er arr" and "3e arrondissement de lyon" (all
    given as keys). Returns None when ``key`` does not have that shape;
    whether the city has such an arrondissement is the store's business.
    """
    tokens = key.split(" ")
    # Let "3 eme" (written with a space) read as "3eme".
    if len(tokens) >= 2:
        for index in range(len(tokens) - 1):
            if tokens[index].isdigit() and tokens[index + 1] in _ORDINAL_SUFFIXES - {""}:
                tokens[index : index + 2] = [tokens[index] + tokens[index + 1]]
                break
    # "<city> <ordinal> [arrondissement]"
    tail = tokens[:-1] if tokens and tokens[-1] in ARRONDISSEMENT_WORDS else tokens
    if len(tail) >= 2:
        number = _ordinal(tail[-1])
        if number is not None:
            return " ".join(tail[:-1]), number
    # "<ordinal> arrondissement [de|du] <city>"
    if len(tokens) >= 3 and tokens[1] in ARRONDISSEMENT_WORDS:
        number = _ordinal(tokens[0])
        city = tokens[2:]
        if city and city[0] in ("de", "du", "d"):
            city = city[1:]
        if number is not None and city:
            return " ".join(city), number
    return None


def _ordinal(token: str) -> int | None:
    match = _ORDINAL.match(token)
    if not match or match.group("suffix") not in _ORDINAL_SUFFIXES:
        return None
    return int(match.group("number"))


#: Words naming the kind of an EPCI at the start or the end of its name
#: (after :func:`epci_key`): "CA du Pays Basque", "Toulouse Métropole".
EPCI_TYPE_WORDS = frozenset(
    {"cc", "ca", "cu", "metropole", "eurometropole", "agglomeration", "agglo", "communaute"}
)
_LINKING_WORDS = (("de", "la"), ("de", "l"), ("du",), ("des",), ("de",), ("d",))


def epci_short_key(key: str) -> str | None:
    """The usual name of an EPCI, without its kind: "ca du pays basque" ->
    "pays basque", "ca arlysere" -> "arlysere", "toulouse metropole" ->
    "toulouse". ``key`` is an :func:`epci_key`; None when nothing is left
    or nothing was removed."""
    tokens = key.split(" ")
    if tokens and tokens[0] in EPCI_TYPE_WORDS:
        tokens = tokens[1:]
        for words in _LINKING_WORDS:
            if tuple(tokens[: len(words)]) == words and len(tokens) > len(words):
                tokens = tokens[len(words) :]
                break
    elif len(tokens) > 1 and tokens[-1] in EPCI_TYPE_WORDS:
        tokens = tokens[:-1]
    short = " ".join(tokens)
    return short if short and short != key else None
