"""bot/llm.py against a local fake chat-completions endpoint, through the whole answer path."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator

import pytest

from bot.llm import ChatCompletions
from retrieval.answer import Answer
from retrieval.library import Library
from retrieval.writer import AnswerWriter
from tests.fake_llm import FakeLLM, Scripted

KEY = "sk-test-secret-value-42"


@pytest.fixture
def fake_llm() -> Iterator[FakeLLM]:
    with FakeLLM() as server:
        yield server


Make = Callable[..., Library]


@pytest.fixture
def generating(library: Library) -> Iterator[Make]:
    """`generating(url, key, model, timeout)`: the tiny library answering through a model at `url`."""
    clients: list[ChatCompletions] = []

    def make(url: str, key: str = "", model: str = "", timeout: float = 5) -> Library:
        clients.append(ChatCompletions(url, key, model, timeout))
        return Library(library.store, library.embedder, writer=AnswerWriter(clients[-1], clients[-1].model))

    yield make
    for client in clients:
        client.close()


def test_paper_answer_is_written_from_its_passages_and_filtered(
    library: Library, fake_llm: FakeLLM, generating: Make
) -> None:
    answer = generating(fake_llm.url, KEY, "tiny-model").ask("What method does 2605.30580 use?")
    assert answer.generated_by == "tiny-model" and answer.facet == "method"
    assert "revolutionise" not in answer.text and "12,345" not in answer.text  # uncited and wrongly cited: dropped
    sentences = re.findall(r"[^.]+? (?:\[\d+\])+\.", answer.text)
    assert sentences and "".join(sentences).replace(" ", "") == answer.text.replace(" ", "")
    abstract = answer.paper.abstract if answer.paper else ""
    assert answer.sources and all(s.passage in abstract for s in answer.sources)
    request = fake_llm.requests[-1]
    assert request.headers["authorization"] == f"Bearer {KEY}" and request.body["model"] == "tiny-model"
    prompt = request.body["messages"][-1]["content"]
    assert "[1] " in prompt and "What method does 2605.30580 use?" in prompt
    assert answer.to_json()["generated_by"] == "tiny-model"


def test_topic_answer_gets_an_overview_and_keeps_its_list(
    library: Library, fake_llm: FakeLLM, generating: Make
) -> None:
    extractive = library.ask("Any papers on speculative decoding?")
    answer = generating(fake_llm.url).ask("Any papers on speculative decoding?")
    assert answer.facet == "search" and answer.generated_by
    assert [s.id for s in answer.sources] == [s.id for s in extractive.sources[:5]]
    assert "authorization" not in fake_llm.requests[-1].headers  # no key configured, none sent


def test_not_stated_limitations_are_never_handed_to_the_model(
    library: Library, fake_llm: FakeLLM, generating: Make
) -> None:
    answer = generating(fake_llm.url).ask("What are the limitations of 2605.30580?")
    assert "does not state" in answer.text and not answer.generated_by and not fake_llm.requests


@pytest.mark.parametrize(
    "scripted",
    [Scripted(status=500), Scripted(status=401), Scripted(malformed=True), Scripted(hang=True), Scripted("NOT STATED")],
    ids=["server error", "bad key", "malformed", "timeout", "not stated"],
)
def test_failures_fall_back_to_the_extractive_answer(
    library: Library, fake_llm: FakeLLM, generating: Make, scripted: Scripted, caplog: pytest.LogCaptureFixture
) -> None:
    fake_llm.reply_next(scripted)
    with caplog.at_level(logging.DEBUG):
        answer = generating(fake_llm.url, KEY, timeout=0.5).ask("What method does 2605.30580 use?")
    assert answer == library.ask("What method does 2605.30580 use?")
    assert len(fake_llm.requests) == 1
    assert KEY not in caplog.text


def test_unreachable_endpoint_falls_back(generating: Make) -> None:
    answer = generating("http://127.0.0.1:9/v1", timeout=2).ask("What method does 2605.30580 use?")
    assert isinstance(answer, Answer) and not answer.generated_by and answer.sources
