"""Dataset themes: labels of the EU data themes vocabulary (DCAT-AP).

The dataset field ``theme`` holds URIs of the Publications Office's
``data-theme`` authority table (what DCAT-AP and data.gouv.fr use) or free
values from harvested catalogues. URIs are shown with their translated
label; any other value is shown as it is.
"""

from __future__ import annotations

import ckan.plugins.toolkit as tk

from ckanext.territoires.translations import N_

EU_THEMES_PREFIX = "http://publications.europa.eu/resource/authority/data-theme/"


#: EU data theme codes -> English label (msgid of the translation).
EU_THEMES = {
    "AGRI": N_("Agriculture, fisheries, forestry and food"),
    "ECON": N_("Economy and finance"),
    "EDUC": N_("Education, culture and sport"),
    "ENER": N_("Energy"),
    "ENVI": N_("Environment"),
    "GOVE": N_("Government and public sector"),
    "HEAL": N_("Health"),
    "INTR": N_("International issues"),
    "JUST": N_("Justice, legal system and public safety"),
    "OP_DATPRO": N_("Provisional data"),
    "REGI": N_("Regions and cities"),
    "SOCI": N_("Population and society"),
    "TECH": N_("Science and technology"),
    "TRAN": N_("Transport"),
}


def eu_theme_code(value: str) -> str | None:
    """``.../data-theme/ENVI`` (http or https, any case) -> ``ENVI``."""
    text = (value or "").strip()
    lowered = text.lower().replace("https://", "http://", 1)
    if lowered.startswith(EU_THEMES_PREFIX.lower()):
        code = text[len(EU_THEMES_PREFIX) + (1 if text.lower().startswith("https") else 0) :]
        code = code.strip("/").upper()
        return code if code in EU_THEMES else None
    return text.upper() if text.upper() in EU_THEMES else None


def label(value: str) -> str:
    """The label of a theme value, translated when it is an EU data theme."""
    code = eu_theme_code(value)
    return tk._(EU_THEMES[code]) if code else (value or "")
