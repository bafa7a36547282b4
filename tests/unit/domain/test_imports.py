"""The domain's modules import each other in one direction only, and only at the top of the module."""

from __future__ import annotations

import ast
from pathlib import Path

import app.domain

DOMAIN = Path(app.domain.__file__).parent


def domain_imports(tree: ast.Module) -> set[str]:
    """Every app.domain module this one imports, type-checking imports included (they count for cycles)."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "app.domain":
                found.update(f"app.domain.{alias.name}" for alias in node.names)
            elif node.module.startswith("app.domain."):
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("app.domain."))
    return found


def parse_domain() -> dict[str, ast.Module]:
    return {f"app.domain.{p.stem}": ast.parse(p.read_text(encoding="utf-8")) for p in sorted(DOMAIN.glob("*.py"))}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> list[str] | None:
        if module in path:
            return path[path.index(module) :] + [module]
        if module in done:
            return None
        for imported in sorted(graph.get(module, ())):
            cycle = visit(imported, [*path, module])
            if cycle:
                return cycle
        done.add(module)
        return None

    for module in sorted(graph):
        cycle = visit(module, [])
        if cycle:
            return cycle
    return None


def test_domain_has_no_import_circle() -> None:
    graph = {name: domain_imports(tree) - {name} for name, tree in parse_domain().items()}
    assert "app.domain.answers" in graph["app.domain.checklist"]  # the graph is really read
    assert find_cycle(graph) is None, " → ".join(find_cycle(graph) or [])


def test_cycle_finder_finds_one() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]


# Libraries a domain function may import where it uses them: biip's package loads all of GS1's tables (~0.15 s),
# which the window's start must not pay (issue 12, tests/perf/test_import_budget.py).
LAZY_LIBRARIES = ("biip",)


def lazy_library(node: ast.Import | ast.ImportFrom) -> bool:
    names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
    return all(name.split(".")[0] in LAZY_LIBRARIES for name in names)


def test_no_imports_inside_functions() -> None:
    inside = []
    for name, tree in parse_domain().items():
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                inside += [
                    f"{name}.{node.name} line {inner.lineno}"
                    for inner in ast.walk(node)
                    if isinstance(inner, ast.Import | ast.ImportFrom) and not lazy_library(inner)
                ]
    assert inside == []
