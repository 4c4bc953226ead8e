"""No code in the package touches a private attribute or method of a Whoosh object (issue 19).

Python cannot tell statically which object comes from Whoosh, so the check is by name:
every `_`-prefixed (non-dunder) name that Whoosh's own source defines — methods, classes,
attributes it assigns, module globals — is off limits anywhere in `fællesskab/` as
`x._name` (other than on `self`/`cls`), as a string handed to `getattr`/`hasattr`/
`setattr` (or any string constant, which covers `hasattr(m, a) for a in ("_data", …)`),
and as a name imported from a `whoosh` module. An own attribute that happens to share a
name with a Whoosh one is then renamed: a small price for a check that cannot be dodged.
"""
from __future__ import annotations

import ast
import importlib.util
import os
import warnings
from functools import cache

import pytest

PACKAGE = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "fællesskab")


# WTForms' `form._fields` (how WTForms lists a form's fields) shares its name with Whoosh's
# Schema._fields: allowed on a variable named like a form, nowhere else.
FORM_FIELDS = "_fields"


def _private(name: str) -> bool:
    return len(name) > 1 and name.startswith("_") and not name.startswith("__")


@cache
def whoosh_private_names() -> frozenset[str]:
    """Every private name defined anywhere in the installed whoosh package's source."""
    spec = importlib.util.find_spec("whoosh")
    assert spec is not None and spec.origin, "whoosh is not installed"
    root = os.path.dirname(spec.origin)
    names: set[str] = set()
    for folder, _dirs, files in os.walk(root):
        for filename in files:
            if not filename.endswith(".py"):
                continue
            with open(os.path.join(folder, filename), encoding="utf-8") as fh, warnings.catch_warnings():
                warnings.simplefilter("ignore", SyntaxWarning)  # Whoosh's own invalid escapes
                warnings.simplefilter("ignore", DeprecationWarning)
                tree = ast.parse(fh.read())
            for node in ast.walk(tree):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    found = [node.name]
                elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                    found = [node.attr]
                elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                    found = [node.id]
                else:
                    continue
                names.update(n for n in found if _private(n))
    return frozenset(names)


def private_uses(source: str, filename: str = "<source>") -> list[str]:
    """The uses of Whoosh's private names in `source`, as 'file:line .name' strings."""
    private = whoosh_private_names()
    tree = ast.parse(source)
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in private:
            if isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"):
                continue
            if node.attr == FORM_FIELDS and isinstance(node.value, ast.Name) and "form" in node.value.id:
                continue
            out.append(f"{filename}:{node.lineno} .{node.attr}")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in private:
            out.append(f"{filename}:{node.lineno} {node.value!r}")
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "whoosh":
            parts = (node.module or "").split(".") + [alias.name for alias in node.names]
            out += [f"{filename}:{node.lineno} import {p}" for p in parts if _private(p)]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "whoosh" and any(_private(p) for p in alias.name.split(".")):
                    out.append(f"{filename}:{node.lineno} import {alias.name}")
    return out


def package_sources():
    for folder, _dirs, files in os.walk(PACKAGE):
        for filename in files:
            if filename.endswith(".py"):
                path = os.path.join(folder, filename)
                with open(path, encoding="utf-8") as fh:
                    yield os.path.relpath(path, os.path.dirname(PACKAGE)), fh.read()


def test_no_module_touches_a_private_whoosh_name():
    found = [use for path, source in package_sources() for use in private_uses(source, path)]
    assert not found, "private Whoosh names used (use the public API):\n" + "\n".join(found)


@pytest.mark.parametrize("snippet", [
    "def f(matcher):\n    return matcher._data[0]\n",  # a matcher's block
    "def f(column):\n    return column._dbfile.get(column._basepos, 10)\n",  # a column's file
    "def f(leaf):\n    return leaf._perdoc\n",
    "def f(ix):\n    return ix._segments()\n",
    "def f(m):\n    return all(hasattr(m, a) for a in ('_read_data', '_next_block'))\n",
    "def f(m):\n    return getattr(m, '_weights')\n",
    "def f(schema):\n    return schema._fields\n",
    "from whoosh.codec.whoosh3 import _make_weights\n",
])
def test_the_check_catches_a_private_use(snippet):
    """The check is not vacuous: each way the old engine reached into Whoosh is caught."""
    assert private_uses(snippet)


def test_the_check_allows_the_public_api_and_own_attributes():
    snippet = ("def f(self, reader):\n"
               "    self._data = {}\n"
               "    return [m.id() for m in reader.postings('text', 'kor').all_ids()], self._lock\n")
    assert not private_uses(snippet)
