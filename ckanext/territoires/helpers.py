"""Template helpers of ckanext-territoires (presentation only)."""

from __future__ import annotations

import datetime
import re
from typing import Any
from urllib.parse import urlencode

import ckan.plugins.toolkit as tk
from ckan.common import current_user
from flask import current_app, request
from flask_babel import format_date, format_time, get_locale
from markupsafe import Markup

from ckanext.territoires import cache, config, errors, licences, memo, territory, urls
from ckanext.territoires.referential import get_referential, population
from ckanext.territoires.translations import N_

__all__ = [
    "follow_count",
    "humanize_entity_type",
    "render_datetime",
    "territoires_activity_type",
    "territoires_catalogue_url",
    "territoires_commune_examples",
    "territoires_commune_name",
    "territoires_commune_status",
    "territoires_coverage_choices",
    "territoires_csrf_meta",
    "territoires_dataset_form",
    "territoires_dataset_form_errors",
    "territoires_dataset_map",
    "territoires_dataset_organization",
    "territoires_epci_type",
    "territoires_error_page",
    "territoires_frequency_choices",
    "territoires_has_value",
    "territoires_home",
    "territoires_licence_title",
    "territoires_markdown",
    "territoires_max_resource_size",
    "territoires_place",
    "territoires_place_catalogue_url",
    "territoires_population",
    "territoires_population_heading",
    "territoires_publishing_defaults",
    "territoires_quality",
    "territoires_resource_more_items",
    "territoires_safe_url",
    "territoires_search_map",
    "territoires_site",
    "territoires_standard",
    "territoires_territory_label",
    "territoires_theme_chart",
    "territoires_theme_choices",
    "territoires_theme_label",
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


def territoires_commune_examples() -> dict[str, str]:
    """Communes of the territory to show as examples in search boxes:
    ``first``, ``second`` (names) and ``postal_code``."""
    return territory.commune_examples()


def territoires_commune_name(code: str) -> str:
    """Name of the current commune of an INSEE code, or the code."""
    return territory.commune_name(code) or code


#: A commune's status in the territory (group extra ``status``).
COMMUNE_STATUSES = {
    "current": N_("Current commune"),
    "archived": N_("Former commune (merged, or out of the territory)"),
}


def territoires_commune_status(status: str) -> str:
    """The translated status of a commune, or the value itself."""
    return tk._(COMMUNE_STATUSES[status]) if status in COMMUNE_STATUSES else (status or "")


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


def territoires_csrf_meta() -> bool:
    """Whether the page carries CKAN's CSRF token meta tag (not on read-only
    pages for anonymous visitors, which a proxy may then cache: cache.py)."""
    return cache.csrf_meta_needed()


@tk.chained_helper
@memo.per_request
def follow_count(next_helper, obj_type, obj_id):
    """CKAN's ``h.follow_count``, once per request (the dataset page's
    sidebar is rendered twice: memo.py)."""
    return next_helper(obj_type, obj_id)


@memo.per_request
def territoires_dataset_organization(org_id: str) -> dict[str, Any]:
    """The organisation in a dataset page's sidebar: what CKAN's
    ``h.get_organization`` gives, without the members, followers, groups and
    tags the sidebar does not show (each member cost a count of their
    datasets); once per request. ``{}`` when not found or not visible."""
    try:
        return tk.get_action("organization_show")(
            _user_context(),
            {
                "id": org_id,
                "include_datasets": False,
                "include_users": False,
                "include_followers": False,
                "include_groups": False,
                "include_tags": False,
            },
        )
    except (tk.ObjectNotFound, tk.ValidationError, tk.NotAuthorized):
        return {}


@memo.per_request
def territoires_quality(dataset_id: str):
    """Metadata quality of a dataset for the current user (None if hidden)."""
    try:
        return tk.get_action("territoires_quality_show")(_user_context(), {"id": dataset_id})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return None


#: The action showing each territorial group type.
PLACE_ACTIONS = {
    "commune": ("territoires_commune_show", {}),
    "intercommunalite": ("territoires_intercommunality_show", {"include_communes": False}),
}


def territoires_place(group_type: str, name: str) -> dict[str, Any] | None:
    """A commune or an intercommunality without its figures (None for any
    other group type, or one the visitor may not see)."""
    if group_type not in PLACE_ACTIONS:
        return None
    action, options = PLACE_ACTIONS[group_type]
    try:
        return tk.get_action(action)(
            _user_context(), {"id": name, "include_figures": False, **options}
        )
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return None


def territoires_home() -> dict[str, Any]:
    """What the home page shows: ``{"site": territoires_site_show,
    "territory": territoires_territory_show, "communes_block": bool,
    "position": featured|top|bottom}`` (options ``ckanext.territoires.home.*``)."""
    context = {"user": current_user.name, "auth_user_obj": current_user}
    return {
        "site": tk.get_action("territoires_site_show")(context, {}),
        "territory": tk.get_action("territoires_territory_show")(context, {}),
        "communes_block": config.home_communes_block(),
        "position": config.home_position(),
        "map": _map({"kind": "territory"}),
    }


def _map(data_dict: dict[str, Any]) -> dict[str, Any] | None:
    try:
        return tk.get_action("territoires_map_show")(_user_context(), data_dict)
    except (tk.ObjectNotFound, tk.NotAuthorized, tk.ValidationError):
        return None


@memo.per_request
def territoires_dataset_map(dataset_id: str) -> dict[str, Any] | None:
    """The map of a dataset's coverage (``territoires_map_show``), or None."""
    return _map({"kind": "dataset", "id": dataset_id})


#: Parameters of ``/dataset`` a map link replaces or drops.
_SEARCH_MAP_DROPPED = ("ext_bbox", "page")


def territoires_search_map() -> dict[str, Any] | None:
    """The map of the territory on ``/dataset``: each place links to the
    search restricted to its box (``ext_bbox``), the other parameters of
    the current search kept; ``current``: the box searched now, ``clear``:
    the same search without it."""
    result = _map({"kind": "territory", "link": "search"})
    if result is None:
        return None
    kept = [
        (key, value)
        for key, value in request.args.items(multi=True)
        if key not in _SEARCH_MAP_DROPPED
    ]
    base_url = tk.url_for("dataset.search")

    def search_url(box: str | None) -> str:
        params = kept + ([("ext_bbox", box)] if box else [])
        return base_url + ("?" + urlencode(params) if params else "")

    for shape in result["shapes"]:
        if shape["href"]:
            shape["href"] = search_url(shape["bbox"])
    for place in result["missing"]:
        place["href"] = ""
    current = request.args.get("ext_bbox", "").strip()
    result["current"] = current
    result["current_place"] = ""
    for shape in result["shapes"]:
        if current and shape["bbox"] == current:  # the place searched now, highlighted
            shape["highlighted"] = True
            result["current_place"] = shape["label"]
    result["clear"] = search_url(None) if current else ""
    return result


def territoires_site() -> dict[str, Any]:
    """The portal's title, introduction and logo (``territoires_site_show``)."""
    return tk.get_action("territoires_site_show")(_user_context(), {})


def territoires_catalogue_url() -> str | None:
    """The portal's DCAT-AP catalogue (Turtle) when ckanext-dcat serves it."""
    if "dcat.read_catalog" in current_app.view_functions:
        return tk.url_for("dcat.read_catalog", _format="ttl")
    return None


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


def territoires_theme_label(value: str) -> str:
    """A theme as people read it: an EU data theme's translated label
    ("Santé" for ``.../data-theme/HEAL``), any other theme as written."""
    from ckanext.territoires import vocabularies

    return vocabularies.theme_label(value)


_HEADING_TAG = re.compile(r"<(/?)h([1-6])(?=[\s>])", re.IGNORECASE)


def territoires_markdown(text: Any, top: int = 2):
    """CKAN's ``render_markdown``, its headings starting at ``<h{top}>``
    (the page has its ``<h1>``): ``#`` becomes ``<h2>``, ``##`` ``<h3>``...
    (``<h6>`` at most)."""
    html = str(tk.h.render_markdown(text or ""))
    shift = max(top - 1, 0)

    def shifted(match: re.Match) -> str:
        return "<%sh%d" % (match.group(1), min(int(match.group(2)) + shift, 6))

    return Markup(_HEADING_TAG.sub(shifted, html))


def territoires_standard(value: str) -> dict[str, str]:
    """A ``conforms_to`` value as pages show it: ``{"label", "url"}``."""
    from ckanext.territoires import standards

    return standards.standard_reference(value)


def territoires_safe_url(value: Any) -> str:
    """A URL from outside if it may be put into an ``href``, else ``""``."""
    return urls.safe_link(value)


def territoires_has_value(value: Any) -> bool:
    """Whether a field holds something to show: not empty, and for a list
    or a mapping (repeating subfields), one of its items holds something."""
    if isinstance(value, dict):
        return any(territoires_has_value(item) for item in value.values())
    if isinstance(value, list | tuple):
        return any(territoires_has_value(item) for item in value)
    return value not in (None, "") and not (isinstance(value, str) and not value.strip())


#: Keys of a resource that CKAN, the DataStore and ckanext-xloader keep for
#: their own work: internals, never details for a visitor.
RESOURCE_INTERNALS = frozenset(
    {
        "created",
        "metadata modified",
        "last modified",
        "format",
        "state",
        "position",
        "package id",
        "resource id",
        "url type",
        "has views",
        "hash",
        "ignore hash",
        "set url type",
        "original url",
        "queue name",
        "task created",
        "datastore active",
        "datastore contains all records of source file",
        "cache url",
        "cache last updated",
        "territoires schema",
    }
)


def territoires_resource_more_items(
    res: dict[str, Any], schema_fields: list[str]
) -> list[tuple[str, Any]]:
    """The "more" rows of a resource page: its other details, translated,
    neither the schema's fields again nor the internals of CKAN, the
    DataStore and xloader (labels such as "Queue name" or "Resource id")."""
    return [
        (tk._(key.capitalize()), value)
        for key, value in tk.h.format_resource_items(res.items())
        if key not in RESOURCE_INTERNALS and key.replace(" ", "_") not in schema_fields
    ]


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


def territoires_population(kind: str, code: str) -> dict[str, Any] | None:
    """The population of a commune (``kind`` commune, INSEE code) or an
    intercommunality (``intercommunalite``, SIREN), with what it is:
    ``{"value", "label": "Population municipale 2023 (Insee)", "definition"}``;
    None when unknown. The one place pages take a population from."""
    ref = get_referential()
    found = (
        population.epci_population(ref, code)
        if kind == "intercommunalite"
        else population.commune_population(ref, code)
    )
    if found is None:
        return None
    return {"value": found.value, **_population_wording(kind, found.year, found.source)}


def territoires_population_heading() -> dict[str, str]:
    """The heading of a column of commune populations, with what they are:
    ``{"label": "Population municipale 2023 (Insee)", "definition"}``."""
    return _population_wording(
        "commune", population.population_year(get_referential()), population.SOURCE
    )


def _population_wording(kind: str, year: int | None, source: str) -> dict[str, str]:
    if year:
        label = tk._("Municipal population %(year)s (%(source)s)") % {
            "year": year,
            "source": source,
        }
    else:
        label = tk._("Municipal population (%(source)s)") % {"source": source}
    definition = tk._(
        "INSEE's legal population: the people whose usual residence is in the commune"
        "%(scope)s, counted by the census on 1 January %(year)s."
    ) % {
        "scope": tk._(", summed over the member communes") if kind == "intercommunalite" else "",
        "year": year or "",
    }
    return {"label": label, "definition": definition}


@tk.chained_helper
def render_datetime(
    ckan_render_datetime,
    datetime_: datetime.datetime | str | None,
    date_format: str | None = None,
    with_hours: bool = False,
    with_seconds: bool = False,
) -> str:
    """CKAN's ``h.render_datetime`` in the order of the page's language and
    in the portal's time zone (``ckan.display_timezone``) only: "6 décembre
    2026 à 19:07", "1er janvier 2024" (CKAN writes "décembre 6, 2026, 19:07
    (+0100)"). An explicit ``date_format`` is CKAN's."""
    if date_format:
        return ckan_render_datetime(datetime_, date_format, with_hours, with_seconds)
    moment = _display_datetime(datetime_)
    if moment is None:
        return ""
    date = format_date(moment, "long")
    if moment.day == 1 and str(get_locale()).startswith("fr"):
        date = "1er" + date[1:]  # French writes the first day as an ordinal
    if not (with_hours or with_seconds):
        return date
    time = format_time(moment, "HH:mm:ss" if with_seconds else "HH:mm")
    return tk._("{date} at {time}").format(date=date, time=time)


def _display_datetime(value: datetime.datetime | str | None) -> datetime.datetime | None:
    """A date (ISO string or datetime) in the display time zone; naive
    values are UTC, as CKAN stores them. None when it is not a date."""
    if isinstance(value, str):
        try:
            value = tk.h.date_str_to_datetime(value)
        except (TypeError, ValueError):
            return None
    if not isinstance(value, datetime.datetime):
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.timezone.utc)
    return value.astimezone(tk.h.get_display_timezone())


