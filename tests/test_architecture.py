"""The package's layout rules, read from its source (no import is executed).

- no import cycle between the packages of ``ckanext.territoires`` (each
  sub-package, and each top-level module, is one node);
- ``plugin.py`` files only wire: no ``importlib`` and nothing but classes;
- views and helpers reach the database through actions only.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = "ckanext.territoires"
ROOT = Path(__file__).resolve().parents[1] / "ckanext" / "territoires"
#: Alembic scripts are loaded by CKAN's migration runner, not imported.
SKIPPED = ("migration",)


def _modules() -> dict[str, Path]:
    modules = {}
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if relative.parts[0] in SKIPPED:
            continue
        parts = list(relative.with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join([PACKAGE, *parts])] = path
    return modules


def _imported(module: str, path: Path) -> set[str]:
    """Modules of this package that ``module`` imports (at any depth)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_package = path.name == "__init__.py"
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                base = base if is_package else base[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            names.add(target)
            names.update(f"{target}.{alias.name}" for alias in node.names)
    return {name for name in names if name == PACKAGE or name.startswith(PACKAGE + ".")}


def _node(module: str) -> str:
    """The package (or top-level module) a module belongs to."""
    parts = module[len(PACKAGE) + 1 :].split(".") if module != PACKAGE else [""]
    return parts[0]


def package_graph() -> dict[str, set[str]]:
    modules = _modules()
    graph: dict[str, set[str]] = {_node(name): set() for name in modules}
    for name, path in modules.items():
        for target in _imported(name, path):
            if target not in modules:
                continue  # a name imported from a module, already counted
            source_node, target_node = _node(name), _node(target)
            if source_node != target_node and target_node:
                graph[source_node].add(target_node)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycle_between_packages():
    graph = package_graph()
    assert {"communes", "quality", "search", "harvesters", "views", "logic"} <= set(graph)
    assert cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_relative_imports_are_resolved(tmp_path):
    module = tmp_path / "x.py"
    module.write_text("from ..communes import groups\nfrom . import mapping\n")
    assert _imported(f"{PACKAGE}.harvesters.kinds.x", module) == {
        f"{PACKAGE}.harvesters.communes",
        f"{PACKAGE}.harvesters.communes.groups",
        f"{PACKAGE}.harvesters.kinds",
        f"{PACKAGE}.harvesters.kinds.mapping",
    }


@pytest.mark.parametrize(
    "path", sorted(ROOT.rglob("plugin.py")), ids=lambda path: str(path.relative_to(ROOT))
)
def test_plugin_modules_only_wire(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    assert "importlib" not in imported
    top_level = {type(node).__name__ for node in tree.body}
    assert top_level <= {"Expr", "ImportFrom", "Import", "ClassDef"}, top_level


def _database_access(path: Path) -> list[str]:
    """Names through which a module would query the database itself."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in ("ckan.model", "sqlalchemy"):
            found.append(node.module)
        elif isinstance(node, ast.ImportFrom) and node.module == "ckan":
            found += [f"ckan.{alias.name}" for alias in node.names if alias.name == "model"]
        elif isinstance(node, ast.Import):
            found += [
                alias.name for alias in node.names if alias.name in ("sqlalchemy", "ckan.model")
            ]
    return found


@pytest.mark.parametrize(
    "path",
    [ROOT / "helpers.py", *sorted((ROOT / "views").glob("*.py"))],
    ids=lambda path: str(path.relative_to(ROOT)),
)
def test_views_and_helpers_reach_the_database_through_actions(path):
    assert _database_access(path) == []
