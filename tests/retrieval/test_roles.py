"""Sentence roles with the real MiniLM encoder and the committed weights."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from retrieval.embed import Embedder, Vectors
from retrieval.roles import LABELS, WEIGHTS, RoleTagger, opening, run_gru, viterbi

CLEAR = ["Large models are hard to steer.", "We propose a sparse method.", "It beats baselines by 5 points."]
LONGER = [
    "Graph neural networks are widely used for molecule property prediction.",
    "However, they struggle with long-range interactions between distant atoms.",
    "In this paper, we aim to capture such interactions without quadratic cost.",
    "We introduce a hierarchical message-passing scheme that pools atoms into learned clusters.",
    "Experiments on three benchmarks show that our model improves accuracy by 4% on average.",
    "Code is available at https://github.com/example/hmp.",
]


@pytest.fixture(scope="module")
def tagger() -> RoleTagger:
    return RoleTagger()


def test_one_valid_label_per_sentence(tagger: RoleTagger, embedder: Embedder) -> None:
    abstracts = [CLEAR, LONGER, ["A single sentence on its own."]]
    labels = tagger.tag(abstracts, embedder.encode)
    assert [len(row) for row in labels] == [len(abstract) for abstract in abstracts]
    assert {label for row in labels for label in row} <= set(LABELS)


def test_clear_abstract_reads_background_then_proposal_then_result(tagger: RoleTagger, embedder: Embedder) -> None:
    background, proposal, result = tagger.tag([CLEAR], embedder.encode)[0]
    assert background == "background"
    assert proposal in {"method", "objective"}
    assert result == "result"


def test_longer_abstract_opens_with_background_and_ends_in_results(tagger: RoleTagger, embedder: Embedder) -> None:
    labels = tagger.tag([LONGER], embedder.encode)[0]
    assert labels[0] == "background"
    assert labels[4] == "result"


def test_empty_input_and_empty_abstracts(tagger: RoleTagger, embedder: Embedder) -> None:
    assert tagger.tag([], embedder.encode) == []
    assert tagger.tag([[]], embedder.encode) == [[]]
    mixed = tagger.tag([[], CLEAR, []], embedder.encode)
    assert [len(row) for row in mixed] == [0, 3, 0]
    assert mixed[1] == tagger.tag([CLEAR], embedder.encode)[0]


def test_all_abstracts_are_encoded_in_one_call(tagger: RoleTagger, embedder: Embedder) -> None:
    calls: list[list[str]] = []

    def encode(texts: list[str]) -> Vectors:
        calls.append(texts)
        return embedder.encode(texts)

    tagger.tag([CLEAR, LONGER], encode)
    assert len(calls) == 1
    sentences = CLEAR + LONGER
    assert calls[0] == sentences + [opening(sentence) for sentence in sentences]


def test_committed_weights_are_small() -> None:
    assert WEIGHTS.stat().st_size < 2_000_000


def test_numpy_gru_matches_torch() -> None:
    torch.manual_seed(0)
    gru = torch.nn.GRU(7, 4, batch_first=True)
    inputs = torch.randn(1, 5, 7)
    with torch.no_grad():
        expected = gru(inputs)[0][0].numpy()
    weights = {name: weight.detach().numpy() for name, weight in gru.named_parameters()}
    names = ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0")
    got = run_gru(inputs[0].numpy(), *(weights[name] for name in names))
    np.testing.assert_allclose(got, expected, atol=1e-5)


def test_viterbi_follows_transitions_over_local_scores() -> None:
    emissions = np.array([[2.0, 0.0], [0.0, 0.5], [2.0, 0.0]], dtype=np.float32)
    free = np.zeros((2, 2), dtype=np.float32)
    no_return = np.array([[0.0, 0.0], [-10.0, 0.0]], dtype=np.float32)  # once label 1, never back to 0
    zeros = np.zeros(2, dtype=np.float32)
    assert viterbi(emissions, free, zeros, zeros) == [0, 1, 0]
    assert viterbi(emissions, no_return, zeros, zeros) == [0, 0, 0]
    assert viterbi(emissions[:1], no_return, zeros, zeros) == [0]


def test_reading_gives_the_labels_and_each_sentence_vector(tagger: RoleTagger, embedder: Embedder) -> None:
    """The facet ranker reads the same vectors the tagger encoded, so an abstract is encoded once."""
    (labels, vectors), (none, empty) = tagger.read([LONGER, []], embedder.encode)
    assert labels == tagger.tag([LONGER], embedder.encode)[0] and none == []
    assert vectors.shape == (len(LONGER), 384) and empty.shape[0] == 0
    assert np.allclose(vectors, embedder.encode(LONGER), atol=1e-5)
