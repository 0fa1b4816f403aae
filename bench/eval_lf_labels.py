#!/usr/bin/env python3
"""Limitations and future work on 600 abstracts whose sentences helpers labelled (bench/labels_lf_2026-06.jsonl).

    .venv/bin/python bench/eval_lf_labels.py [--facet future_work|limitations]

Each line: a 2026-06 paper, its abstract split as paperbot splits it, and for each of the two facets the
sentences a careful reader would quote ("clear") and those some would ("borderline"); most abstracts have
neither. Answers as the card does (compose.find_facet with the abstract's roles and sentence vectors, no
question), then counts per abstract: with clear sentences, whether one of them is answered ("hit"), another
sentence ("other") or "not stated" ("NS"); the same for borderline-only abstracts; and for abstracts with
neither, how often something is answered anyway (a false alarm).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from retrieval.compose import candidates, find_facet  # noqa: E402
from retrieval.embed import Embedder  # noqa: E402
from retrieval.paper import Paper  # noqa: E402
from retrieval.roles import RoleTagger  # noqa: E402

LABELS = ROOT / "bench" / "labels_lf_2026-06.jsonl"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--facet", choices=("future_work", "limitations"), default="future_work")
    args = parser.parse_args()
    rows = [json.loads(line) for line in LABELS.open(encoding="utf-8")]
    read = RoleTagger().read([row["sentences"] for row in rows], Embedder().encode)
    counts: Counter[str] = Counter()
    for row, (roles, vectors) in zip(rows, read, strict=True):
        paper = Paper(id=row["paper"], title="", abstract=" ".join(row["sentences"]))
        if len(candidates(paper, args.facet)) != len(row["sentences"]):
            counts["split differently (skipped)"] += 1
            continue
        picked = {c.position for c in find_facet(paper, args.facet, roles=roles, vectors=vectors).picked}
        clear, borderline = set(row[args.facet]["clear"]), set(row[args.facet]["borderline"])
        wanted, kind = (clear, "clear") if clear else (borderline, "borderline") if borderline else (set(), "neither")
        if kind == "neither":
            counts["neither: false alarm" if picked else "neither: not stated"] += 1
        else:
            counts[f"{kind}: " + ("hit" if picked & wanted else "other" if picked else "NS")] += 1
    for key, n in sorted(counts.items()):
        print(f"{key:28s} {n}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
