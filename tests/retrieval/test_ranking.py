"""The facet sentence ranker (retrieval/ranking.py): shipped weights, features, and the hand-set fallback."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from retrieval.ranking import (
    FEATURES,
    VECTOR_DIMS,
    WEIGHTS,
    features,
    learned_scores,
    load_vector_weights,
    load_weights,
    word_overlap,
)

SENTENCES = [
    "Large models are slow.",
    "We propose FastNet, a pruning method.",
    "FastNet is 3x faster on four benchmarks.",
    "A limitation is that it needs calibration data.",
]


def test_shipped_weights_cover_every_abstract_facet() -> None:
    assert WEIGHTS.is_file()
    trained = load_weights()
    assert set(trained) >= {"about", "method", "results", "significance", "contributions", "novelty"}
    assert all(weights.shape == (len(FEATURES),) for weights, _ in trained.values())


def test_a_second_model_per_facet_reads_the_sentence_vectors_when_given() -> None:
    assert set(load_vector_weights()) == set(load_weights())
    assert all(weights.shape == (len(FEATURES) + VECTOR_DIMS,) for weights, _ in load_vector_weights().values())
    roles, similarity = ["background", "objective", "result", "other"], np.zeros(4, dtype=np.float32)
    vectors = (np.random.default_rng(0).normal(size=(4, VECTOR_DIMS)) / 20).astype(np.float32)
    plain = learned_scores("results", SENTENCES, roles, similarity)
    assert learned_scores("results", SENTENCES, roles, similarity, vectors) != plain
    assert learned_scores("results", SENTENCES, roles, similarity, vectors[:3]) == plain  # not this abstract's


def test_features_have_one_row_per_sentence() -> None:
    roles = ["background", "objective", "result", "other"]
    x = features(SENTENCES, roles, np.zeros(4, dtype=np.float32))
    assert x.shape == (4, len(FEATURES)) and x[0, FEATURES.index("first")] == 1.0
    assert x[2, FEATURES.index("number")] == 1.0 and x[3, FEATURES.index("cue:limitations")] == 1.0


def test_the_sentence_in_the_questions_own_words_stands_out() -> None:
    overlap = word_overlap("does it need calibrating?", SENTENCES)  # "calibrating" and "calibration" share a stem
    assert overlap[:, 0].tolist() == [0.0, 0.0, 0.0, 1.0] and overlap[:, 1].tolist() == [0.0, 0.0, 0.0, 1.0]
    shared = word_overlap("how much faster is FastNet on the benchmarks", SENTENCES)  # "benchmarks" only asks
    assert shared[2, 0] == 1.0 and 0.0 < shared[1, 0] < 1.0 and shared[:, 1].tolist() == [0.0, 0.0, 1.0, 0.0]
    assert not word_overlap("what is it about?", SENTENCES).any()  # nothing said beyond asking
    roles = ["background", "objective", "result", "other"]
    x = features(SENTENCES, roles, np.zeros(4, dtype=np.float32), "does it need calibrating?")
    assert x[3, FEATURES.index("overlap_best")] == 1.0 and x[0, FEATURES.index("overlap")] == 0.0


def test_results_prefer_the_sentence_with_the_finding() -> None:
    scores = learned_scores(
        "results", SENTENCES, ["background", "objective", "result", "other"], np.zeros(4, dtype=np.float32)
    )
    assert scores is not None and int(np.argmax(scores)) == 2


def test_weights_for_other_features_are_ignored(tmp_path: Path) -> None:
    stale = tmp_path / "facet_weights.json"
    stale.write_text('{"features": ["old"], "facets": {"about": {"weights": [1.0], "bias": 0.0}}}', encoding="utf-8")
    assert load_weights(stale) == {} and load_weights(tmp_path / "missing.json") == {}
