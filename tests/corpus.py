"""A tiny real corpus for tests: the first papers of the shared 2026-06 month, really embedded.

Registered as a pytest plugin by tests/conftest.py. Session-scoped, so the model loads once.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest.pipeline import ingest
from retrieval.embed import Embedder
from retrieval.library import Library
from retrieval.settings import Settings
from retrieval.store import Store

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
MONTH = SHARED / "arxiv" / "daily_cs_2026-06.jsonl"
TINY = 40  # papers: enough for ranking to mean something, few enough to embed in seconds


def need_shared() -> None:
    if not MONTH.exists():
        pytest.skip(f"shared data not found at {SHARED} (expected ../shared/data beside the repo)")


def month_rows(count: int) -> list[dict[str, object]]:
    need_shared()
    with MONTH.open(encoding="utf-8") as lines:
        return [json.loads(line) for line, _ in zip(lines, range(count), strict=False)]


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    return Embedder()


@pytest.fixture(scope="session")
def tiny_rows() -> list[dict[str, object]]:
    return month_rows(TINY)


@pytest.fixture(scope="session")
def tiny_home(tmp_path_factory: pytest.TempPathFactory, tiny_rows: list[dict[str, object]], embedder: Embedder) -> Path:
    home = tmp_path_factory.mktemp("tiny-home")
    source = home.parent / "tiny.jsonl"
    source.write_text("".join(json.dumps(row) + "\n" for row in tiny_rows), encoding="utf-8")
    store = Store.open_writable(home)
    try:
        ingest(store, [str(source)], Settings(home=home), embedder.encode)
    finally:
        store.close()
    return home


@pytest.fixture(scope="session")
def library(tiny_home: Path, embedder: Embedder) -> Iterator[Library]:
    store = Store.open_readonly(tiny_home)
    yield Library(store, embedder)
    store.close()
