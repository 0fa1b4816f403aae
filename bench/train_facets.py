#!/usr/bin/env python3
"""Train retrieval/facet_weights.json: which abstract sentence answers each facet (retrieval/ranking.py).

    .venv/bin/python bench/train_facets.py [--check] [--questions bench/facets_2026-06.jsonl ...] [--out FILE]

Uses only our own labelled 2026-06 questions (by default every set but D, which is kept out for measuring).
For every question, each sentence of the paper's abstract is one example: positive when it is a labelled
answer, so a question whose facet the abstract does not state gives only negatives (which is what lets
compose.STATED_LOGIT tell a stated limitation from a cue word). One L2-regularised logistic regression per
facet, fitted by gradient descent in numpy. Sentence roles come from the shipped tagger; the similarity
feature compares each sentence with the question minus its id and the paper's title, as `paperbot ask` does.

--check first leaves each set out in turn, trains on the others and prints, for that set's questions, how
often the answer holds a labelled sentence (or says "not stated" when none is labelled) when the facet and
paper are known: picking with the cue and position rules of compose.choose, and as `paperbot ask` does
(compose.find_facet: the ranker's best sentences, the rules for limitations and future work).
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
SETS = {  # every labelled set but D, which no model is trained on
    name: ROOT / "bench" / f"facets_2026-06{'' if name == 'A' else '_' + name.lower()}.jsonl"
    for name in "ABCEFGHIJKLMN"
}
MONTH = ROOT.parent / "shared" / "data" / "arxiv" / "daily_cs_2026-06.jsonl"
L2 = 1.0
STEPS = 3000


@dataclass
class Question:
    facet: str
    texts: list[str]  # the abstract's sentences
    x: np.ndarray  # one row of FEATURES per sentence
    stated: bool
    gold: list[int]  # the labelled answer sentences; [] when not stated
    fact: str

    @property
    def y(self) -> np.ndarray:
        return np.asarray([1.0 if i in self.gold else 0.0 for i in range(len(self.texts))])


def fit(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    """Logistic regression with an L2 penalty on the weights (not the bias), by full-batch gradient descent."""
    w, b = np.zeros(x.shape[1]), 0.0
    n = len(y)
    for step in range(STEPS):
        p = 1 / (1 + np.exp(-(x @ w + b)))
        lr = 0.5 if step < STEPS // 2 else 0.1
        w -= lr * ((x.T @ (p - y)) / n + L2 * w / n)
        b -= lr * float(np.mean(p - y))
    return w, b


def load(path: Path, titles: dict[str, str], embedder: Embedder, tagger: RoleTagger) -> list[Question]:
    split = path.with_name(path.stem + "_sentences.jsonl")
    sentences = {r["paper"]: r["sentences"] for r in map(json.loads, split.open(encoding="utf-8"))}
    roles = dict(zip(sentences, tagger.tag(list(sentences.values()), embedder.encode), strict=True))
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
        x = features(texts, roles[item["paper"]], sims)
        found.append(
            Question(facet, texts, x, expected["stated"], list(expected["sentences"]), expected.get("fact", ""))
        )
    return found


def train(questions: list[Question]) -> dict[str, tuple[np.ndarray, float]]:
    by_facet: dict[str, list[Question]] = defaultdict(list)
    for question in questions:
        by_facet[question.facet].append(question)
    return {
        facet: fit(np.vstack([q.x for q in qs]), np.concatenate([q.y for q in qs]))
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
    totals = np.zeros(2)
    for held, questions in data.items():
        models = train([q for name, qs in data.items() if name != held for q in qs])
        right = np.zeros(2)
        for q in questions:
            w, b = models[q.facet]
            scores = ((q.x @ w + b) * LEARNED_SCALE).tolist()
            cands = [Candidate(t, i, "abstract") for i, t in enumerate(q.texts)]
            floor = STATED_LOGIT[q.facet] * LEARNED_SCALE if q.facet in STATED_LOGIT else None
            ruled = choose(cands, scores, q.facet, floor)
            ranked = ruled if q.facet in CUE_ONLY_FACETS else top_ranked(cands, scores, q.facet, floor, False)
            right += [answered(q, ruled), answered(q, ranked)]
        totals += right
        print(f"{held}: {len(questions)} questions; rules {right[0] / len(questions):.1%}, "
              f"as asked {right[1] / len(questions):.1%}")  # fmt: skip
    n = sum(len(qs) for qs in data.values())
    print(f"all: {n} questions; rules {totals[0] / n:.1%}, as asked {totals[1] / n:.1%}")


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
    trained = {}
    for facet, (w, b) in train([q for qs in data.values() for q in qs]).items():
        trained[facet] = {"weights": [round(float(v), 5) for v in w], "bias": round(b, 5)}
    args.out.write_text(
        json.dumps({"trained_on": list(data), "features": list(FEATURES), "facets": trained}, indent=1) + "\n",
        encoding="utf-8",
    )
    print(f"{sum(len(qs) for qs in data.values())} questions -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