#: The activity types ckanext-activity filters streams on, as people read them.
ACTIVITY_TYPES = {
    "new package": N_("New dataset"),
    "changed package": N_("Dataset updated"),
    "deleted package": N_("Dataset deleted"),
    "follow dataset": N_("Dataset followed"),
    "new resource view": N_("New resource view"),
    "changed resource view": N_("Resource view updated"),
    "deleted resource view": N_("Resource view deleted"),
    "new organization": N_("New organization"),
    "changed organization": N_("Organization updated"),
    "deleted organization": N_("Organization deleted"),
    "follow organization": N_("Organization followed"),
    "new group": N_("New group"),
    "changed group": N_("Group updated"),
    "deleted group": N_("Group deleted"),
    "follow group": N_("Group followed"),
}


def territoires_activity_type(activity_type: str) -> str:
    """An activity type of ckanext-activity, translated (the type itself
    when unknown)."""
    label = ACTIVITY_TYPES.get(activity_type)
    return tk._(label) if label else activity_type


#: How CKAN's group pages name the territorial group types, by purpose
#: (see CKAN's ``h.humanize_entity_type``): French needs articles and
#: lower case that "Edit {object_type}" with "Commune" cannot give.
GROUP_TYPE_WORDS: dict[str, dict[str, str]] = {
    "commune": {
        "add link": N_("Add a commune"),
        "breadcrumb": N_("Communes"),
        "content tab": N_("Communes"),
        "create label": N_("Create a commune"),
        "create title": N_("Create a commune"),
        "delete confirmation": N_("Are you sure you want to delete this commune?"),
        "description placeholder": N_("A few words about the commune..."),
        "edit label": N_("Edit the commune"),
        "facet label": N_("Communes"),
        "form label": N_("The commune's presentation"),
        "main nav": N_("Communes"),
        "my label": N_("My communes"),
        "no any objects": N_("There is no commune yet."),
        "no description": N_("The commune has no presentation yet."),
        "page title": N_("Communes"),
        "save label": N_("Save the presentation"),
        "search placeholder": N_("Search the communes..."),
        "update label": N_("Save the presentation"),
        "view label": N_("View the commune"),
        "you not member": N_("You are not a member of any commune."),
    },
    "intercommunalite": {
        "breadcrumb": N_("Intercommunalities"),
        "content tab": N_("Intercommunalities"),
        "edit label": N_("Edit the intercommunality"),
        "facet label": N_("Intercommunalities"),
        "form label": N_("The intercommunality's presentation"),
        "main nav": N_("Intercommunalities"),
        "no description": N_("The intercommunality has no presentation yet."),
        "page title": N_("Intercommunalities"),
        "save label": N_("Save the presentation"),
        "update label": N_("Save the presentation"),
        "view label": N_("View the intercommunality"),
    },
}


@tk.chained_helper
def humanize_entity_type(
    ckan_humanize_entity_type, entity_type: str, object_type: str, purpose: str
) -> str | None:
    """CKAN's names of entity types, with the words of the commune and
    intercommunality group types ("Modifier la commune", not "Edit Commune")."""
    words = GROUP_TYPE_WORDS.get(object_type, {}) if entity_type == "group" else {}
    if purpose in words:
        return tk._(words[purpose])
    return ckan_humanize_entity_type(entity_type, object_type, purpose)


def territoires_error_page(code: Any, content: Any = None) -> dict[str, Any]:
    """What the error page of ``code`` says (title, explanation, the view's
    own message): see :func:`ckanext.territoires.errors.page`."""
    return errors.page(code, content)


def territoires_licence_title(pkg_dict: dict[str, Any]) -> str:
    """The title of a dataset's licence in the page's language."""
    return licences.shown_title(pkg_dict)


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
