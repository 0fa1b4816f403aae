"""Facet questions: does `paperbot ask --json` name what is asked and answer with the fact the abstract states?

    python bench/eval_facets.py --home DIR [--questions bench/facets_2026-06.jsonl]

DIR must hold the 2026-06 month. All questions go through ONE `paperbot ask --json` process, in order, as
one conversation (follow-ups refer to the line before). Scored per question:
- facet: the JSON `facet` equals the label; paper: `paper.id` equals the labelled paper;
- fact: for a stated abstract facet, the answer contains one of the labelled sentences (at least 70% of
  its content words); for a facet the abstract does not state, the answer says "does not state"; for the
  record's facets (authors, date, categories, comment), the labelled value appears; cite needs a BibTeX
  or RIS entry with the id; compare needs both papers; similar and key_terms need only facet and paper.
Prints accuracy per facet and overall, then the failures. Standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORD = re.compile(r"[a-z0-9]+")
STOP = set(
    "a an the of in on for to and or with by from is are was were be we our this that these as at it its".split()
)


def words(text: str) -> set[str]:
    return {w for w in WORD.findall(text.lower()) if w not in STOP}


def covers(answer: str, sentence: str) -> bool:
    wanted = words(sentence)
    return bool(wanted) and len(wanted & words(answer)) / len(wanted) >= 0.7


def fact_ok(item: dict, got: dict, sentences: list[str]) -> bool:
    facet, expected, text = item["facet"], item["expected"], got["answer"]
    if facet in {"similar", "key_terms"}:
        return True
    if facet == "cite":
        return item["paper"] in text and ("@" in text or "TY  -" in text)
    if facet == "compare":
        return item["paper"] in text and item.get("compare_with", "") in text
    if not expected["stated"]:
        return "does not state" in text or "has no comments" in text or "does not list" in text
    if facet in {"authors", "date", "categories", "comment"}:
        return all(part.strip() in text for part in expected["fact"].split(",")[:3])
    return any(covers(text, sentences[i]) for i in expected["sentences"]) or covers(text, expected["fact"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", required=True)
    parser.add_argument("--questions", default=str(HERE / "facets_2026-06.jsonl"))
    parser.add_argument("--paperbot", default=str(Path(sys.executable).with_name("paperbot")))
    args = parser.parse_args()
    with open(args.questions, encoding="utf-8") as lines:
        items = [json.loads(line) for line in lines if line.strip()]
    split = Path(args.questions).with_name(Path(args.questions).stem + "_sentences.jsonl")
    with split.open(encoding="utf-8") as lines:
        sentences = {r["paper"]: r["sentences"] for r in map(json.loads, lines)}
    started = time.perf_counter()
    done = subprocess.run(
        [args.paperbot, "ask", "--home", args.home, "--json"],
        input="".join(item["question"] + "\n" for item in items),
        capture_output=True,
        text=True,
        env={**os.environ, "PAPERBOT_FETCH_MISSING": "0"},
    )
    seconds = time.perf_counter() - started
    answers = [json.loads(line) for line in done.stdout.splitlines()]
    if done.returncode != 0 or len(answers) != len(items):
        print(f"paperbot failed: exit {done.returncode}, {len(answers)} answers\n{done.stderr[-2000:]}")
        return 2
    report(items, answers, sentences, seconds)
    return 0


def report(items: list[dict], answers: list[dict], sentences: dict[str, list[str]], seconds: float) -> None:
    tally: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # n, facet ok, paper ok, all ok
    failures = []
    for item, got in zip(items, answers, strict=True):
        facet_ok = got["facet"] == item["facet"]
        paper_ok = (got["paper"] or {}).get("id") == item["paper"]
        fact = paper_ok and fact_ok(item, got, sentences.get(item["paper"], []))
        row = tally[item["facet"]]
        row[0] += 1
        row[1] += facet_ok
        row[2] += paper_ok
        row[3] += facet_ok and fact
        if not (facet_ok and fact):
            failures.append((item, got))
    print(f"{'facet':14s} {'n':>4s} {'facet':>7s} {'paper':>7s} {'answer':>7s}")
    total = [0, 0, 0, 0]
    for facet, row in sorted(tally.items()):
        total = [a + b for a, b in zip(total, row, strict=True)]
        print(f"{facet:14s} {row[0]:4d} {row[1] / row[0]:7.0%} {row[2] / row[0]:7.0%} {row[3] / row[0]:7.0%}")
    n = total[0]
    print(f"{'all':14s} {n:4d} {total[1] / n:7.0%} {total[2] / n:7.0%} {total[3] / n:7.0%}")
    print(f"{n} questions in {seconds:.1f}s through one `paperbot ask --json` process")
    print("\nfailures (question | expected facet/paper | got facet/paper | answer):")
    for item, got in failures:
        got_paper = (got["paper"] or {}).get("id")
        print(f"- {item['question'][:90]!r} | {item['facet']}/{item['paper']} | {got['facet']}/{got_paper}"
              f" | {got['answer'][:160]!r}")  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
