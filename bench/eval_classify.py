"""Sentence roles on CSAbstruct through the command line: `paperbot classify --json`, scored here.

    python bench/eval_classify.py [--split test|dev]      (about a minute and a half for test on 2 cores)

Sends every abstract of ../shared/data/csabstruct/<split>.jsonl as one JSON list of sentences per line to
ONE `paperbot classify --json` process, and computes per-class and macro F1 against the gold labels with
its own arithmetic (standard library only). Exit status 1 if the output is malformed.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "csabstruct"
LABELS = ("background", "objective", "method", "result", "other")


def macro_f1(gold: list[str], predicted: list[str]) -> tuple[float, dict[str, float]]:
    true_pos, pred_count, gold_count = Counter(), Counter(predicted), Counter(gold)
    for g, p in zip(gold, predicted, strict=True):
        true_pos[g] += g == p
    per_class = {}
    for label in LABELS:
        precision = true_pos[label] / pred_count[label] if pred_count[label] else 0.0
        recall = true_pos[label] / gold_count[label] if gold_count[label] else 0.0
        per_class[label] = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    present = [label for label in LABELS if gold_count[label]]
    return sum(per_class[label] for label in present) / len(present), per_class


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="test", choices=("test", "dev"))
    parser.add_argument("--paperbot", default=str(Path(sys.executable).with_name("paperbot")))
    args = parser.parse_args()
    with (DATA / f"{args.split}.jsonl").open(encoding="utf-8") as lines:
        abstracts = [json.loads(line) for line in lines if line.strip()]
    started = time.perf_counter()
    done = subprocess.run(
        [args.paperbot, "classify", "--json"],
        input="".join(json.dumps(a["sentences"]) + "\n" for a in abstracts),
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    predicted = [json.loads(line) for line in done.stdout.splitlines()]
    lengths_ok = len(predicted) == len(abstracts) and all(
        len(p) == len(a["sentences"]) for p, a in zip(predicted, abstracts, strict=False)
    )
    if done.returncode != 0 or not lengths_ok:
        print(f"malformed output: exit {done.returncode}, {len(predicted)} lines for {len(abstracts)}")
        print(done.stderr[-1500:])
        return 1
    gold = [label.lower() for a in abstracts for label in a["labels"]]
    flat = [label for p in predicted for label in p]
    score, per_class = macro_f1(gold, flat)
    accuracy = sum(g == p for g, p in zip(gold, flat, strict=True)) / len(gold)
    print(f"CSAbstruct {args.split}: {len(abstracts)} abstracts, {len(gold)} sentences, {seconds:.1f}s")
    print(f"macro-F1 {score:.4f}  accuracy {accuracy:.4f}")
    print("  " + "  ".join(f"{label} {f1:.3f}" for label, f1 in per_class.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
