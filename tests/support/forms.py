"""Submit CKAN's forms through the test app as a browser does.

A browser sends every field of the form with its current value (the CSRF
token, hidden fields, the empty option of a select...) and keeps the login
cookie: :func:`form_values` reads them from the page, :func:`login` logs in
through ``/user/login``. No Authorization header, so CKAN checks the CSRF
token as it does for people. Use one client (``app.test_client()``) for a
whole visit: each ``app.get``/``app.post`` starts a new one, without cookies.
"""

from __future__ import annotations

import lxml.html
from werkzeug.datastructures import MultiDict

CSRF_FIELD = "_csrf_token"


def _form(page: str, form_id: str | None) -> lxml.html.FormElement:
    document = lxml.html.fromstring(page)
    forms = [
        form
        for form in document.forms
        if (form_id and form.get("id") == form_id)
        or (not form_id and form.xpath(f".//input[@name='{CSRF_FIELD}']"))
    ]
    assert forms, f"no form {form_id or 'with a CSRF token'} in the page"
    return forms[-1]


def form_values(
    page: str, form_id: str | None = None, empty: str | None = None
) -> list[tuple[str, str]]:
    """What a browser submits from the form ``form_id`` (else the page's last
    form carrying a CSRF token), without its submit buttons.

    ``empty``: a field left empty as a person leaves it: its inputs, and
    those of its repeating sub-fields (``<field>-<n>-<sub>``), sent empty,
    nothing selected in a multiple select (which a browser then omits).
    """
    form = _form(page, form_id)

    def emptied(name: str) -> bool:
        return empty is not None and (name == empty or name.startswith(empty + "-"))

    if empty is not None:
        names = {element.name for element in form.inputs}  # (iterating gives elements)
        assert any(emptied(name) for name in names if name), f"no input for {empty}"
    multiple = {
        select.get("name") for select in form.xpath(".//select[@multiple]") if select.get("name")
    }
    return [
        (name, "" if emptied(name) else value or "")
        for name, value in form.form_values()
        if not (emptied(name) and name in multiple)
    ]


def replace(values: list[tuple[str, str]], **fields: str) -> MultiDict:
    """``values`` with the fields named set to one value each (added if
    absent), ready to post."""
    kept = [(name, value) for name, value in values if name not in fields]
    return MultiDict(kept + list(fields.items()))


def login(client, name: str, password: str) -> None:
    """Log ``name`` in with the login form; ``client`` keeps the cookie."""
    page = client.get("/user/login").body
    values = replace(form_values(page), login=name, password=password)
    response = client.post("/user/login", data=values, follow_redirects=False)
    assert response.status_code == 302, response.body
