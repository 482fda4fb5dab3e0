"""Template helpers of ckanext-territoires (presentation only)."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.common import current_user
from flask import current_app

from ckanext.territoires import config, territory
from ckanext.territoires.translations import N_

__all__ = [
    "territoires_commune_name",
    "territoires_coverage_choices",
    "territoires_dataset_form",
    "territoires_dataset_form_errors",
    "territoires_epci_type",
    "territoires_frequency_choices",
    "territoires_home_block",
    "territoires_max_resource_size",
    "territoires_place_catalogue_url",
    "territoires_publishing_defaults",
    "territoires_quality",
    "territoires_territory_label",
    "territoires_theme_chart",
    "territoires_theme_choices",
]

#: Endpoint of a per-place DCAT catalogue, if a plugin provides one
#: (DCAT-AP republishing): ``url_for(PLACE_CATALOGUE_ENDPOINT, id=<group name>)``.
PLACE_CATALOGUE_ENDPOINT = "territoires.place_catalogue"


def territoires_coverage_choices(field=None) -> list[dict[str, str]]:
    """Choices of the coverage picker: the whole territory, then its communes by name."""
    label = territory.configured_scope().label
    return [{"value": "*", "label": tk._("The whole territory (%s)") % label}] + [
        {"value": code, "label": f"{name} ({code})"} for code, name in territory.communes_by_name()
    ]


def territoires_territory_label() -> str:
    """The name of the portal's territory ("Métropole de Lyon")."""
    return territory.configured_scope().label


def territoires_commune_name(code: str) -> str:
    """Name of the current commune of an INSEE code, or the code."""
    return territory.commune_name(code) or code


def territoires_frequency_choices(field=None) -> list[dict[str, str]]:
    """Choices of the update frequency field: the EU vocabulary, translated."""
    from ckanext.territoires import vocabularies

    return [
        {"value": vocabularies.FREQUENCY_BASE + term.code, "label": tk._(term.label)}
        for term in vocabularies.FREQUENCIES
    ]


def _user_context() -> dict:
    user = tk.current_user
    return {
        "user": user.name if user.is_authenticated else "",
        "auth_user_obj": user if user.is_authenticated else None,
    }


def territoires_quality(dataset_id: str):
    """Metadata quality of a dataset for the current user (None if hidden)."""
    try:
        return tk.get_action("territoires_quality_show")(_user_context(), {"id": dataset_id})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return None


def territoires_home_block() -> dict[str, Any] | None:
    """What the home page's communes block shows, or None when it is off:
    ``{"position": featured|top|bottom, "territory": territoires_territory_show}``."""
    if not config.home_communes_block():
        return None
    context = {"user": current_user.name, "auth_user_obj": current_user}
    return {
        "position": config.home_position(),
        "territory": tk.get_action("territoires_territory_show")(context, {}),
    }


def territoires_place_catalogue_url(name: str) -> str | None:
    """The DCAT catalogue of a commune or intercommunality group, or None.

    A plugin registering the endpoint ``territoires.place_catalogue`` (with
    an ``id`` argument: the group name) provides it; otherwise, when
    ckanext-dcat's catalogue endpoint is on, its Turtle catalogue filtered
    to the group's datasets.
    """
    if PLACE_CATALOGUE_ENDPOINT in current_app.view_functions:
        return tk.url_for(PLACE_CATALOGUE_ENDPOINT, id=name, _format="ttl")
    if "dcat.read_catalog" in current_app.view_functions:
        # unquoted: ckanext-dcat copies fq into its paging URIs, which must stay
        # valid URIs (group names are made of a-z, 0-9, "-" and "_")
        return tk.url_for("dcat.read_catalog", _format="ttl", fq=f"groups:{name}")
    return None


def territoires_theme_chart(themes: list[dict[str, Any]], limit: int = 8) -> dict[str, Any]:
    """Geometry of the horizontal bar chart of themes (server-side SVG)."""
    shown = themes[:limit]
    largest = max([theme["count"] for theme in shown] or [1])
    row, label_width, bar_width = 28, 215, 200
    bars = [
        {
            **theme,
            "y": index * row,
            "width": round(theme["count"] / largest * bar_width, 1) if largest else 0,
        }
        for index, theme in enumerate(shown)
    ]
    return {
        "bars": bars,
        "row": row,
        "label_width": label_width,
        "bar_width": bar_width,
        "height": max(len(bars), 1) * row,
        "width": label_width + bar_width + 60,
        "others": len(themes) - len(shown),
    }


#: Legal forms of intercommunalities in the referential.
EPCI_TYPES = {
    "CC": N_("Community of communes"),
    "CA": N_("Agglomeration community"),
    "CU": N_("Urban community"),
    "METRO": N_("Metropolis"),
    "MET69": N_("Metropolis with special status (Lyon)"),
}


def territoires_epci_type(code: str) -> str:
    """The translated legal form of an intercommunality, or its code."""
    return tk._(EPCI_TYPES[code]) if code in EPCI_TYPES else (code or "")


