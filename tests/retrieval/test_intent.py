"""The facet model behind wording the rules do not know, with the shipped weights and the real MiniLM."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from retrieval.facets import detect_facet
from retrieval.intent import WEIGHTS, IntentModel, facet_probabilities, guess_facet
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
def test_wording_no_rule_knows_gets_its_facet(question: str, facet: str) -> None:
    assert detect_facet(question) == ""  # else the rules answer and this test says nothing about the model
    assert guess_facet(question)[0] == facet


def test_probabilities_sum_to_one_most_likely_first() -> None:
    found = facet_probabilities("what did they actually build")  # the shipped model, loaded once per process
    assert len(found) == 8 and abs(sum(found.values()) - 1) < 1e-4
    assert list(found.values()) == sorted(found.values(), reverse=True)


def test_a_sure_model_overrules_a_rule_misled_by_a_facet_word(library: Library) -> None:
    question = "what do they notice that earlier inversion methods overlooked?"
    assert detect_facet(question) == "method"  # "methods": the rule's reading
    assert library.ask(question, current="2605.30580").facet == "novelty"


def test_without_weights_nothing_is_guessed(tmp_path: Path) -> None:
    assert IntentModel(tmp_path / "missing.npz").probabilities("what did they build") == {}


def test_weights_that_do_not_fit_minilm_guess_nothing(tmp_path: Path) -> None:
    with np.load(WEIGHTS) as data:
        arrays = {key: data[key] for key in data.files}
    arrays["0.attention.self.query.a"] = arrays["0.attention.self.query.a"][:, :100]  # another model's shape
    path = tmp_path / "other.npz"
    np.savez(path, **arrays)
    assert IntentModel(path).probabilities("what did they build") == {}
    del arrays["1.output.dense.b"]
    np.savez(path, **arrays)
    assert IntentModel(path).probabilities("what did they build") == {}


def test_a_damaged_or_misshapen_weights_file_guesses_nothing(tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.npz"
    damaged.write_bytes(WEIGHTS.read_bytes()[:5000])
    assert IntentModel(damaged).probabilities("what did they build") == {}
    with np.load(WEIGHTS) as data:
        arrays = {key: data[key] for key in data.files}
    arrays["weight"] = arrays["weight"][:, :100]
    np.savez(tmp_path / "head.npz", **arrays)
    assert IntentModel(tmp_path / "head.npz").probabilities("what did they build") == {}
    with np.load(WEIGHTS) as data:
        arrays = {key: data[key] for key in data.files}
    arrays["2.intermediate.dense.a"] = arrays["2.intermediate.dense.a"][:4]  # rank 4 against the other side's 8
    np.savez(tmp_path / "rank.npz", **arrays)
    assert IntentModel(tmp_path / "rank.npz").probabilities("what did they build") == {}


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
