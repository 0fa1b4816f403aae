"""Dependencies point one way: ingest -> retrieval <- bot (DESIGN.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def imported_packages(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [("retrieval", {"telegram", "bot", "ingest", "httpx"}), ("ingest", {"telegram", "bot"})],
)
def test_package_does_not_import(package: str, forbidden: set[str]) -> None:
    for path in (ROOT / package).rglob("*.py"):
        assert not imported_packages(path) & forbidden, path


def test_bot_imports_ingest_only_in_the_composition_root() -> None:
    for path in (ROOT / "bot").rglob("*.py"):
        if path.name != "cli.py":
            assert "ingest" not in imported_packages(path), path