# --- the dataset form: a short first step, then "More details" -----------------------

#: The pseudo-field of the dataset's file or link in the form's first step.
RESOURCE_FIELD = "resources"
#: Fields of the first step, in this order; the others go under "More details".
SHORT_FIELDS = (
    "title",
    "notes",
    RESOURCE_FIELD,
    "territoires_coverage",
    "theme",
    "license_id",
    "owner_org",
)
#: Licence preselected when the register has it: Licence Ouverte 2.0.
PREFERRED_LICENSE = "lov2"


def territoires_theme_choices(field=None, current=None) -> list[dict[str, str]]:
    """The EU data themes, labelled in the page's language and sorted by
    label; then the ``current`` values that are not EU themes (harvested
    free themes), so that editing a dataset keeps them."""
    from ckanext.territoires import vocabularies

    choices = sorted(
        (
            {"value": vocabularies.theme_uri(term), "label": tk._(term.label)}
            for term in vocabularies.THEMES
        ),
        key=lambda choice: choice["label"].lower(),
    )
    known = {choice["value"] for choice in choices}
    for value in current or []:
        if value and value not in known:
            choices.append({"value": value, "label": vocabularies.theme_label(value)})
            known.add(value)
    return choices


def territoires_dataset_form(schema: dict[str, Any], creating: bool) -> dict[str, Any]:
    """The fields of the dataset form: ``short`` (the first step, in
    :data:`SHORT_FIELDS` order; ``"resources"`` stands for the file or link,
    asked for when creating only) and ``details`` (the rest, in the
    schema's order). Fields without a form snippet are left out."""
    fields = {
        field["field_name"]: field
        for field in schema.get("dataset_fields", [])
        if field.get("form_snippet", "text.html") is not None
    }
    short: list[dict[str, Any] | str] = []
    for name in SHORT_FIELDS:
        if name == RESOURCE_FIELD:
            if creating:
                short.append(RESOURCE_FIELD)
        elif name in fields:
            short.append(fields[name])
    details = [field for name, field in fields.items() if name not in SHORT_FIELDS]
    return {"short": short, "details": details, "detail_names": [f["field_name"] for f in details]}


def _field_label(fields: dict[str, Any], name: str) -> str:
    if name == RESOURCE_FIELD:
        return tk._("File or link")
    if name == "private":
        return tk._("Visibility")
    field = fields.get(name)
    if field is None:
        return tk._(name)
    return tk.h.scheming_language_text(field.get("label")) or name


def _first_message(messages: Any) -> tuple[str | None, str]:
    """The first message of an error value (a list of messages, or of the
    error dicts of repeated sub-fields: ``(sub-field, message)``)."""
    for item in messages if isinstance(messages, list) else [messages]:
        if isinstance(item, dict):
            for sub_name, sub_messages in item.items():
                _sub, message = _first_message(sub_messages)
                if message:
                    return sub_name, message
        elif item:
            return None, str(item)
    return None, ""


def territoires_dataset_form_errors(
    schema: dict[str, Any], errors: dict[str, Any]
) -> list[dict[str, str]]:
    """The errors of the dataset form, each naming its field in the page's
    language: ``{"field", "label", "message"}`` in the form's order."""
    fields = {field["field_name"]: field for field in schema.get("dataset_fields", [])}
    order = list(SHORT_FIELDS) + [name for name in fields if name not in SHORT_FIELDS]
    found = []
    for name in sorted(errors or {}, key=lambda key: order.index(key) if key in order else 999):
        sub_name, message = _first_message(errors[name])
        if not message:
            continue
        label = _field_label(fields, name)
        sub_fields = {
            sub["field_name"]: sub
            for sub in (fields.get(name) or {}).get("repeating_subfields", [])
        }
        if sub_name is not None and sub_name in sub_fields:
            label = "%s (%s)" % (label, _field_label(sub_fields, sub_name))
        found.append({"field": name, "label": label, "message": message})
    return found


def territoires_publishing_defaults() -> dict[str, Any]:
    """What the dataset form of a new dataset starts with: the communes of
    the agent's communes and their organisation, the preferred licence."""
    licenses = {license_id for license_id, _title in tk.h.license_options()}
    defaults: dict[str, Any] = {
        "license_id": PREFERRED_LICENSE if PREFERRED_LICENSE in licenses else "notspecified",
    }
    if current_user.is_authenticated:
        agencies = tk.get_action("territoires_commune_agent_list")(
            _user_context(), {"user": current_user.name}
        )
        codes = [agency["commune"]["insee"] for agency in agencies if agency["commune"]["insee"]]
        if codes:
            defaults["territoires_coverage"] = codes
        organizations = [agency["organization"] for agency in agencies if agency["organization"]]
        if organizations:
            defaults["owner_org"] = organizations[0]["id"]
    return defaults


def territoires_max_resource_size() -> int:
    """The largest file a dataset may get, in megabytes (``ckan.max_resource_size``)."""
    return tk.asint(tk.config.get("ckan.max_resource_size"))
