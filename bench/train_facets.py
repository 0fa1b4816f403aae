#!/usr/bin/env python3
"""Train retrieval/facet_weights.json: which abstract sentence answers each facet (retrieval/ranking.py).

    .venv/bin/python bench/train_facets.py [--questions bench/facets_2026-06.jsonl ...] [--out FILE]

Uses only our own labelled 2026-06 questions (by default sets A, B, C, E, F, G and H; set D is kept out for
measuring). For every question, each sentence of the paper's abstract is one example: positive when it is a
labelled answer, so a question whose facet the abstract does not state gives only negatives (which is what
lets compose.STATED_LOGIT tell a stated limitation from a cue word). One L2-regularised logistic regression
per facet, fitted by gradient descent in numpy. Sentence roles come from the shipped tagger; the similarity
feature compares each sentence with the question minus its id and the paper's title, as `paperbot ask` does.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from retrieval.compose import FACET_WORDS, Candidate, similarity_to  # noqa: E402
from retrieval.embed import Embedder  # noqa: E402
from retrieval.ranking import FEATURES, WEIGHTS, features  # noqa: E402
from retrieval.roles import RoleTagger  # noqa: E402

FACETS = tuple(FACET_WORDS)  # the eight facets an abstract answers
DEFAULT_SETS = [ROOT / "bench" / f"facets_2026-06{suffix}.jsonl" for suffix in ("", "_b", "_c", "_e", "_f", "_g", "_h")]
MONTH = ROOT.parent / "shared" / "data" / "arxiv" / "daily_cs_2026-06.jsonl"
L2 = 1.0
STEPS = 3000


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


def examples(paths: list[Path]) -> dict[str, tuple[list[np.ndarray], list[np.ndarray]]]:
    titles = {r["id"]: r["title"] for r in map(json.loads, MONTH.open(encoding="utf-8"))}
    embedder, tagger = Embedder(), RoleTagger()
    data: dict[str, tuple[list[np.ndarray], list[np.ndarray]]] = defaultdict(lambda: ([], []))
    for path in paths:
        split = path.with_name(path.stem + "_sentences.jsonl")
        sentences = {r["paper"]: r["sentences"] for r in map(json.loads, split.open(encoding="utf-8"))}
        roles = dict(zip(sentences, tagger.tag(list(sentences.values()), embedder.encode), strict=True))
        for item in map(json.loads, path.open(encoding="utf-8")):
            facet, expected = item["facet"], item["expected"]
            if facet not in FACETS or item["paper"] not in sentences:
                continue
            texts = sentences[item["paper"]]
            focus = re.sub(re.escape(titles.get(item["paper"], "")), " ", item["question"], flags=re.I)
            focus = re.sub(r"\S*\d{4}\.\d{4,5}\S*", " ", focus)
            cands = [Candidate(t, i, "abstract") for i, t in enumerate(texts)]
            sims = similarity_to(focus, cands, embedder.encode)
            data[facet][0].append(features(texts, roles[item["paper"]], sims))
            data[facet][1].append(np.asarray([1.0 if i in expected["sentences"] else 0.0 for i in range(len(texts))]))
    return data


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", nargs="+", type=Path, default=DEFAULT_SETS)
    parser.add_argument("--out", type=Path, default=WEIGHTS)
    args = parser.parse_args()
    trained = {}
    for facet, (xs, ys) in sorted(examples(args.questions).items()):
        x, y = np.vstack(xs), np.concatenate(ys)
        w, b = fit(x, y)
        trained[facet] = {"weights": [round(float(v), 5) for v in w], "bias": round(b, 5)}
        print(f"{facet:14s} {len(xs):4d} questions {len(y):5d} sentences {int(y.sum()):4d} positive")
    names = [p.name for p in args.questions]
    args.out.write_text(
        json.dumps({"trained_on": names, "features": list(FEATURES), "facets": trained}, indent=1) + "\n",
        encoding="utf-8",
    )
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
