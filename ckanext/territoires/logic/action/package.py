"""``territoires_package_search``: the datasets of a commune or
intercommunality, searched as ``package_search`` does; CKAN's
``package_create`` and ``package_update``, with an empty repeating field
read as none;
``territoires_package_publish``: a dataset and its file or link, published
from the web form in one step."""

from __future__ import annotations

from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib import munge
from ckan.logic import validate

from ckanext.territoires import config
from ckanext.territoires.communes import figures
from ckanext.territoires.logic import schema

from . import _places

__all__ = [
    "package_create",
    "package_update",
    "territoires_package_publish",
    "territoires_package_search",
]


@tk.side_effect_free
@validate(schema.territoires_package_search)
def territoires_package_search(context, data_dict) -> dict[str, Any]:
    """Search the datasets of a commune or intercommunality, as package_search
    does, with the caller's permissions.

    :param id: the commune or intercommunality: group name or id, INSEE
        code (current, former, arrondissement, déléguée) or SIREN
    :type id: string
    :param relation: keep the datasets ``published`` by the place's
        organisation, ``covering`` the commune (but not the whole
        territory) or covering the whole ``territory`` (optional)
    :type relation: string
    :param q: free text, as package_search's ``q`` (optional)
    :type q: string
    :param filters: field -> list of values, every value required, e.g.
        ``{"tags": ["vélo"], "res_format": ["CSV"]}`` (optional; a JSON
        object in a GET)
    :type filters: dict
    :param fq: an additional filter query, as package_search's (optional)
    :type fq: string
    :param sort: as package_search's (optional)
    :type sort: string
    :param rows: datasets per page (default: ``ckan.datasets_per_page``,
        at most 1000)
    :type rows: int
    :param start: offset of the first dataset (default: 0)
    :type start: int
    :param facet.field: fields to facet on (default: organization,
        territoires_themes, tags, res_format, license_id)
    :type facet.field: list of strings
    :param facet.limit: values per facet (default: ``search.facets.default``)
    :type facet.limit: int
    :param include_figures: add ``figures``, the place's key figures as
        ``territoires_commune_show`` gives them (default: ``false``); the
        first page of an unfiltered search, latest updates first, and the
        figures then come from a single search
    :type include_figures: bool

    :returns: package_search's result (``count``, ``results``, ``facets``,
        ``search_facets``, ``sort``) restricted to the place, and
        ``figures`` when asked for
    :rtype: dictionary
    """
    tk.check_access("territoires_package_search", context, data_dict)
    place = _places.find_place(data_dict["id"])
    return figures.package_search(
        context,
        place,
        relation=data_dict.get("relation"),
        q=data_dict.get("q") or "",
        filters=data_dict.get("filters") or {},
        fq=data_dict.get("fq"),
        sort=data_dict.get("sort"),
        rows=data_dict.get("rows", tk.config.get("ckan.datasets_per_page")),
        start=data_dict.get("start", 0),
        facet_fields=data_dict.get("facet.field") or figures.PAGE_FACETS,
        facet_limit=data_dict.get("facet.limit", tk.config.get("search.facets.default")),
        latest=config.pages_latest_count(),
        with_figures=data_dict.get("include_figures", False),
        summaries=_places.SUMMARIES,
    )


def _repeating_fields(dataset_type: str) -> list[str]:
    """Fields of the dataset schema made of sub-fields (contact points...)."""
    if not p.plugin_loaded("scheming_datasets"):
        return []
    from ckanext.scheming.helpers import scheming_get_dataset_schema

    schema = scheming_get_dataset_schema(dataset_type) or {}
    return [
        field["field_name"]
        for field in schema.get("dataset_fields", [])
        if "repeating_subfields" in field
    ]


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def without_empty_repeating_fields(data_dict: dict[str, Any]) -> dict[str, Any]:
    """``data_dict`` with its repeating fields given as ``""`` or null as
    empty lists: none, as for any other optional field (CKAN's validation
    refuses anything but a list of dicts there, with a ``DataError``)."""
    empty = [
        name
        for name in _repeating_fields(data_dict.get("type") or "dataset")
        if name in data_dict and _empty(data_dict[name])
    ]
    return {**data_dict, **{name: [] for name in empty}} if empty else data_dict


