#!/usr/bin/env python3
"""Train retrieval/intent_weights.npz: which facet a question asks when no wording rule names it, or when the
model is sure enough to overrule the rule that does (retrieval/library.py, OVERRULED).

    .venv/bin/python bench/train_intent.py --home DIR [--check] [--leave-out SETS] [--no-asked] [--out FILE]

DIR must hold the 2026-06 month: each labelled question loses the words that name its paper (an id, a
title, a name), as `paperbot ask` does before it looks at the wording. Training data, all our own:
- the labelled 2026-06 question sets A-C, E-Z and ZA-ZK (D is kept out for measuring, ZL-ZN are blind);
- bench/intents_*.jsonl: phrasings of the eight facets that name no paper;
- bench/asked_2026-06_*.jsonl: 1,600 questions about 200 other 2026-06 papers, each labelled only with its facet
  and paper, written by four helpers in four personas (a PhD student skimming, an engineer deciding whether to
  adopt, a skeptical reviewer, a non-native speaker chatting); they name their papers as users do.
One L2-regularised softmax regression over retrieval/intent.py's features, fitted by gradient descent in numpy.
With --leave-out the left-out sets are scored together the same way. --check first prints, for each labelled set,
the facet accuracy with a model trained without that set (leave one set out) of: the wording rules alone, the rules
then the model where no rule matches, the model alone, and what `paperbot ask` does (the model also overrules a rule
when sure, unless the question names the facet).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from train_facets import SETS  # noqa: E402  # the labelled sets both models train on, named once

from retrieval.compose import FACET_WORDS  # noqa: E402
from retrieval.embed import Embedder  # noqa: E402
from retrieval.facets import NAMED, detect_facet  # noqa: E402
from retrieval.intent import WEIGHTS, intent_features  # noqa: E402
from retrieval.library import OVERRULED, leave_out  # noqa: E402
from retrieval.resolve import resolve  # noqa: E402
from retrieval.store import Store  # noqa: E402

FACETS = tuple(FACET_WORDS)
PHRASINGS = sorted((ROOT / "bench").glob("intents_*.jsonl"))
ASKED = sorted((ROOT / "bench").glob("asked_2026-06_*.jsonl"))
L2 = 1.0
STEPS = 1500


def fit(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Softmax regression with an L2 penalty on the weights (not the bias), by full-batch gradient descent."""
    onehot = np.eye(len(FACETS))[y]
    w, b = np.zeros((x.shape[1], len(FACETS))), np.zeros(len(FACETS))
    for step in range(STEPS):
        logits = x @ w + b
        p = np.exp(logits - logits.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        lr = 2.0 if step < STEPS // 2 else 0.5
        w -= lr * ((x.T @ (p - onehot)) / len(y) + L2 * w / len(y))
        b -= lr * (p - onehot).mean(axis=0)
    return w, b


def load(path: Path, store: Store | None) -> tuple[list[str], np.ndarray]:
    """The questions of `path` asking one of FACETS (minus what names their paper), and their facet indices."""
    questions, labels = [], []
    for item in map(json.loads, path.open(encoding="utf-8")):
        if item["facet"] not in FACETS:
            continue
        text = item["question"]
        questions.append(leave_out(text, resolve(store, text).mentions) if store is not None else text)
        labels.append(FACETS.index(item["facet"]))
    return questions, np.asarray(labels)


def check(data: dict[str, tuple[list[str], np.ndarray, np.ndarray]], phrasings: list[tuple]) -> None:
    for held in data:
        rows = [v for k, v in data.items() if k != held] + phrasings
        w, b = fit(np.vstack([r[2] for r in rows]), np.concatenate([r[1] for r in rows]))
        print(score(f"set {held}", w, b, *data[held]))


def score(name: str, w: np.ndarray, b: np.ndarray, questions: list[str], labels: np.ndarray, x: np.ndarray) -> str:
    """How often the facet of `questions` is right: by the rules, the rules then the model, the model, as asked."""
    logits = x @ w + b
    probs = np.exp(logits - logits.max(axis=1, keepdims=True))
    probs /= probs.sum(axis=1, keepdims=True)
    guessed, sure = probs.argmax(axis=1), probs.max(axis=1)
    rules = [detect_facet(q) for q in questions]
    rule_only = [FACETS.index(r) if r in FACETS else FACETS.index("about") for r in rules]
    combined = [
        FACETS.index(r) if r in FACETS else int(g) if r == "" else -1 for r, g in zip(rules, guessed, strict=True)
    ]
    shipped = [
        int(g) if r == "" or (overruled(r, q) and p >= OVERRULED[r]) else FACETS.index(r) if r in FACETS else -1
        for r, g, p, q in zip(rules, guessed, sure, questions, strict=True)
    ]
    return (f"{name}: {len(labels)} questions; rules {np.mean(np.array(rule_only) == labels):.1%}, "
            f"rules then model {np.mean(np.array(combined) == labels):.1%}, "
            f"model alone {np.mean(guessed == labels):.1%}, "
            f"as asked (overruled when sure) {np.mean(np.array(shipped) == labels):.1%}")  # fmt: skip


def overruled(facet: str, question: str) -> bool:
    """Whether `paperbot ask` lets the model overrule the rule that named `facet` in `question`."""
    return facet in OVERRULED and not (facet in NAMED and NAMED[facet].search(question))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", required=True, help="a store holding the 2026-06 month")
    parser.add_argument("--check", action="store_true", help="leave-one-set-out accuracy first")
    parser.add_argument("--leave-out", default="", help="sets not to train on, e.g. F,G or ZA, to measure on them")
    parser.add_argument("--out", default=str(WEIGHTS))
    parser.add_argument("--no-asked", action="store_true", help="leave bench/asked_* out, to measure what they add")
    args = parser.parse_args()
    store, embedder = Store.open_readonly(Path(args.home)), Embedder()

    def featurise(questions: list[str], labels: np.ndarray) -> tuple[list[str], np.ndarray, np.ndarray]:
        return questions, labels, intent_features(questions, embedder.encode(questions))

    data = {name: featurise(*load(path, store)) for name, path in SETS.items()}
    phrasings = [featurise(*load(path, None)) for path in PHRASINGS]
    phrasings += [featurise(*load(path, store)) for path in ([] if args.no_asked else ASKED)]  # never held out
    if args.check:
        check(data, phrasings)
    left = set(re.findall(r"Z[A-H]|[A-Z]", args.leave_out.upper()))  # "FG", "F,G", "ZA" (one set)
    rows = [v for k, v in data.items() if k not in left] + phrasings
    w, b = fit(np.vstack([r[2] for r in rows]), np.concatenate([r[1] for r in rows]))
    if left:  # measured on what it was not trained on, together
        kept = [v for k, v in data.items() if k in left]
        questions = [q for v in kept for q in v[0]]
        labels, x = np.concatenate([v[1] for v in kept]), np.vstack([v[2] for v in kept])
        print(score(f"left out {','.join(sorted(left))}", w, b, questions, labels, x))
    np.savez_compressed(args.out, facets=np.array(FACETS), weights=w.astype(np.float32), bias=b.astype(np.float32))
    print(f"{sum(len(r[1]) for r in rows)} questions -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
