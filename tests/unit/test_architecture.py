"""Dependencies point one way: api → scheduler → events, solver."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = {
    "events": {"scheduler", "solver", "api", "fastapi", "ortools", "pydantic"},
    "solver": {"events", "scheduler", "api", "eventsourcing", "fastapi"},
    "scheduler": {"api", "fastapi"},
}


def _imported_roots(package: str) -> set[str]:
    roots: set[str] = set()
    for path in (ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                roots.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_only_what_its_layer_allows(package: str) -> None:
    assert _imported_roots(package) & FORBIDDEN[package] == set()
