"""A tiny real corpus for tests: the first papers of the shared 2026-06 month, really embedded.

Registered as a pytest plugin by tests/conftest.py. Session-scoped, so the model loads once.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest.pipeline import ingest
from retrieval.answer import Answer
from retrieval.embed import Embedder
from retrieval.library import Library
from retrieval.settings import Settings
from retrieval.store import Store

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
MONTH = SHARED / "arxiv" / "daily_cs_2026-06.jsonl"
TINY = 40  # papers: enough for ranking to mean something, few enough to embed in seconds
# One made-up record besides the real ones: markup in its title and one 9,000-character sentence,
# so that a real answer is longer than a Telegram message and full of characters HTML must escape.
HOSTILE_ID = "2612.00001"
HOSTILE: dict[str, object] = {
    "id": HOSTILE_ID,
    "title": "Markup <b>in</b> titles & other <hazards>",
    "abstract": "We study " + " ".join(f"part {n} <&> of a sentence that never ends" for n in range(220)) + ".",
    "authors": ["Eve <script>alert(1)</script>"],
    "categories": ["cs.CR"],
}


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
    return [*month_rows(TINY), HOSTILE]


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


class RecordingLibrary(Library):
    """The real library, noting each question it is asked; "explode" in a question makes it fail."""

    def __init__(self, store: Store, embedder: Embedder) -> None:
        super().__init__(store, embedder)
        self.questions: list[tuple[str, str | None]] = []

    def ask(self, question: str, current: str | None = None) -> Answer:
        self.questions.append((question, current))
        if "explode" in question:
            raise RuntimeError("the index exploded")
        return super().ask(question, current)


@pytest.fixture
def recording_library(library: Library) -> RecordingLibrary:
    return RecordingLibrary(library.store, library.embedder)


@pytest.fixture(scope="session")
def library(tiny_home: Path, embedder: Embedder) -> Iterator[Library]:
    store = Store.open_readonly(tiny_home)
    yield Library(store, embedder)
    store.close()
