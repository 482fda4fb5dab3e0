"""Template helpers of ckanext-territoires (presentation only)."""
from __future__ import annotations

import ckan.plugins.toolkit as tk

from ckanext.territoires import territory
from ckanext.territoires.referential import get_referential

__all__ = ["territoires_coverage_choices", "territoires_commune_name",
           "territoires_frequency_choices", "territoires_quality", "territoires_quality_commune"]


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


def _user_context() -> dict:
    user = tk.current_user
    return {"user": user.name if user.is_authenticated else "",
            "auth_user_obj": user if user.is_authenticated else None}


def territoires_quality(dataset_id: str):
    """Metadata quality of a dataset for the current user (None if hidden)."""
    try:
        return tk.get_action("territoires_quality_show")(_user_context(), {"id": dataset_id})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return None


def territoires_quality_commune(insee: str) -> dict | None:
    """What ``territoires/quality/commune_summary.html`` shows for a commune:
    ``{% snippet 'territoires/quality/commune_summary.html',
    quality=h.territoires_quality_commune(commune.insee) %}``."""
    result = tk.get_action("territoires_quality_commune_list")(_user_context(), {})
    row = next((row for row in result["communes"] if row["insee"] == insee), None)
    if row is None:
        return {"summary": None}
    return {"summary": row, "levels": result["levels"], "criteria": result["criteria"],
            "detail_url": tk.url_for("territoires.quality_commune", id=row["group"])}
