"""The search port is the only door into `fællesskab/search/` (issue 19, DESIGN.md).

Walks the syntax tree of every module of the package — imports inside
functions included, relative imports resolved — and fails when a module
outside `fællesskab/search/` imports a submodule of `fællesskab.search`, or a
name that `fællesskab.search.__all__` does not export (also through
`from fællesskab import search` and then `search.<name>`).
"""
from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import fællesskab
import fællesskab.search

ROOT = Path(fællesskab.__file__).parent
PACKAGE = "fællesskab"
PORT = "fællesskab.search"

# (importing module, what it imports) -> why it may. Keep this empty where an export will do.
ALLOWED: dict[tuple[str, str], str] = {}


@dataclass(frozen=True)
class Crossing:
    module: str
    line: int
    what: str  # "fællesskab.search.views" or "fællesskab.search:get_index"

    def __str__(self) -> str:
        return f"{self.module}:{self.line} imports {self.what}"


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def resolve(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    """The absolute module an ImportFrom reads from."""
    if not node.level:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    if node.level > 1:
        base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def inside_port(name: str) -> bool:
    return name == PORT or name.startswith(PORT + ".")


def crossings(path: Path, exported: set[str], root: Path = ROOT) -> list[Crossing]:
    """Every import by the module at `path` (in the package at `root`) that goes past the port."""
    module = module_name(path, root)
    is_package = path.name == "__init__.py"
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[Crossing] = []
    aliases: set[str] = set()  # local names bound to the port module itself
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith(PORT + "."):
                    found.append(Crossing(module, node.lineno, alias.name))
                elif alias.name == PORT:
                    if alias.asname:
                        aliases.add(alias.asname)
                    else:  # `import fællesskab.search` binds `fællesskab`; read as fællesskab.search.<x>
                        aliases.add(PORT)
        elif isinstance(node, ast.ImportFrom):
            source = resolve(module, is_package, node)
            if source.startswith(PORT + "."):
                found.append(Crossing(module, node.lineno, source))
                continue
            for alias in node.names:
                target = f"{source}.{alias.name}" if source else alias.name
                if source == PORT and alias.name not in exported:
                    found.append(Crossing(module, node.lineno, f"{PORT}:{alias.name}"))
                elif target == PORT:  # `from fællesskab import search`
                    aliases.add(alias.asname or alias.name)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            owner = ast.unparse(node.value)
            if owner in aliases and node.attr not in exported:
                found.append(Crossing(module, node.lineno, f"{PORT}:{node.attr}"))
    return [c for c in found if (c.module, c.what) not in ALLOWED]


def outside_modules() -> list[Path]:
    port_dir = ROOT / "search"
    return sorted(p for p in ROOT.rglob("*.py") if port_dir not in p.parents)


def test_only_the_ports_public_names_cross_the_boundary():
    exported = set(fællesskab.search.__all__)
    found = [c for path in outside_modules() for c in crossings(path, exported)]
    assert not found, "imports past the search port (export the name from fællesskab/search/__init__.py):\n" + \
        "\n".join(map(str, found))


def test_every_exported_name_exists():
    missing = [name for name in fællesskab.search.__all__ if not hasattr(fællesskab.search, name)]
    assert not missing


def test_every_allowed_exception_is_still_used():
    exported = set(fællesskab.search.__all__)
    # Recount without the exceptions: each must name an import that exists, or it hides nothing.
    saved = dict(ALLOWED)
    ALLOWED.clear()
    try:
        seen = {(c.module, c.what) for path in outside_modules() for c in crossings(path, exported)}
    finally:
        ALLOWED.update(saved)
    assert not set(ALLOWED) - seen


def check_source(source: str, module: str = "fællesskab.directory.views", *, package: bool = False,
                 tmp_path: Path) -> list[str]:
    """The crossings found in `source`, as if it were `module` (the checker's own tests)."""
    root = tmp_path / PACKAGE
    rel = root.joinpath(*module.split(".")[1:])
    path = rel / "__init__.py" if package else rel.with_suffix(".py")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source, encoding="utf-8")
    return sorted(c.what for c in crossings(path, {"search", "engine", "SearchParams"}, root))


def test_the_checker_finds_each_kind_of_crossing(tmp_path):
    source = '''
from ..search import search, engine
from ..search import get_index
from ..search.services import search as old
from fællesskab.search.query import parse
import fællesskab.search.snapshot
from .. import search as port
from ..search import pg

def later():
    from ..search.analysis import text_terms
    import fællesskab.search as s
    return port.engine(), port.rebuild(), s.search, s.get_state
'''
    assert check_source(source, tmp_path=tmp_path) == sorted([
        "fællesskab.search:get_index", "fællesskab.search.services", "fællesskab.search.query",
        "fællesskab.search.snapshot", "fællesskab.search:pg", "fællesskab.search.analysis",
        "fællesskab.search:rebuild", "fællesskab.search:get_state",
    ])


def test_the_checker_resolves_relative_imports_by_package(tmp_path):
    # In the package's own __init__.py `.search` is fællesskab.search; in fællesskab/cli.py too.
    assert check_source("from .search.cli import search_cli\n", "fællesskab", package=True,
                        tmp_path=tmp_path) == ["fællesskab.search.cli"]
    assert check_source("from .search.cli import search_cli\n", "fællesskab.cli",
                        tmp_path=tmp_path) == ["fællesskab.search.cli"]
    # ... but in fællesskab/api/, `from . import search` is the API's own search module.
    assert check_source("from . import search\nsearch.get_index\n", "fællesskab.api", package=True,
                        tmp_path=tmp_path) == []
    assert check_source("from .search import get_index\n", "fællesskab.api.views", tmp_path=tmp_path) == []
