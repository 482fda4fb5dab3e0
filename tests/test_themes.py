"""Theme labels: EU data themes by URI (http or https) or code; others as they are."""

from __future__ import annotations

import pytest

from ckanext.territoires import themes


@pytest.mark.parametrize(
    "value, code",
    [
        ("http://publications.europa.eu/resource/authority/data-theme/ENVI", "ENVI"),
        ("https://publications.europa.eu/resource/authority/data-theme/TRAN/", "TRAN"),
        ("http://publications.europa.eu/resource/authority/data-theme/OP_DATPRO", "OP_DATPRO"),
        ("agri", "AGRI"),
        ("http://publications.europa.eu/resource/authority/data-theme/NOPE", None),
        ("Transport", None),
        ("", None),
    ],
)
def test_eu_theme_code(value, code):
    assert themes.eu_theme_code(value) == code


@pytest.mark.usefixtures("with_request_context")
def test_label():
    assert (
        themes.label("http://publications.europa.eu/resource/authority/data-theme/HEAL") == "Health"
    )
    assert themes.label("Vélo") == "Vélo"
