"""Template helpers of ckanext-territoires (presentation only)."""
from __future__ import annotations

import ckan.plugins.toolkit as tk

from ckanext.territoires import territory
from ckanext.territoires.referential import get_referential

__all__ = ["territoires_coverage_choices", "territoires_commune_name",
           "territoires_frequency_choices"]


def territoires_coverage_choices(field=None) -> list[dict[str, str]]:
    """Choices of the coverage picker: the whole territory, then its communes by name."""
    scope = territory.configured_scope()
    ref = get_referential()
    communes = sorted(scope.communes, key=lambda code: (ref.communes[code].name, code))
    return [{"value": "*", "label": tk._("The whole territory (%s)") % scope.label}] + [
        {"value": code, "label": f"{ref.communes[code].name} ({code})"} for code in communes
    ]


def territoires_commune_name(code: str) -> str:
    """Name of the current commune of an INSEE code, or the code."""
    commune = get_referential().current_commune(code or "")
    return commune.name if commune is not None else code


def territoires_frequency_choices(field=None) -> list[dict[str, str]]:
    """Choices of the update frequency field: the EU vocabulary, translated."""
    from ckanext.territoires.dcat import vocabularies

    lang = "fr" if (tk.h.lang() or "").startswith("fr") else "en"
    return [{"value": vocabularies.FREQUENCY_BASE + term.code,
             "label": term.fr if lang == "fr" else term.en}
            for term in vocabularies.FREQUENCIES]
