"""The facet model behind wording the rules do not know, with the shipped weights and the real embedder."""

from __future__ import annotations

import pytest

from retrieval.embed import Embedder
from retrieval.facets import detect_facet
from retrieval.intent import guess_facet
from retrieval.library import Library


@pytest.mark.parametrize(
    ("question", "facet"),
    [
        ("what did they actually build", "contributions"),
        ("what earlier work lacked", "novelty"),
        ("who is this for", "significance"),
        ("where does it struggle", "limitations"),
        ("what do they want to try after this", "future_work"),
        ("what loss do they train with?", "method"),
    ],
)
def test_wording_no_rule_knows_gets_its_facet(embedder: Embedder, question: str, facet: str) -> None:
    assert detect_facet(question) == ""  # else the rules answer and this test says nothing about the model
    assert guess_facet(question, embedder.encode_one(question))[0] == facet


def test_a_short_question_the_model_knows_follows_the_current_paper(library: Library) -> None:
    answer = library.ask("practical upshot?", current="2605.30580")
    assert answer.paper is not None and answer.paper.id == "2605.30580"
    assert answer.facet == "significance"
    assert library.ask("practical upshot?").paper is None  # with no current paper it is not a follow-up


def test_a_topic_in_a_conversation_is_still_searched(library: Library) -> None:
    answer = library.ask("recent papers on speech recognition for low-resource languages?", current="2605.30580")
    assert answer.facet == "search"


def test_a_description_of_a_paper_is_about_it_not_a_guessed_facet(library: Library) -> None:
    answer = library.ask("pareto optimality in multiwinner voting with approval ballots")
    assert answer.paper is not None and answer.paper.id == "2605.30490"
    assert answer.facet == "about"  # the facet model reads "results" into it: it is asked only of questions
