"""``make run`` serves the portal as visitors should meet it."""

from __future__ import annotations

import importlib.util
import re
import shlex
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _recipe(target: str) -> list[str]:
    """The command lines of a Makefile target."""
    lines = (ROOT / "Makefile").read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if re.match(rf"{target}:", line))
    recipe = []
    for line in lines[start + 1 :]:
        if not line.startswith("\t"):
            break
        recipe.append(line.strip())
    return recipe


def _supervised_commands() -> list[list[str]]:
    """The commands ``config/serve.py`` (the supervisor of ``make serve``) starts."""
    spec = importlib.util.spec_from_file_location("config_serve", ROOT / "config" / "serve.py")
    assert spec is not None and spec.loader is not None
    serve = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = serve  # (its dataclasses look their module up)
    spec.loader.exec_module(serve)
    return [child.argv for child in serve.commands(serve.parse([]))]


def _web_servers() -> list[list[str]]:
    """Every ``ckan ... run`` command ``make serve`` starts."""
    commands = []
    for line in _recipe("serve"):
        argv = shlex.split(line.lstrip("@"))
        if "config/serve.py" in line:
            commands += _supervised_commands()
        elif "run" in argv:
            commands.append(argv)
    return [argv for argv in commands if "run" in argv and "ckan" in Path(argv[0]).name]


def test_make_run_serves_without_the_interactive_debugger():
    """``ckan run`` enables Werkzeug's debugger unless ``--disable-debugger``,
    whatever ``debug`` says: an error would show its traceback, with a
    console, to the visitor."""
    servers = _web_servers()
    assert servers, "`make serve` starts no `ckan run`"
    for argv in servers:
        assert "--disable-debugger" in argv, argv
