#!/usr/bin/env python3
"""Train retrieval/facet_weights.json: which abstract sentence answers each facet (retrieval/ranking.py).

    .venv/bin/python bench/train_facets.py [--check] [--questions bench/facets_2026-06.jsonl ...] [--out FILE]

Uses only our own labelled 2026-06 questions (by default sets A-Z and ZA-ZN but D; D is kept out for measuring,
ZO, ZP and ZQ are blind).
For every question, each sentence of the paper's abstract is one example: positive when it is a labelled
answer, so a question whose facet the abstract does not state gives only negatives (which is what lets
compose.STATED_LOGIT tell a stated limitation from a cue word). Two L2-regularised logistic regressions per
facet, fitted by Newton's method in numpy: one over retrieval/ranking.py's FEATURES, one that also reads the
sentence's MiniLM vector (`paperbot ask` and the card have it from the role tagger). Sentence roles and vectors
come from the shipped tagger; the similarity feature compares each sentence with the question minus its id and
the paper's title, as `paperbot ask` does.

--check first leaves each set out in turn, trains on the others and prints, for that set's questions, how
often the answer holds a labelled sentence (or says "not stated" when none is labelled) when the facet and
paper are known: picking with the cue and position rules of compose.choose, with the ranker's best sentences
(compose.find_facet; the rules for limitations and future work), and the same with the ranker that reads the
vectors, as `paperbot ask` does.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.eval_facets import fact_ok  # noqa: E402
from retrieval.compose import (  # noqa: E402
    CUE_ONLY_FACETS,
    FACET_WORDS,
    LEARNED_SCALE,
    STATED_LOGIT,
    Candidate,
    Finding,
    choose,
    similarity_to,
    top_ranked,
)
from retrieval.embed import Embedder  # noqa: E402
from retrieval.ranking import FEATURES, WEIGHTS, features  # noqa: E402
from retrieval.roles import RoleTagger  # noqa: E402

FACETS = tuple(FACET_WORDS)  # the eight facets an abstract answers
SETS = {  # sets A-Z and ZA-ZN but D; no model is trained on D (kept for measuring) nor on ZO-ZQ (blind)
    name: ROOT / "bench" / f"facets_2026-06{'' if name == 'A' else '_' + name.lower()}.jsonl"
    for name in [*"ABCEFGHIJKLMNOPQRSTUVWXYZ", *(f"Z{letter}" for letter in "ABCDEFGHIJKLMN")]
}
MONTH = ROOT.parent / "shared" / "data" / "arxiv" / "daily_cs_2026-06.jsonl"
L2 = 1.0
NEWTON_STEPS = 25


@dataclass
class Question:
    facet: str
    texts: list[str]  # the abstract's sentences
    x: np.ndarray  # one row of FEATURES per sentence
    v: np.ndarray  # each sentence's MiniLM vector
    stated: bool
    gold: list[int]  # the labelled answer sentences; [] when not stated
    fact: str

    def read(self, vectors: bool) -> np.ndarray:
        return np.hstack([self.x, self.v]) if vectors else self.x

    @property
    def y(self) -> np.ndarray:
        return np.asarray([1.0 if i in self.gold else 0.0 for i in range(len(self.texts))])


def fit(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    """Logistic regression with an L2 penalty on the weights (not the bias), by Newton's method."""
    xb = np.hstack([x, np.ones((len(y), 1))])
    penalty = np.full(xb.shape[1], L2)
    penalty[-1] = 0.0
    w = np.zeros(xb.shape[1])
    for _ in range(NEWTON_STEPS):
        p = 1 / (1 + np.exp(-(xb @ w)))
        gradient = xb.T @ (p - y) + penalty * w
        hessian = (xb * (p * (1 - p))[:, None]).T @ xb + np.diag(penalty) + 1e-9 * np.eye(len(w))
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.max(np.abs(step)) < 1e-8:
            break
    return w[:-1], float(w[-1])


