"""Which abstract sentence answers a facet: a small logistic model per facet over cue, role and position features.

Trained by bench/train_facets.py on our own labelled 2026-06 questions (bench/facets_2026-06*.jsonl) and
stored in retrieval/facet_weights.json; without that file (or for a facet it lacks) the hand-set scores
of retrieval/compose.py are used. Features of a sentence, for one facet: its role (one-hot, from
retrieval/roles.py), relative position, first / last, the cue of every facet, earlier-work phrasing, a number,
its length, its similarity to what the question says beyond asking, and how much of that it says in the same words
(`word_overlap`); a second model per facet also reads the sentence's MiniLM vector, where the caller has it (as
`paperbot ask` and the card do).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import numpy as np

from retrieval.embed import DIM, Vectors
from retrieval.facets import ASKING_WORDS, CUES, EARLIER_WORK, PRIOR_WORK
from retrieval.roles import LABELS
from retrieval.search import fts_words

WEIGHTS = Path(__file__).with_name("facet_weights.json")
VECTOR_DIMS = DIM  # the second model's extra features: the sentence's MiniLM vector
CUE_FACETS = tuple(sorted(CUES))
FEATURES = (
    *(f"role:{label}" for label in LABELS),
    "position",
    "first",
    "last",
    *(f"cue:{facet}" for facet in CUE_FACETS),
    "prior_work",
    "earlier_work",
    *(f"phrase:{name}" for name in ("own_work", "we", "contrast", "gap", "enable", "modal")),
    "number",
    "length",
    "similarity",
    "overlap",
    "overlap_best",
)
_NUMBER = re.compile(r"\d")
_PHRASES = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        r"\b(this|our|these) (work|paper|study|approach|method|framework|results?|findings?|analysis)\b",
        r"\bwe\b",
        r"\b(however|but|yet|although|while|whereas|unlike|instead)\b",
        r"\b(lack\w*|little|few|rarely|remains? (unclear|unexplored|underexplored|open|challenging)|overlooked"
        r"|under-?explored|gap)\b",
        r"\b(enabl\w*|allow\w*|facilitat\w*|pav(e|es|ing)|open\w* (up|the door))\b",
        r"\b(will|could|can|may|might)\b",
    )
)


STEM = 5  # letters a word is compared by: "sycophantic" / "sycophancy", "converge" / "convergence"


def _stems(text: str) -> set[str]:
    return {word[:STEM] for word in fts_words(text) if word not in ASKING_WORDS}


def word_overlap(asked: str, sentences: Sequence[str]) -> np.ndarray:
    """Per sentence: the share of what `asked` says beyond asking that the sentence says in the same words, each
    word weighted by how few of the abstract's sentences use it ("how bad is the convergence?" points at the one
    sentence on convergence); and 1.0 for the sentence that shares the most, if any shares a word."""
    n = len(sentences)
    asking = _stems(asked)
    if not asking or not n:  # the card, or "what is it about?": nothing to look for
        return np.zeros((n, 2))
    said = [_stems(text) for text in sentences]
    weights = {}
    for stem in asking:
        uses = sum(stem in words for words in said)
        if uses:
            weights[stem] = math.log(1 + n / uses)
    total = sum(weights.values())
    share = np.asarray(
        [sum(w for stem, w in weights.items() if stem in words) / total if total else 0.0 for words in said]
    )
    best = (share == share.max()) & (share > 0)
    return np.stack([share, best.astype(np.float64)], axis=1).reshape(n, 2)


def features(sentences: Sequence[str], roles: Sequence[str], similarity: Vectors, asked: str = "") -> np.ndarray:
    """One row of FEATURES per sentence of an abstract; `asked`: what the question says beyond naming the paper."""
    n = len(sentences)
    overlap = word_overlap(asked, sentences)
    rows = []
    for i, text in enumerate(sentences):
        role = roles[i] if i < len(roles) else ""
        rows.append(
            [
                *(1.0 if role == label else 0.0 for label in LABELS),
                i / max(n - 1, 1),
                1.0 if i == 0 else 0.0,
                1.0 if i == n - 1 else 0.0,
                *(1.0 if CUES[facet].search(text) else 0.0 for facet in CUE_FACETS),
                1.0 if PRIOR_WORK.search(text) else 0.0,
                1.0 if EARLIER_WORK.search(text) else 0.0,
                *(1.0 if phrase.search(text) else 0.0 for phrase in _PHRASES),
                1.0 if _NUMBER.search(text) else 0.0,
                math.log(1 + len(text)) / 6,
                float(similarity[i]) if i < len(similarity) else 0.0,
                *overlap[i],
            ]
        )
    return np.asarray(rows, dtype=np.float64).reshape(n, len(FEATURES))


Model = tuple[np.ndarray, float]  # weights, bias


def load_weights(path: Path = WEIGHTS) -> dict[str, Model]:
    """facet -> (weights over FEATURES, bias); empty when the file is missing or written for other features."""
    return _load(path)[0]


def load_vector_weights(path: Path = WEIGHTS) -> dict[str, Model]:
    """facet -> (weights over FEATURES and then the sentence's VECTOR_DIMS MiniLM dimensions, bias)."""
    return _load(path)[1]


@cache
def _load(path: Path) -> tuple[dict[str, Model], dict[str, Model]]:
    """Both models of every facet, read from one parse of the weights file."""
    if not path.is_file():
        return {}, {}
    data = json.loads(path.read_text(encoding="utf-8"))
    if list(data.get("features", [])) != list(FEATURES):
        return {}, {}

    def models(key: str, size: int) -> dict[str, Model]:
        stored = data.get(key, {})
        found = {f: (np.asarray(w["weights"], dtype=np.float64), float(w["bias"])) for f, w in stored.items()}
        return {facet: model for facet, model in found.items() if model[0].shape == (size,)}

    return models("facets", len(FEATURES)), models("facets_with_vectors", len(FEATURES) + VECTOR_DIMS)


def has_learned(facet: str) -> bool:
    return facet in load_weights()


def learned_scores(
    facet: str,
    sentences: Sequence[str],
    roles: Sequence[str],
    similarity: Vectors,
    vectors: Vectors | None = None,
    asked: str = "",
) -> list[float] | None:
    """The model's log-odds that each sentence answers `facet`, or None when no model is trained for it.
    With `vectors` (each sentence's MiniLM vector, as retrieval/roles.py reads them) the model that also reads
    them scores; without, the one that does not. `asked`: the question beyond the paper's name, if any."""
    if not sentences:
        return None
    x = features(sentences, roles, similarity, asked)
    read = load_vector_weights().get(facet)
    if read is not None and vectors is not None and vectors.shape == (len(sentences), VECTOR_DIMS):
        x, model = np.hstack([x, vectors.astype(np.float64)]), read
    elif facet in load_weights():
        model = load_weights()[facet]
    else:
        return None
    weights, bias = model
    scores: list[float] = (x @ weights + bias).tolist()
    return scores
