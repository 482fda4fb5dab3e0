"""What a request asks for more than once, computed once per request.

CKAN's ``page.html`` renders a page's whole sidebar twice (once to know
whether it is empty: ``self.secondary()|trim``): on a dataset page, the
organisation (``h.get_organization``: ``organization_show``), the coverage
map and the quality of the dataset were each computed twice.
:func:`per_request` keeps a function's answers for the request
(``flask.g``), per arguments; outside a request it just calls it. Only for
reads whose answer cannot change during the request, and that callers do
not modify.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import g, has_request_context

F = TypeVar("F", bound=Callable[..., Any])


def per_request(function: F) -> F:
    """``function``, its answers kept for the request (see the module)."""
    name = f"{function.__module__}.{function.__qualname__}"

    @functools.wraps(function)
    def remembered(*args: Any, **kwargs: Any) -> Any:
        if not has_request_context():
            return function(*args, **kwargs)
        key = (name, args, tuple(sorted(kwargs.items())))
        try:
            hash(key)
        except TypeError:  # an unhashable argument: not remembered
            return function(*args, **kwargs)
        store = g.setdefault("_territoires_memo", {})
        if key not in store:
            store[key] = function(*args, **kwargs)
        return store[key]

    return remembered  # type: ignore[return-value]