@tk.chained_action
def package_create(up_func, context, data_dict):
    """CKAN's ``package_create`` (which checks the access); a repeating field
    (``contact``, ``publisher``, ``temporal_coverage``...) given as ``""``
    or null means none.

    :param: as CKAN's ``package_create``
    """
    return up_func(context, without_empty_repeating_fields(data_dict))


@tk.chained_action
def package_update(up_func, context, data_dict):
    """CKAN's ``package_update`` (which checks the access, and serves
    ``package_patch`` and ``package_revise``); a repeating field given as
    ``""`` or null means none.

    :param: as CKAN's ``package_update``
    """
    return up_func(context, without_empty_repeating_fields(data_dict))


#: package_search's whole-number parameters: CKAN's schema fails (a 500) on
#: one given empty ("start": ""); empty means the default.
SEARCH_NUMBERS = ("rows", "start", "facet.limit", "facet.mincount")
#: ... and its yes/no parameters (CKAN's ``asbool`` fails on other values).
SEARCH_BOOLEANS = ("include_private", "include_drafts", "include_deleted", "use_default_schema")


def _not_boolean(value: Any) -> bool:
    try:
        tk.asbool(value)
    except (ValueError, TypeError, AttributeError):
        return True
    return False


def _search_parameter_errors(data_dict: dict[str, Any]) -> dict[str, list[str]]:
    errors = {
        key: [tk._("This must be a whole number.")]
        for key in SEARCH_NUMBERS
        if isinstance(data_dict.get(key), (list, tuple, dict, set))
    }
    errors.update(
        {
            key: [tk._("This must be true or false.")]
            for key in SEARCH_BOOLEANS
            if key in data_dict and not _blank(data_dict[key]) and _not_boolean(data_dict[key])
        }
    )
    return errors


@tk.chained_action
@tk.side_effect_free
def package_search(up_func, context, data_dict):
    """CKAN's ``package_search`` (which checks the access); a whole-number
    or yes/no parameter given empty (``""`` or null) takes its default, one
    of the wrong type is a ValidationError (CKAN answered 500).

    :param: as CKAN's ``package_search``
    """
    wrong = _search_parameter_errors(data_dict)
    if wrong:
        raise tk.ValidationError(wrong)
    empty = [
        key
        for key in SEARCH_NUMBERS + SEARCH_BOOLEANS
        if key in data_dict and _blank(data_dict[key])
    ]
    if empty:
        data_dict = {key: value for key, value in data_dict.items() if key not in empty}
    return up_func(context, data_dict)


def _visible_values(context, field: str, text: Any, limit: Any) -> list[str]:
    """Values of the index field ``field`` containing ``text``, from the
    datasets the caller may see (``package_search``'s permissions), the most
    used first."""
    text = str(text or "").strip().lower()
    try:
        limit = max(1, min(int(limit), 100))
    except (TypeError, ValueError):
        limit = 10
    if not text:
        return []
    result = tk.get_action("package_search")(
        {"user": context.get("user"), "auth_user_obj": context.get("auth_user_obj")},
        {
            "q": "",
            "rows": 0,
            "include_private": True,
            "facet.field": [field],
            "facet.limit": -1,
            "facet.mincount": 1,
        },
    )
    items = (result.get("search_facets") or {}).get(field, {}).get("items", [])
    matching = [item for item in items if text in str(item["name"]).lower()]
    matching.sort(key=lambda item: (-item["count"], str(item["name"]).lower()))
    return [str(item["name"]) for item in matching[:limit]]


@tk.chained_action
@tk.side_effect_free
def tag_autocomplete(up_func, context, data_dict):
    """CKAN's ``tag_autocomplete`` (which checks the access), free tags read
    from the datasets the caller may see: the tags of a private dataset are
    not listed to those who may not read it.

    :param: as CKAN's ``tag_autocomplete``
    """
    if data_dict.get("vocabulary_id"):
        return up_func(context, data_dict)
    tk.check_access("tag_autocomplete", context, data_dict)
    return _visible_values(
        context, "tags", data_dict.get("query") or data_dict.get("q"), data_dict.get("limit", 10)
    )


