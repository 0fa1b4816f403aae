#!/usr/bin/env python3
"""SciFact retrieval through the real CLI: `paperbot ingest` + `paperbot search --json -k 100`, BEIR protocol.

Every claim of the chosen split goes through ONE `paperbot search --home DIR --json -k 100` process (one
claim per stdin line). Result ids `scifact-<doc_id>` are mapped back to SciFact doc ids and scored here,
with an implementation independent of paperbot's code:

- nDCG@10: binary relevance, gain 1 / log2(rank + 1) for a relevant paper at rank 1..10, divided by the
  ideal DCG (all relevant papers at the top, at most 10 of them). Averaged over the claims.
- Recall@100: relevant papers in the top 100 / relevant papers, averaged over the claims.
- MRR@10: 1 / rank of the first relevant paper within the top 10 (0 when none), averaged.

Relevance (what counts as a correct paper):
- `--split dev` (our TEST split: report on it, never tune on it): BEIR's test qrels, i.e. each claim's
  `cited_doc_ids` in claims_dev.jsonl; 300 claims, 339 pairs.
- `--split train` (the tuning split): `qrels_train.tsv` by default (the claims with rationale evidence:
  505 claims, 564 pairs); `--relevance cited` uses `cited_doc_ids` instead, which is how BEIR's own
  train qrels are built (809 claims, 919 pairs) and matches the dev protocol.

Run (from the project root; the store is built if --home holds no papers, ~6 min on 2 CPU cores for the
5,183 abstracts; the search pass then takes ~30 s for 300 claims, ~1 min for 809):

    python bench/scifact.py --paperbot .venv/bin/paperbot --home /tmp/scifact_home --split dev \\
        [--reuse] [--json-out metrics.json] [--run-out run.jsonl]

`--reuse` never ingests (the store must already hold the corpus). `--run-out` writes each claim's
ranked doc ids and its relevant ids, for error analysis. Stdlib only (Python 3.11). Exit status 0 on
success, 2 when paperbot failed (non-zero exit, crash, missing or unparsable output lines).
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "scifact"
PREFIX = "scifact-"
K_SEARCH = 100


def load_claims(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def load_qrels(path: Path) -> dict[str, set[str]]:
    """`query-id <tab> corpus-id <tab> score` with a header line; pairs with score > 0 are relevant."""
    relevant: dict[str, set[str]] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.reader(handle, delimiter="\t")
        next(rows, None)
        for row in rows:
            if len(row) >= 3 and int(row[2]) > 0:
                relevant.setdefault(str(row[0]), set()).add(str(row[1]))
    return relevant


def relevance(data: Path, split: str, kind: str) -> tuple[list[tuple[str, str]], dict[str, set[str]]]:
    """The claims to run, as (claim id, claim text), and each claim's relevant doc ids."""
    claims = load_claims(data / f"claims_{split}.jsonl")
    if kind == "cited":
        relevant = {str(c["id"]): {str(d) for d in c["cited_doc_ids"]} for c in claims}
    else:
        relevant = load_qrels(data / f"qrels_{split}.tsv")
    queries = [(str(c["id"]), c["claim"]) for c in claims if relevant.get(str(c["id"]))]
    return queries, relevant


def ndcg_at(ranked: list[str], relevant: set[str], k: int) -> float:
    dcg = sum(1.0 / math.log2(rank + 2) for rank, doc in enumerate(ranked[:k]) if doc in relevant)
    ideal = sum(1.0 / math.log2(rank + 2) for rank in range(min(len(relevant), k)))
    return dcg / ideal if ideal else 0.0


def recall_at(ranked: list[str], relevant: set[str], k: int) -> float:
    return len(set(ranked[:k]) & relevant) / len(relevant) if relevant else 0.0


def mrr_at(ranked: list[str], relevant: set[str], k: int) -> float:
    for rank, doc in enumerate(ranked[:k], start=1):
        if doc in relevant:
            return 1.0 / rank
    return 0.0


def score_run(run: dict[str, list[str]], relevant: dict[str, set[str]]) -> dict[str, float]:
    """Mean metrics over the claims in `run` (each claim's ranked doc ids, best first, no duplicates)."""
    n = len(run)
    if not n:
        return {"claims": 0}
    return {
        "claims": n,
        "ndcg@10": sum(ndcg_at(run[q], relevant[q], 10) for q in run) / n,
        "recall@100": sum(recall_at(run[q], relevant[q], 100) for q in run) / n,
        "mrr@10": sum(mrr_at(run[q], relevant[q], 10) for q in run) / n,
    }


