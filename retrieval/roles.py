"""Sentence roles: label each abstract sentence background / objective / method / result / other.

Runs wherever facets are built from an abstract (card, ask) and behind `paperbot classify --json`.
The model reads two frozen MiniLM vectors per sentence (the whole sentence, and its opening words,
where the rhetorical cue usually sits: "We propose", "Results show"), a bag of its words and its
position; a bidirectional GRU carries context along the abstract, and a CRF layer (Viterbi decoding)
picks the label sequence. The forward pass is plain numpy over the weights in `roles_weights.npz`, which
`bench/train_roles.py` reproduces from CSAbstruct (trained on train, tuned on dev).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

LABELS = ("background", "objective", "method", "result", "other")
WEIGHTS = Path(__file__).with_name("roles_weights.npz")
POSITION_FEATURES = 5
OPENING_WORDS = 6

Array = npt.NDArray[np.float32]
Encode = Callable[[list[str]], npt.NDArray[np.floating[Any]]]

_GRU = ("w_ih", "w_hh", "b_ih", "b_hh")  # weight names of one GRU direction, torch layout
_WORD = re.compile(r"[a-z]+|\d+(?:\.\d+)?|%")


def opening(sentence: str) -> str:
    """The first OPENING_WORDS words of a sentence, encoded as a second view of it."""
    return " ".join(sentence.split()[:OPENING_WORDS])


def tokenize(sentence: str) -> list[str]:
    """Words, numbers as `<num>`, `%`, word bigrams, and the first word and first two words marked with `^`."""
    words = ["<num>" if word[0].isdigit() else word for word in _WORD.findall(sentence.lower())]
    tokens = words + [f"{a} {b}" for a, b in pairwise(words)]
    if words:
        tokens.append(f"^{words[0]}")
        tokens.append(f"^{' '.join(words[:2])}")
    return tokens


def position_features(count: int) -> Array:
    """Per sentence of an abstract of `count` sentences: position, first, last, abstract length, position²."""
    index = np.arange(count, dtype=np.float32)
    relative = index / max(count - 1, 1)
    features = np.stack(
        [relative, index == 0, index == count - 1, np.full(count, np.log1p(count) / 3), relative**2], axis=1
    )
    return features.astype(np.float32)


def _sigmoid(x: Array) -> Array:
    result: Array = np.float32(0.5) * (np.tanh(np.float32(0.5) * x) + np.float32(1))  # no overflow in exp
    return result


def run_gru(inputs: Array, w_ih: Array, w_hh: Array, b_ih: Array, b_hh: Array) -> Array:
    """One direction of a torch-layout GRU (gates r, z, n stacked) over `inputs` [steps, features]."""
    hidden = np.zeros(w_hh.shape[1], dtype=np.float32)
    gates_in = inputs @ w_ih.T + b_ih
    outputs = np.empty((len(inputs), len(hidden)), dtype=np.float32)
    for step, gate_in in enumerate(gates_in):
        in_r, in_z, in_n = np.split(gate_in, 3)
        hid_r, hid_z, hid_n = np.split(w_hh @ hidden + b_hh, 3)
        reset, update = _sigmoid(in_r + hid_r), _sigmoid(in_z + hid_z)
        hidden = (1 - update) * np.tanh(in_n + reset * hid_n) + update * hidden
        outputs[step] = hidden
    return outputs


def viterbi(emissions: Array, transitions: Array, start: Array, end: Array) -> list[int]:
    """Best label sequence under per-sentence scores and label-to-label transition scores."""
    score = start + emissions[0]
    backpointers = []
    for emission in emissions[1:]:
        candidates = score[:, None] + transitions
        backpointers.append(candidates.argmax(axis=0))
        score = candidates.max(axis=0) + emission
    best = [int((score + end).argmax())]
    for pointer in reversed(backpointers):
        best.append(int(pointer[best[-1]]))
    return best[::-1]


class RoleTagger:
    """Labels abstract sentences; weights load once, on first use."""

    def __init__(self, path: Path = WEIGHTS) -> None:
        self.path = path
        self._weights: dict[str, Array] = {}
        self._vocabulary: dict[str, int] = {}
        self._lock = threading.Lock()

    def _load(self) -> dict[str, Array]:
        with self._lock:
            if not self._weights:
                with np.load(self.path, allow_pickle=False) as stored:
                    self._vocabulary = {token: index for index, token in enumerate(stored["vocabulary"].tolist())}
                    self._weights = {name: stored[name].astype(np.float32) for name in stored if name != "vocabulary"}
            return self._weights

    def tag(self, abstracts: Sequence[Sequence[str]], encode: Encode) -> list[list[str]]:
        """One label from LABELS per sentence; sentences and openings are encoded in a single `encode` call."""
        return [labels for labels, _ in self.read(abstracts, encode)]

    def read(self, abstracts: Sequence[Sequence[str]], encode: Encode) -> list[tuple[list[str], Array]]:
        """Per abstract, its labels and its sentences' MiniLM vectors [sentences, dims] (which the facet ranker
        of retrieval/ranking.py reads too, so they are encoded once)."""
        sentences = [sentence for abstract in abstracts for sentence in abstract]
        if not sentences:
            return [([], np.zeros((0, 0), dtype=np.float32)) for _ in abstracts]
        weights = self._load()
        encoded = np.asarray(encode(sentences + [opening(sentence) for sentence in sentences]), dtype=np.float32)
        whole = encoded[: len(sentences)]
        vectors = np.concatenate([whole, encoded[len(sentences) :]], axis=1)
        read: list[tuple[list[str], Array]] = []
        start = 0
        for abstract in abstracts:
            span = slice(start, start + len(abstract))
            labels: list[str] = []
            if abstract:
                emissions = self.emissions(list(abstract), vectors[span])
                path = viterbi(emissions, weights["transitions"], weights["start"], weights["end"])
                labels = [LABELS[index] for index in path]
            read.append((labels, whole[span]))
            start += len(abstract)
        return read

    def emissions(self, sentences: list[str], vectors: Array) -> Array:
        """Per-sentence label scores [sentences, labels] for one abstract, before the CRF layer.

        `vectors` holds, per sentence, its MiniLM vector followed by the MiniLM vector of its opening.
        """
        weights = self._load()
        features = np.concatenate([vectors, self._bag_of_words(sentences), position_features(len(sentences))], axis=1)
        projected = np.maximum(features @ weights["project_w"].T + weights["project_b"], 0)
        forward = run_gru(projected, *(weights[f"forward_{name}"] for name in _GRU))
        backward = run_gru(projected[::-1], *(weights[f"backward_{name}"] for name in _GRU))[::-1]
        scores: Array = np.concatenate([projected, forward, backward], axis=1) @ weights["output_w"].T
        return scores + weights["output_b"]

    def _bag_of_words(self, sentences: list[str]) -> Array:
        """Mean of the learned token embeddings of each sentence's known tokens (zeros when none is known)."""
        table = self._weights["token_embedding"]
        bags = np.zeros((len(sentences), table.shape[1]), dtype=np.float32)
        for row, sentence in enumerate(sentences):
            indices = [self._vocabulary[token] for token in tokenize(sentence) if token in self._vocabulary]
            if indices:
                bags[row] = table[indices].mean(axis=0)
        return bags
