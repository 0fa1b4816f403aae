"""What a question asks when no wording rule of retrieval/facets.py names it ("what did they build?",
"key insight?", "who is this for"): a softmax over the eight facets an abstract answers.

Inputs are the question's MiniLM vector and a hashed bag of its words and word pairs. Weights live in
`intent_weights.npz`, which `bench/train_intent.py` reproduces from our own question sets (the labelled
2026-06 sets and the phrasing lists `bench/intents_*.jsonl`). Without that file nothing is guessed.
"""

from __future__ import annotations

import re
import zlib
from functools import cache
from itertools import pairwise
from pathlib import Path

import numpy as np
import numpy.typing as npt

from retrieval.embed import DIM, Vectors

WEIGHTS = Path(__file__).with_name("intent_weights.npz")
HASHED = 2048  # buckets of the bag of words and word pairs
BAG_SCALE = 0.5  # a bucket's value, against the unit-length MiniLM vector
_WORD = re.compile(r"[a-z]+")

Array = npt.NDArray[np.float64]


def bag_of_words(question: str) -> Array:
    words = _WORD.findall(question.lower())
    bag = np.zeros(HASHED)
    for token in [*words, *(f"{a} {b}" for a, b in pairwise(words))]:
        bag[zlib.crc32(token.encode()) % HASHED] = BAG_SCALE
    return bag


def intent_features(questions: list[str], vectors: Vectors) -> Array:
    """One row per question: its MiniLM vector, then its hashed words."""
    bags = np.stack([bag_of_words(q) for q in questions]) if questions else np.zeros((0, HASHED))
    return np.hstack([np.asarray(vectors, dtype=np.float64).reshape(len(questions), DIM), bags])


@cache
def load_intents(path: Path = WEIGHTS) -> tuple[tuple[str, ...], Array, Array] | None:
    """(facets, weights [features, facets], bias) or None when the file is missing or of another shape."""
    if not path.is_file():
        return None
    with np.load(path) as data:
        facets = tuple(str(f) for f in data["facets"])
        weights, bias = data["weights"].astype(np.float64), data["bias"].astype(np.float64)
    if weights.shape != (DIM + HASHED, len(facets)):
        return None
    return facets, weights, bias


def facet_probabilities(question: str, vector: Vectors) -> dict[str, float]:
    """How likely `question` (with `vector`, its MiniLM embedding) asks each facet, most likely first; empty
    when no model is trained."""
    model = load_intents()
    if model is None:
        return {}
    facets, weights, bias = model
    logits = intent_features([question], vector.reshape(1, -1))[0] @ weights + bias
    probs = np.exp(logits - logits.max())
    probs /= probs.sum()
    return {facets[i]: float(probs[i]) for i in np.argsort(-probs)}


def guess_facet(question: str, vector: Vectors) -> tuple[str, float]:
    """The most likely facet of `question` and its probability; ("", 0.0) when no model is trained."""
    return next(iter(facet_probabilities(question, vector).items()), ("", 0.0))
