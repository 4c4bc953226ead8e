"""The package layering: no import cycles between fællesskab's packages, and a base
layer (`core/`, `extensions.py`) that imports no domain.

The graph is built with `ast` from every import, those inside functions included,
because an import inside a function hides a cycle without removing it.
"""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "fællesskab"
NAME = PACKAGE.name
# App wiring may import everything; nothing imports it back as a layer.
WIRING = {"__init__", "cli", "models"}
# The base layer: it may import only itself (and the libraries).
BASE = {"core", "extensions"}


def _unit(path: Path) -> str:
    """Return the node a file belongs to: its top-level package or top-level module."""
    rel = path.relative_to(PACKAGE)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def _targets(path: Path, tree: ast.AST) -> set[str]:
    """Return the top-level packages/modules of fællesskab that `tree` imports."""
    rel = path.relative_to(PACKAGE)
    pkg_parts = list(rel.parts[:-1])  # the package the module sits in
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == NAME and len(parts) > 1:
                    out.add(parts[1])
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                if node.level - 1 > len(pkg_parts):
                    continue
                base = pkg_parts[: len(pkg_parts) - (node.level - 1)]
                parts = base + (node.module.split(".") if node.module else [])
                if not parts:  # `from .. import x` at the top: x is the unit
                    out.update(alias.name for alias in node.names)
                    continue
            elif node.module and node.module.split(".")[0] == NAME:
                parts = node.module.split(".")[1:]
                if not parts:
                    out.update(alias.name for alias in node.names)
                    continue
            else:
                continue
            out.add(parts[0])
    return out


def import_graph() -> dict[str, set[str]]:
    """Return {unit: units it imports}, wiring left out, self-edges dropped."""
    graph: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        unit = _unit(path)
        if unit in WIRING:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        deps = {t for t in _targets(path, tree) if t != unit and t not in WIRING}
        graph.setdefault(unit, set()).update(deps)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Return the strongly connected components with more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_graph_sees_imports_inside_functions():
    """The walker must count a function-level import, or it would miss hidden cycles."""
    src = "def f():\n    from ..geo import gazetteer\n    import fællesskab.search.port\n"
    path = PACKAGE / "core" / "x.py"
    assert _targets(path, ast.parse(src)) == {"geo", "search"}


def test_the_graph_is_the_packages():
    """The walk must find the package, or every check below would pass on an empty graph."""
    graph = import_graph()
    assert {"core", "search", "matching", "outreach"} <= set(graph)
    assert "core" in graph["search"]


def test_no_cycles_between_packages():
    found = cycles(import_graph())
    assert found == [], "package import cycles: " + "; ".join(" <-> ".join(c) for c in found)


def test_base_layer_imports_no_domain():
    graph = import_graph()
    bad = {unit: sorted(graph.get(unit, set()) - BASE) for unit in BASE}
    bad = {unit: deps for unit, deps in bad.items() if deps}
    assert bad == {}, f"core/extensions import domain packages: {bad}"
