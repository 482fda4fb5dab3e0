"""The Makefile serves the portal as visitors should meet it."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAKEFILE = ROOT / "Makefile"
SUPERVISOR = ROOT / "config" / "serve.py"


def _serve_recipe() -> list[str]:
    lines = MAKEFILE.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("serve:"))
    recipe = []
    for line in lines[start + 1 :]:
        if not line.startswith("\t"):
            break
        recipe.append(line)
    return recipe


def test_make_run_serves_without_the_interactive_debugger():
    """``ckan run`` enables Werkzeug's debugger unless ``--disable-debugger``:
    an error would show its traceback, with a console, to the visitor. The
    web server is started by config/serve.py (or by ``ckan run`` directly)."""
    recipe = _serve_recipe()
    runs = [line for line in recipe if re.search(r"\$\(CKAN\)\s.*\brun\b", line)]
    supervised = [line for line in recipe if "config/serve.py" in line]
    assert runs or supervised, "`make serve` starts no web server"
    for line in runs:
        assert "--disable-debugger" in line, line
    if supervised:
        commands = [
            line
            for line in SUPERVISOR.read_text(encoding="utf-8").splitlines()
            if re.search(r'"run"', line)
        ]
        assert commands, "config/serve.py starts no `ckan run`"
        for line in commands:
            assert "--disable-debugger" in line, line
