"""``POST /dataset/publish``: the dataset form of a new dataset, with its
file or link, published in one step (``territoires_package_publish``).

CKAN's ``/dataset/new`` still shows the form (its template,
``scheming/package/snippets/package_form.html``, is this plugin's and
posts here); on errors the form comes back through CKAN's own view, with
the values typed and each error under its field. Editing a dataset, and
the second stage of a draft created elsewhere, stay CKAN's.
"""

from __future__ import annotations

from typing import Any

import ckan.lib.base as base
import ckan.plugins.toolkit as tk
from ckan.common import current_user
from ckan.lib.navl.dictization_functions import DataError, unflatten
from ckan.logic import clean_dict, parse_params, tuplize_dict
from ckan.views.dataset import CreateView
from flask import Blueprint, redirect, request

#: Form fields that are not the dataset's.
_FORM_ONLY = ("save", "_ckan_phase", "pkg_name")


def _form_data() -> dict[str, Any]:
    """The posted form, files included, as a (nested) dataset dictionary."""
    params = parse_params(request.form)
    params.update(
        (key, upload) for key, upload in parse_params(request.files).items() if upload.filename
    )
    data = clean_dict(unflatten(tuplize_dict(params)))
    # a field of a new dataset left empty is a field not given (the blank
    # choice of a select, an empty text box): package_create's defaults apply
    return {
        key: value
        for key, value in data.items()
        if key not in _FORM_ONLY and not (isinstance(value, str) and not value.strip())
    }


def _for_the_form(data: dict[str, Any]) -> dict[str, Any]:
    """The values to show again: a file cannot be put back in a file
    input, its name is shown so that it is chosen again."""
    resources = []
    for resource in data.get("resources") or []:
        resource = dict(resource)
        upload = resource.pop("upload", None)
        if getattr(upload, "filename", None):
            resource["upload_name"] = upload.filename
        resources.append(resource)
    return {**data, "resources": resources}


def publish(package_type: str = "dataset"):
    try:
        data = _form_data()
    except DataError:
        return base.abort(400, tk._("Integrity Error"))
    context = {"user": current_user.name, "auth_user_obj": current_user}
    try:
        dataset = tk.get_action("territoires_package_publish")(
            context, {**data, "type": package_type}
        )
    except tk.NotAuthorized:
        return base.abort(403, tk._("Unauthorized to create a package"))
    except tk.ValidationError as error:
        return CreateView().get(
            package_type, _for_the_form(data), error.error_dict, error.error_summary
        )
    return redirect(tk.url_for(f"{package_type}.read", id=dataset["name"]), code=303)


def publish_form():
    """A GET of the publishing address: the form."""
    return redirect(tk.url_for("dataset.new"))


def register(blueprint: Blueprint) -> None:
    """Add the publishing route to the plugin's blueprint."""
    blueprint.add_url_rule(
        "/dataset/publish", view_func=publish, endpoint="dataset_publish", methods=["POST"]
    )
    blueprint.add_url_rule(
        "/dataset/publish", view_func=publish_form, endpoint="dataset_publish_form"
    )
