"""Shared pytest fixtures. Runs at collection; each fixture starts only for the tests that ask for it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fake_arxiv import FakeArxiv
from tests.fake_botapi import FakeBotApi

pytest_plugins = ["tests.corpus"]  # the tiny real corpus: embedder, tiny_home, library

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"


@pytest.fixture
def fake_arxiv() -> Iterator[FakeArxiv]:
    """A local arXiv API server replaying the recorded responses; give `fake_arxiv.url` to the client."""
    recordings = DATA / "arxiv_api" / "arxiv_py_2026_recorded"
    if not recordings.is_dir():
        pytest.skip(f"recorded arXiv responses not found at {recordings} (the shared data folder)")
    with FakeArxiv(recordings) as server:
        yield server


@pytest.fixture
def fake_botapi() -> Iterator[FakeBotApi]:
    """A local Telegram Bot API server: give the bot `fake_botapi.base_url` and `fake_botapi.token`."""
    with FakeBotApi() as server:
        yield server
