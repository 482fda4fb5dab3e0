"""The Makefile serves the portal as visitors should meet it."""

from __future__ import annotations

import re
from pathlib import Path

MAKEFILE = Path(__file__).resolve().parents[1] / "Makefile"


def test_make_run_serves_without_the_interactive_debugger():
    """``ckan run`` enables Werkzeug's debugger unless ``--disable-debugger``:
    an error would show its traceback, with a console, to the visitor."""
    runs = [
        line
        for line in MAKEFILE.read_text(encoding="utf-8").splitlines()
        if re.search(r"\$\(CKAN\)\s.*\brun\b", line)
    ]
    assert runs, "no `ckan run` in the Makefile"
    for line in runs:
        assert "--disable-debugger" in line, line