def load(path: Path, titles: dict[str, str], embedder: Embedder, tagger: RoleTagger) -> list[Question]:
    split = path.with_name(path.stem + "_sentences.jsonl")
    sentences = {r["paper"]: r["sentences"] for r in map(json.loads, split.open(encoding="utf-8"))}
    read = dict(zip(sentences, tagger.read(list(sentences.values()), embedder.encode), strict=True))
    found = []
    for item in map(json.loads, path.open(encoding="utf-8")):
        facet, expected = item["facet"], item["expected"]
        if facet not in FACETS or item["paper"] not in sentences:
            continue
        texts = sentences[item["paper"]]
        focus = re.sub(re.escape(titles.get(item["paper"], "")), " ", item["question"], flags=re.I)
        focus = re.sub(r"\S*\d{4}\.\d{4,5}\S*", " ", focus)
        cands = [Candidate(t, i, "abstract") for i, t in enumerate(texts)]
        sims = similarity_to(focus, cands, embedder.encode)
        roles, vectors = read[item["paper"]]
        x = features(texts, roles, sims, focus)
        found.append(
            Question(
                facet, texts, x, vectors, expected["stated"], list(expected["sentences"]), expected.get("fact", "")
            )
        )
    return found


def train(questions: list[Question], vectors: bool = False) -> dict[str, tuple[np.ndarray, float]]:
    """One model per facet, over FEATURES (and then each sentence's vector, with `vectors`)."""
    by_facet: dict[str, list[Question]] = defaultdict(list)
    for question in questions:
        by_facet[question.facet].append(question)
    return {
        facet: fit(np.vstack([q.read(vectors) for q in qs]), np.concatenate([q.y for q in qs]))
        for facet, qs in sorted(by_facet.items())
    }


def answered(question: Question, picked: list[Candidate]) -> bool:
    """Whether bench/eval_facets.py would count the answer made of `picked` right (facet and paper known)."""
    item = {
        "facet": question.facet,
        "expected": {"stated": question.stated, "sentences": question.gold, "fact": question.fact},
    }
    return fact_ok(item, {"answer": Finding(question.facet, tuple(picked), (0.0,) * len(picked)).text}, question.texts)


def check(data: dict[str, list[Question]]) -> None:
    totals = np.zeros(3)
    for held, questions in data.items():
        rest = [q for name, qs in data.items() if name != held for q in qs]
        plain, read = train(rest), train(rest, vectors=True)
        right = np.zeros(3)
        for q in questions:
            picks = []
            for models, vectors in ((plain, False), (read, True)):
                w, b = models[q.facet]
                scores = ((q.read(vectors) @ w + b) * LEARNED_SCALE).tolist()
                cands = [Candidate(t, i, "abstract") for i, t in enumerate(q.texts)]
                floor = STATED_LOGIT[q.facet] * LEARNED_SCALE if q.facet in STATED_LOGIT else None
                ruled = choose(cands, scores, q.facet, floor)
                picks += [
                    ruled,
                    ruled if q.facet in CUE_ONLY_FACETS else top_ranked(cands, scores, q.facet, floor, False),
                ]
            right += [answered(q, picks[0]), answered(q, picks[1]), answered(q, picks[3])]
        totals += right
        share = right / len(questions)
        print(f"{held}: {len(questions)} questions; rules {share[0]:.1%}, ranked {share[1]:.1%}, "
              f"ranked reading vectors (as asked) {share[2]:.1%}")  # fmt: skip
    n = sum(len(qs) for qs in data.values())
    print(f"all: {n} questions; rules {totals[0] / n:.1%}, ranked {totals[1] / n:.1%}, "
          f"ranked reading vectors (as asked) {totals[2] / n:.1%}")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", nargs="+", type=Path, default=list(SETS.values()))
    parser.add_argument("--check", action="store_true", help="leave-one-set-out accuracy first")
    parser.add_argument("--out", type=Path, default=WEIGHTS)
    args = parser.parse_args()
    titles = {r["id"]: r["title"] for r in map(json.loads, MONTH.open(encoding="utf-8"))}
    embedder, tagger = Embedder(), RoleTagger()
    data = {path.name: load(path, titles, embedder, tagger) for path in args.questions}
    if args.check:
        check(data)
    questions = [q for qs in data.values() for q in qs]
    stored: dict[str, object] = {"trained_on": list(data), "features": list(FEATURES)}
    for key, vectors in (("facets", False), ("facets_with_vectors", True)):
        stored[key] = {
            facet: {"weights": [round(float(v), 5) for v in w], "bias": round(b, 5)}
            for facet, (w, b) in train(questions, vectors).items()
        }
    args.out.write_text(json.dumps(stored, indent=1) + "\n", encoding="utf-8")
    print(f"{sum(len(qs) for qs in data.values())} questions -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
