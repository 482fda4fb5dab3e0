"""CKAN's JavaScript strings in the page's language: ``/api/i18n/<lang>``
answers from files that CKAN builds only under ``ckan run``; they are
built on the first request for them, whatever server runs the portal
(:func:`ckanext.territoires.translations.build_script_strings`)."""

from __future__ import annotations

from flask import Blueprint, request

from ckanext.territoires import translations


def script_strings() -> None:
    path = request.path
    if path.startswith("/api/") and "/i18n/" in path:
        translations.build_script_strings()


def register(blueprint: Blueprint) -> None:
    blueprint.before_app_request(script_strings)