@tk.chained_action
@tk.side_effect_free
def format_autocomplete(up_func, context, data_dict):
    """CKAN's ``format_autocomplete`` (which checks the access), formats read
    from the datasets the caller may see.

    :param: as CKAN's ``format_autocomplete``
    """
    tk.check_access("format_autocomplete", context, data_dict)
    formats = _visible_values(context, "res_format", data_dict.get("q"), data_dict.get("limit", 5))
    return list(dict.fromkeys(value.lower() for value in formats))


def _blank(value: Any) -> bool:
    return value is None or value is tk.missing or not str(value).strip()


def _has_data(resource: dict[str, Any]) -> bool:
    upload = resource.get("upload")
    return not _blank(resource.get("url")) or bool(getattr(upload, "filename", None))


def _publish_errors(data: dict[str, Any], resources: list[dict[str, Any]]) -> dict[str, Any]:
    """What the web form asks for beyond ``package_create``: a title, an
    explicit visibility, a file or a link."""
    errors: dict[str, Any] = {}
    if _blank(data.get("title")):
        errors["title"] = [tk._("Missing value")]
    if _blank(data.get("private")):
        errors["private"] = [tk._("Choose who may see the dataset: everyone, or the organisation.")]
    if not any(_has_data(resource) for resource in resources):
        errors["resources"] = [{"url": [tk._("Add a file or a link to the data.")]}]
    return errors


def _free_name(title: str) -> str:
    """A URL name from the title, not taken yet (``-2``, ``-3``... appended)."""
    base = munge.munge_title_to_name(title)[:90].strip("-_")
    if len(base) < 2:  # CKAN's shortest name
        base = f"{base}-jeu-de-donnees".strip("-")
    name, number = base, 1
    while model.Package.get(name) is not None:
        number += 1
        name = f"{base}-{number}"
    return name


def _resource(resource: dict[str, Any], package_id: str) -> dict[str, Any]:
    resource = {key: value for key, value in resource.items() if not _blank(value)}
    filename = getattr(resource.get("upload"), "filename", None)
    if filename:
        resource.setdefault("name", filename)
        resource.pop("url", None)  # the file wins over a link typed beside it
    return {**resource, "package_id": package_id}


def territoires_package_publish(context, data_dict) -> dict[str, Any]:
    """Publish a dataset with its file or link in one step (the web form of
    officers): ``package_create``, then ``resource_create`` for each
    resource (a file upload included), in one transaction.

    Takes ``package_create``'s parameters, and requires what the form
    asks for:

    :param title: the dataset's title (required; ``name`` defaults to a
        free URL name made from it)
    :type title: string
    :param private: ``true`` (seen by the organisation only) or ``false``
        (public); required, there is no default
    :type private: bool
    :param resources: the dataset's files or links, each with ``url`` or
        ``upload`` (a file, in a multipart request), and optionally
        ``name``, ``format``, ``description``; at least one
    :type resources: list of dictionaries

    :returns: the dataset, as ``package_show`` returns it
    :rtype: dictionary

    The errors of the form and of ``package_create`` come together in one
    validation error (so the form shows them all at once, hence no
    ``@validate`` schema here); a resource's errors are under
    ``resources``. Nothing is kept when anything fails.
    """
    tk.check_access("territoires_package_publish", context, data_dict)
    data = dict(data_dict)
    resources = [item for item in data.pop("resources", None) or [] if isinstance(item, dict)]
    errors = _publish_errors(data, resources)
    named = not _blank(data.get("name"))
    if not named and "title" not in errors:
        data["name"] = _free_name(str(data["title"]))
    identity = {"user": context["user"], "auth_user_obj": context.get("auth_user_obj")}
    try:
        package = tk.get_action("package_create")({**identity, "defer_commit": True}, data)
    except tk.ValidationError as error:
        model.Session.rollback()
        found = dict(error.error_dict)
        if not named and "title" in errors:
            found.pop("name", None)  # made from the title: the title's error says it
        raise tk.ValidationError({**found, **errors}) from error
    if errors:
        model.Session.rollback()
        raise tk.ValidationError(errors)
    try:
        for resource in resources:
            if _has_data(resource):
                tk.get_action("resource_create")(dict(identity), _resource(resource, package["id"]))
    except tk.ValidationError as error:
        model.Session.rollback()
        raise tk.ValidationError({"resources": [error.error_dict]}) from error
    return tk.get_action("package_show")(dict(identity), {"id": package["id"]})