def store_papers(home: Path) -> int:
    """How many SciFact papers the store under `home` holds (0 when there is no store yet)."""
    path = home / "papers.sqlite3"
    if not path.exists():
        return 0
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return int(db.execute("SELECT count(*) FROM papers WHERE id LIKE 'scifact-%'").fetchone()[0])
        finally:
            db.close()
    except sqlite3.DatabaseError:
        return 0


def ingest(paperbot: str, home: Path, corpus: Path, timeout: float) -> float:
    started = time.monotonic()
    print(f"ingesting {corpus} into {home} (about 6 min on 2 cores) ...", file=sys.stderr, flush=True)
    proc = subprocess.run(
        [paperbot, "ingest", "--home", str(home), str(corpus)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        timeout=timeout,
    )
    if proc.returncode != 0:
        raise SystemExit(f"paperbot ingest failed with exit status {proc.returncode}")
    print(proc.stdout.strip(), file=sys.stderr)
    return time.monotonic() - started


def search(paperbot: str, home: Path, queries: list[tuple[str, str]], timeout: float) -> dict[str, list[str]]:
    """Each claim's ranked SciFact doc ids from ONE `paperbot search --json -k 100` process."""
    cmd = [paperbot, "search", "--home", str(home), "--json", "-k", str(K_SEARCH)]
    stdin = "".join(" ".join(text.split()) + "\n" for _, text in queries)
    proc = subprocess.run(cmd, input=stdin, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr[-2000:])
        raise SystemExit(2)
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    if len(lines) != len(queries):
        sys.stderr.write(f"expected {len(queries)} output lines, got {len(lines)}\n")
        raise SystemExit(2)
    run: dict[str, list[str]] = {}
    for (claim_id, _), line in zip(queries, lines, strict=True):
        try:
            results = json.loads(line)["results"]
        except (json.JSONDecodeError, KeyError, TypeError):
            sys.stderr.write(f"claim {claim_id}: unparsable output line: {line[:200]}\n")
            raise SystemExit(2) from None
        ranked: list[str] = []
        for row in results:
            paper_id = str(row["id"])
            doc = paper_id[len(PREFIX) :] if paper_id.startswith(PREFIX) else paper_id
            if doc not in ranked:
                ranked.append(doc)
        run[claim_id] = ranked
    return run


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--paperbot", default=shutil.which("paperbot") or "paperbot", help="the paperbot executable")
    ap.add_argument("--home", type=Path, required=True, help="store directory (ingested into when empty)")
    ap.add_argument("--split", choices=("train", "dev"), default="dev")
    ap.add_argument(
        "--relevance",
        choices=("qrels", "cited"),
        default=None,
        help="relevant docs: qrels_<split>.tsv or cited_doc_ids (default: cited for dev = BEIR, qrels for train)",
    )
    ap.add_argument("--data", type=Path, default=DATA, help="the SciFact folder (default ../shared/data/scifact)")
    ap.add_argument("--reuse", action="store_true", help="never ingest; use the store as it is")
    ap.add_argument("--timeout", type=float, default=3600.0, help="per paperbot process, seconds")
    ap.add_argument("--json-out", type=Path, help="write the metrics as JSON here")
    ap.add_argument("--run-out", type=Path, help="write each claim's ranking and relevant ids (JSON lines)")
    args = ap.parse_args(argv)
    kind = args.relevance or ("cited" if args.split == "dev" else "qrels")
    if not (args.data / "corpus.jsonl").exists():
        print(f"no SciFact data at {args.data}", file=sys.stderr)
        return 2

    ingest_seconds = None
    if not args.reuse and store_papers(args.home) == 0:
        ingest_seconds = ingest(args.paperbot, args.home, args.data / "corpus.jsonl", args.timeout)
    held = store_papers(args.home)

    queries, relevant = relevance(args.data, args.split, kind)
    started = time.monotonic()
    run = search(args.paperbot, args.home, queries, args.timeout)
    search_seconds = time.monotonic() - started
    metrics = score_run(run, relevant)
    report = {
        "split": args.split,
        "relevance": kind,
        "store_papers": held,
        **metrics,
        "search_seconds": round(search_seconds, 1),
        "ingest_seconds": round(ingest_seconds, 1) if ingest_seconds is not None else None,
    }
    print(
        f"SciFact {args.split} ({kind}, {metrics['claims']} claims, store {held} papers): "
        f"nDCG@10 {metrics['ndcg@10']:.4f}  Recall@100 {metrics['recall@100']:.4f}  MRR@10 {metrics['mrr@10']:.4f}"
        f"  (search {search_seconds:.1f}s)"
    )
    if args.json_out:
        args.json_out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    if args.run_out:
        with args.run_out.open("w", encoding="utf-8") as out:
            for claim_id, text in queries:
                row = {"id": claim_id, "claim": text, "relevant": sorted(relevant[claim_id]), "ranked": run[claim_id]}
                out.write(json.dumps(row) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
