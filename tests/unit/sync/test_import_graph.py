"""Sync, the print services and printing import each other in one direction only, at the top of the module:
no circles (push ↔ push_pg, printing ↔ services were the old ones) and no imports hidden inside functions."""

from __future__ import annotations

import ast
from pathlib import Path

import app

ROOT = Path(app.__file__).parent
CHECKED = ("app.sync", "app.printing", "app.services.print", "app.services.totes", "app.cli_printing")
# Ours to keep free of imports inside functions (app/printing/render.py loads its renderers lazily on purpose).
OWN = ("app.sync", "app.services.print", "app.services.totes", "app.cli_printing")
# Imported where used on purpose: the renderers pull reportlab and python-barcode, which the window's start must not
# load (the print thread imports them at its first job; tests/perf/test_import_budget.py).
LAZY = ("app.printing.render",)


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def all_modules() -> dict[str, ast.Module]:
    return {module_name(p): ast.parse(p.read_text(encoding="utf-8")) for p in sorted(ROOT.rglob("*.py"))
            if "migrations" not in p.parts}


def imports_of(tree: ast.Module, known: set[str]) -> set[str]:
    """The app modules a module imports (`from app.services import print_queue` names a module too)."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("app"):
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names if f"{node.module}.{a.name}" in known)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("app."))
    return found & known


def checked(name: str) -> bool:
    return name.startswith(CHECKED)


def graph() -> dict[str, set[str]]:
    modules = all_modules()
    known = set(modules)
    return {name: imports_of(tree, known) - {name} for name, tree in modules.items()}


def circle_through(start: str, imports: dict[str, set[str]]) -> list[str] | None:
    """A path of imports from `start` back to itself (through any module of app/), or None."""
    came_from: dict[str, str] = {}
    todo = [start]
    while todo:
        module = todo.pop()
        for dep in sorted(imports.get(module, ())):
            if dep == start:
                path = [module]
                while path[-1] != start:
                    path.append(came_from[path[-1]])
                return [*reversed(path), start]
            if dep not in came_from:
                came_from[dep] = module
                todo.append(dep)
    return None


def test_no_import_circle_through_sync_or_printing() -> None:
    imports = graph()
    assert "app.sync.batch" in imports["app.sync.push_pg"]  # the graph is really read
    circles = [circle_through(name, imports) for name in sorted(imports) if checked(name)]
    assert [c for c in circles if c] == []


def test_the_circle_finder_finds_one() -> None:
    assert circle_through("a", {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}}) == ["a", "b", "c", "a"]


def test_printing_is_below_the_services_and_sync() -> None:
    upward = {f"{name} → {dep}" for name, deps in graph().items() if name.startswith("app.printing")
              for dep in deps if dep.startswith(("app.services", "app.sync", "app.cli"))}
    assert upward == set()


def test_no_app_imports_inside_functions() -> None:
    inside = []
    for name, tree in all_modules().items():
        if not name.startswith(OWN):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                inside += [f"{name}.{node.name} line {inner.lineno}" for inner in ast.walk(node)
                           if isinstance(inner, ast.ImportFrom) and (inner.module or "").startswith("app")
                           and inner.module not in LAZY]
    assert inside == []
