"""Where the templates of the pooled data go in CKAN's template path."""

from __future__ import annotations

import os
from typing import Any

TEMPLATES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")


def templates_first(config: Any) -> None:
    """Put this package's templates first: they extend the core plugin's
    resource, commune and intercommunality pages (``{% ckan_extends %}``),
    whatever the order of ``ckan.plugins``."""
    paths = [path for path in config.get("computed_template_paths") or [] if path != TEMPLATES]
    config["computed_template_paths"] = [TEMPLATES, *paths]
