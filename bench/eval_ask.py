#!/usr/bin/env python3
"""Evaluate `paperbot ask --json` / `paperbot search --json` on a question set.

Mirrors how the product is judged: papers named by id, URL or title must be
resolved (`paper.id` equals the expected id), unknown ids must be declined
(`paper` is null, the answer is not empty), questions that describe a paper's
topic in other words must find the paper in the top 3, and hostile input must
get a clean answer (exit status 0, one JSON object per input line, non-empty
`answer`).

bench/questions_2026-06.jsonl (210 questions: 40 id, 40 title, 15 unknown, 100 topic,
15 hostile) is about ../shared/data/arxiv/daily_cs_2026-06.jsonl: its 180 papers were
picked with random.Random(20260601), one from each 1/180th of the file, and the
questions were written by hand from each paper's title and abstract.

Question file: JSON lines `{"kind": ..., "question": ..., "paper": id-or-null}`,
kind one of id / title / unknown / topic / hostile. A hostile entry may carry
`"generate": "100k"` instead of `question`; the evaluator then builds a
100,000-character single-line text itself.

All questions go through ONE `paperbot ask --home DIR --json` process (stdin, one
question per line); the topic questions also go through ONE
`paperbot search --home DIR --json -k 3` process.

Run (the store under --home must already hold the 2026-06 month):

    python bench/eval_ask.py --home /tmp/h2606 \\
        --questions bench/questions_2026-06.jsonl \\
        [--paperbot .venv/bin/paperbot] [--json-out metrics.json] \\
        [--papers ../shared/data/arxiv/daily_cs_2026-06.jsonl] [--diag-k 10]

--papers only adds the expected titles to the failure list. --diag-k N runs one
extra `search -k N` process over the topic questions that missed the top 3 so
the failure list shows where the right paper ranked (not part of the metrics
or the timing).

Stdlib only (Python 3.11). Exit status 0 unless the tool crashed (non-zero
exit, could not be started, timed out, or printed fewer output lines than
input lines), then 2.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

KINDS = ("id", "title", "unknown", "topic", "hostile")
ASK_KEYS = ("question", "answer", "facet", "paper", "sources")


def generate(spec: str) -> str:
    """Deterministic single-line filler text for `generate` entries."""
    if spec != "100k":
        raise SystemExit(f"unknown generate spec: {spec!r}")
    chunk = (
        "what is the paper about attention transformers and diffusion models "
        'in computer vision "quoted" (parens) AND OR NEAR * title: '
    )
    text = (chunk * (100_000 // len(chunk) + 1))[:100_000]
    assert "\n" not in text and len(text) == 100_000
    return text


def load_questions(path: Path) -> list[dict]:
    items = []
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            obj = json.loads(line)
            if obj.get("kind") not in KINDS:
                raise SystemExit(f"{path}:{n}: unknown kind {obj.get('kind')!r}")
            if "generate" in obj:
                obj["question"] = generate(obj["generate"])
            q = obj.get("question")
            if not isinstance(q, str):
                raise SystemExit(f"{path}:{n}: no question")
            if "\n" in q or "\r" in q:
                raise SystemExit(f"{path}:{n}: question contains a line break")
            obj["line"] = n
            items.append(obj)
    return items


def run_tool(cmd: list[str], lines: list[str], timeout: float) -> dict:
    """Run one process, feeding `lines` on stdin; return outputs and timing."""
    data = "".join(line + "\n" for line in lines).encode("utf-8")
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(cmd, input=data, capture_output=True, timeout=timeout)
    except FileNotFoundError as e:
        return {"error": f"cannot start {cmd[0]}: {e}", "seconds": 0.0, "rc": None, "out": [], "stderr": ""}
    except subprocess.TimeoutExpired as e:
        return {
            "error": f"timed out after {timeout:.0f}s",
            "seconds": time.perf_counter() - t0,
            "rc": None,
            "out": (e.stdout or b"").decode("utf-8", "replace").splitlines(),
            "stderr": (e.stderr or b"").decode("utf-8", "replace"),
        }
    secs = time.perf_counter() - t0
    # split on "\n" only: str.splitlines() would also split on \x0b, \x1c, \u2028 ...
    text = proc.stdout.decode("utf-8", "replace")
    out = text.split("\n")
    if out and out[-1] == "":
        out.pop()
    return {
        "error": None,
        "seconds": secs,
        "rc": proc.returncode,
        "out": out,
        "stderr": proc.stderr.decode("utf-8", "replace"),
    }


def parse_lines(raw: list[str]) -> list[tuple[dict | None, str | None]]:
    res = []
    for line in raw:
        try:
            obj = json.loads(line)
            res.append((obj, None) if isinstance(obj, dict) else (None, "not a JSON object"))
        except json.JSONDecodeError as e:
            res.append((None, f"invalid JSON: {e.msg}"))
    return res


def short(s: str | None, n: int = 110) -> str:
    if s is None:
        return "None"
    r = s if s.isprintable() else repr(s)
    return r if len(r) <= n else f"{r[:n]}... ({len(s)} chars)"


def paper_str(p) -> str:
    if not p:
        return "null"
    return f"{p.get('id')} {short(p.get('title') or '', 70)!s}"


def distinct_ids(rows) -> list[str]:
    seen = []
    for r in rows or []:
        pid = r.get("id") if isinstance(r, dict) else None
        if pid and pid not in seen:
            seen.append(pid)
    return seen


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--paperbot",
        default=shutil.which("paperbot") or "paperbot",
        help="paperbot executable (default: `paperbot` on PATH)",
    )
    ap.add_argument("--home", required=True, help="store that already holds the month")
    ap.add_argument("--questions", required=True, type=Path, help="question JSONL file")
    ap.add_argument("--json-out", type=Path, help="write metrics and failures here")
    ap.add_argument("--papers", type=Path, help="papers JSONL, to show expected titles")
    ap.add_argument("--diag-k", type=int, default=0, help="extra search -k N for topic misses, to report their rank")
    ap.add_argument("--timeout", type=float, default=3600.0, help="per process, seconds")
    args = ap.parse_args(argv)

    items = load_questions(args.questions)
    titles = {}
    if args.papers:
        with args.papers.open(encoding="utf-8") as f:
            for line in f:
                p = json.loads(line)
                titles[p["id"]] = p.get("title", "")

    crashed: list[str] = []

    # ---- ask: every question, one process ----
    ask_cmd = [args.paperbot, "ask", "--home", args.home, "--json"]
    ask = run_tool(ask_cmd, [it["question"] for it in items], args.timeout)
    if ask["error"]:
        crashed.append(f"ask: {ask['error']}")
    elif ask["rc"] != 0:
        crashed.append(f"ask: exit status {ask['rc']}")
    if len(ask["out"]) != len(items):
        crashed.append(
            f"ask: {len(ask['out'])} output lines for {len(items)} input lines"
            " (alignment by position is unreliable after the first mismatch)"
        )
    ask_parsed = parse_lines(ask["out"])
    ask_tracebacks = ask["stderr"].count("Traceback (most recent call last)")

    # ---- search: topic questions, one process ----
    topics = [it for it in items if it["kind"] == "topic"]
    search = {"error": None, "seconds": 0.0, "rc": 0, "out": [], "stderr": ""}
    if topics:
        search_cmd = [args.paperbot, "search", "--home", args.home, "--json", "-k", "3"]
        search = run_tool(search_cmd, [it["question"] for it in topics], args.timeout)
        if search["error"]:
            crashed.append(f"search: {search['error']}")
        elif search["rc"] != 0:
            crashed.append(f"search: exit status {search['rc']}")
        if len(search["out"]) != len(topics):
            crashed.append(f"search: {len(search['out'])} output lines for {len(topics)} queries")
    search_parsed = parse_lines(search["out"])
    search_tracebacks = search["stderr"].count("Traceback (most recent call last)")

    # ---- score ----
    counts = {k: {"n": 0} for k in KINDS}
    failures: list[dict] = []
    schema_bad = 0
    topic_rows = []
    for i, it in enumerate(items):
        kind, exp = it["kind"], it.get("paper")
        c = counts[kind]
        c["n"] += 1
        obj, err = ask_parsed[i] if i < len(ask_parsed) else (None, "no output line")
        if obj is not None and not all(k in obj for k in ASK_KEYS):
            schema_bad += 1
        paper = obj.get("paper") if obj else None
        paper = paper if isinstance(paper, dict) else None
        answer = obj.get("answer") if obj else None
        got_id = paper.get("id") if paper else None
        answered = isinstance(answer, str) and answer.strip() != ""
        fail = None
        if kind in ("id", "title"):
            ok = got_id == exp
            c["resolved"] = c.get("resolved", 0) + ok
            if not ok:
                fail = {"got": err or paper_str(paper)}
        elif kind == "unknown":
            ok = obj is not None and obj.get("paper") is None and answered
            c["declined"] = c.get("declined", 0) + ok
            if not ok:
                fail = {"got": err or (paper_str(paper) + ("" if answered else " / empty answer"))}
        elif kind == "hostile":
            ok = not crashed and obj is not None and answered
            c["clean"] = c.get("clean", 0) + ok
            if not ok:
                if obj is None:
                    got = err or "no output"
                elif not answered:
                    got = "empty answer"
                else:
                    got = "answered, but the tool crashed: " + "; ".join(crashed)
                fail = {"got": got}
        else:  # topic
            src = obj.get("sources") if obj else None
            ask_ids = distinct_ids(src)
            raw3 = [r.get("id") for r in (src or [])[:3] if isinstance(r, dict)]
            ask_ok = exp in ask_ids[:3]
            ask_raw_ok = exp in raw3
            ti = len(topic_rows)
            sobj, serr = search_parsed[ti] if ti < len(search_parsed) else (None, "no output line")
            s_ids = distinct_ids(sobj.get("results") if sobj else None)
            s_ok = exp in s_ids[:3]
            c["ask_top3"] = c.get("ask_top3", 0) + ask_ok
            c["ask_top3_raw"] = c.get("ask_top3_raw", 0) + ask_raw_ok
            c["search_top3"] = c.get("search_top3", 0) + s_ok
            c["ask_paper_set"] = c.get("ask_paper_set", 0) + (paper is not None)
            row = {
                "i": i,
                "item": it,
                "ask_ids": ask_ids,
                "search_ids": s_ids,
                "ask_ok": ask_ok,
                "search_ok": s_ok,
                "paper": paper,
                "ask_rank": ask_ids.index(exp) + 1 if exp in ask_ids else None,
                "search_err": serr,
            }
            topic_rows.append(row)
            ok = ask_ok and s_ok
            if not ok:
                ask_got = (
                    str(ask_ids[:3])
                    if ask_ids
                    else err or (f"no sources, facet={obj.get('facet')!r}, answer={short(answer, 60)!r}")
                )
                fail = {
                    "got": (
                        "ask "
                        + ("ok" if ask_ok else ask_got)
                        + " | search "
                        + ("ok" if s_ok else str(s_ids[:3] or serr))
                        + (f" | paper={paper_str(paper)}" if paper else "")
                    ),
                    "ask_ok": ask_ok,
                    "search_ok": s_ok,
                    "row": row,
                }
        if fail is not None:
            fail.update({"kind": kind, "line": it["line"], "question": it["question"], "expected": exp})
            failures.append(fail)

    # ---- optional diagnostics: where did missed topic papers rank? ----
    diag = None
    if args.diag_k > 3:
        missed = [r for r in topic_rows if not r["search_ok"]]
        if missed:
            d = run_tool(
                [args.paperbot, "search", "--home", args.home, "--json", "-k", str(args.diag_k)],
                [r["item"]["question"] for r in missed],
                args.timeout,
            )
            diag = {"k": args.diag_k, "seconds": round(d["seconds"], 2), "ranks": {}}
            for r, (sobj, _) in zip(missed, parse_lines(d["out"]), strict=False):
                ids = distinct_ids(sobj.get("results") if sobj else None)
                rank = ids.index(r["item"]["paper"]) + 1 if r["item"]["paper"] in ids else None
                r["search_rank"] = rank
                diag["ranks"][r["item"]["paper"]] = rank
    for r in topic_rows:
        if r["search_ok"]:
            r["search_rank"] = r["search_ids"].index(r["item"]["paper"]) + 1

    # ---- report ----
    n_all = len(items)
    metrics = {
        "questions": n_all,
        "ask_seconds": round(ask["seconds"], 2),
        "ask_questions_per_s": round(n_all / ask["seconds"], 2) if ask["seconds"] else None,
        "ask_exit_status": ask["rc"],
        "ask_output_lines": len(ask["out"]),
        "ask_invalid_json_lines": sum(1 for o, e in ask_parsed if o is None),
        "ask_schema_violations": schema_bad,
        "ask_stderr_tracebacks": ask_tracebacks,
        "search_queries": len(topics),
        "search_seconds": round(search["seconds"], 2),
        "search_queries_per_s": (round(len(topics) / search["seconds"], 2) if search["seconds"] else None),
        "search_exit_status": search["rc"],
        "search_stderr_tracebacks": search_tracebacks,
        "total_seconds": round(ask["seconds"] + search["seconds"], 2),
        "crashed": crashed,
        "kinds": {},
    }

    def rate(k, num):
        n = counts[k]["n"]
        return {"pass": num, "n": n, "rate": round(num / n, 4) if n else None}

    rows = [
        ("id", "resolved (paper.id == expected)", counts["id"].get("resolved", 0)),
        ("title", "resolved (paper.id == expected)", counts["title"].get("resolved", 0)),
        ("unknown", "declined (paper null, answer)", counts["unknown"].get("declined", 0)),
        ("topic", "ask: expected in first 3 source ids", counts["topic"].get("ask_top3", 0)),
        ("topic", "ask: in first 3 source rows (raw)", counts["topic"].get("ask_top3_raw", 0)),
        ("topic", "search -k 3: expected in results", counts["topic"].get("search_top3", 0)),
        ("hostile", "clean (exit 0, JSON, answer)", counts["hostile"].get("clean", 0)),
    ]
    keys = ["resolved", "resolved", "declined", "ask_top3", "ask_top3_raw", "search_top3", "clean"]
    for (k, _label, num), key in zip(rows, keys, strict=True):
        metrics["kinds"].setdefault(k, {})[key] = rate(k, num)
    metrics["kinds"].setdefault("topic", {})["ask_resolved_a_paper"] = counts["topic"].get("ask_paper_set", 0)
    hist = {"1": 0, "2": 0, "3": 0}
    for r in topic_rows:
        if r["search_ok"]:
            hist[str(r["search_rank"])] += 1
    metrics["kinds"]["topic"]["search_rank_histogram"] = hist
    if diag:
        metrics["topic_miss_search_ranks"] = diag

    print(f"{'kind':8} {'n':>4}  {'metric':38} {'pass':>5} {'rate':>7}")
    print("-" * 68)
    for k, label, num in rows:
        n = counts[k]["n"]
        pct = f"{100 * num / n:6.1f}%" if n else "     -"
        print(f"{k:8} {n:>4}  {label:38} {num:>5} {pct}")
    print("-" * 68)
    print(
        f"ask:    {n_all} questions in {ask['seconds']:.1f}s "
        f"({metrics['ask_questions_per_s']} q/s), exit {ask['rc']}, "
        f"{len(ask['out'])} output lines, {metrics['ask_invalid_json_lines']} invalid JSON, "
        f"{schema_bad} missing keys, {ask_tracebacks} tracebacks on stderr"
    )
    print(
        f"search: {len(topics)} queries in {search['seconds']:.1f}s "
        f"({metrics['search_queries_per_s']} q/s), exit {search['rc']}, "
        f"{search_tracebacks} tracebacks on stderr"
    )
    print(
        f"topic: search rank of the expected paper: 1st {hist['1']}, 2nd {hist['2']}, 3rd {hist['3']}, "
        f"lower {len(topic_rows) - sum(hist.values())}"
    )
    print(
        f"total wall time {metrics['total_seconds']:.1f}s; topic questions where ask "
        f"resolved a subject paper: {counts['topic'].get('ask_paper_set', 0)}"
    )
    if crashed:
        print("TOOL CRASHED: " + "; ".join(crashed))
        for name, res in (("ask", ask), ("search", search)):
            if res["stderr"].strip():
                print(f"--- {name} stderr (tail) ---")
                print("\n".join(res["stderr"].strip().splitlines()[-15:]))

    if failures:
        print(f"\nFailures ({len(failures)}):")
        for f in failures:
            exp = f["expected"]
            exp_s = f"{exp} {short(titles.get(exp, ''), 80)}".strip() if exp else "null"
            print(f"[{f['kind']}] line {f['line']}: {short(f['question'])}")
            print(f"    expected: {exp_s}")
            print(f"    got:      {f['got']}")
            row = f.get("row")
            if row is not None:
                extra = []
                if row.get("ask_rank"):
                    extra.append(f"ask rank {row['ask_rank']} of {len(row['ask_ids'])} source papers")
                if diag is not None and not row["search_ok"]:
                    sr = row.get("search_rank")
                    extra.append(f"search rank {sr}" if sr else f"search: not in top {diag['k']}")
                if titles:
                    top = row["search_ids"][:3] if not row["search_ok"] else row["ask_ids"][:3]
                    if top:
                        extra.append("top: " + " / ".join(short(titles.get(t, t), 50) for t in top))
                if extra:
                    print("    " + "; ".join(extra))

    if args.json_out:
        out = dict(metrics)
        out["failures"] = [
            {k: v for k, v in f.items() if k != "row"}
            | (
                {
                    "ask_rank": f["row"]["ask_rank"],
                    "search_rank": f["row"].get("search_rank"),
                    "ask_ids": f["row"]["ask_ids"][:5],
                    "search_ids": f["row"]["search_ids"],
                }
                if f.get("row")
                else {}
            )
            for f in failures
        ]
        for f in out["failures"]:
            if len(f["question"]) > 2000:
                f["question"] = f["question"][:200] + f"...[{len(f['question'])} chars]"
        args.json_out.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"\nmetrics written to {args.json_out}")
    return 2 if crashed else 0


if __name__ == "__main__":
    sys.exit(main())
