"""Generated answers (retrieval/writer.py): which sentences of a model's reply survive, and when it is asked.

The HTTP side (bot/llm.py) is tested against a local fake endpoint in tests/bot/test_llm.py."""

from __future__ import annotations

import pytest

from retrieval.answer import Source
from retrieval.errors import ModelUnavailable
from retrieval.library import Library
from retrieval.writer import AnswerWriter, Message, check

PASSAGES = (
    Source("2601.00001", "Fast Decoding", 0.0, "We propose a drafter that speculates tokens across languages."),
    Source("2601.00001", "Fast Decoding", 0.0, "It speeds up decoding by 2.3x on six language pairs."),
    Source("2601.00001", "Fast Decoding", 0.0, "Code and models are released."),
)


def test_cited_and_supported_sentences_are_kept_and_renumbered() -> None:
    written = check("The drafter speeds up decoding by 2.3x [2]. It speculates tokens across languages [1].", PASSAGES)
    assert written is not None and written.dropped == 0
    assert written.text == "The drafter speeds up decoding by 2.3x [1]. It speculates tokens across languages [2]."
    assert written.sources == (PASSAGES[1], PASSAGES[0])


@pytest.mark.parametrize(
    ("reply", "why"),
    [
        ("It speeds up decoding by 2.3x.", "no citation"),
        ("It speeds up decoding by 2.3x [7].", "a passage it was not given"),
        ("It speeds up decoding by 2.3x [3].", "cites a passage that does not say it"),
        ("It speeds up decoding by 4.1x on six language pairs [2].", "a number the passage does not have"),
        ("Reviewers praised its elegance and rigour [1].", "words the passage does not have"),
        ("NOT STATED", "the model says the passages do not answer"),
        ("", "an empty reply"),
    ],
)
def test_unsupported_replies_leave_nothing(reply: str, why: str) -> None:
    assert check(reply, PASSAGES) is None, why


def test_marks_after_the_full_stop_and_mixed_replies() -> None:
    written = check(
        "It speeds up decoding by 2.3x. [2] Everyone will use it. Code and models are released [3]", PASSAGES
    )
    assert written is not None and written.dropped == 1
    assert written.text == "It speeds up decoding by 2.3x [1]. Code and models are released [2]."


def test_search_hits_keep_their_numbers() -> None:
    written = check("Code and models are released [3].", PASSAGES, renumber=False)
    assert written is not None and written.text.endswith("[3].") and written.sources == PASSAGES


def test_a_failing_model_leaves_the_extractive_answer(library: Library) -> None:
    asked: list[list[Message]] = []

    def broken(messages: list[Message]) -> str:
        asked.append(messages)
        raise ModelUnavailable("the model endpoint answered HTTP 503")

    answer = Library(library.store, library.embedder, writer=AnswerWriter(broken, "m")).ask(
        "What method does 2605.30580 use?"
    )
    assert asked and answer == library.ask("What method does 2605.30580 use?")
