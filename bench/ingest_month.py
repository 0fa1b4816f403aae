"""Ingest throughput and store size: `paperbot ingest` of a whole month into a fresh home, then again.

    python bench/ingest_month.py [--paperbot PATH] [SOURCE]   (default SOURCE: the shared 2026-06 month)

Prints papers/s and passages/s of the first run (reading + embedding), the store's size on disk, and
the time of the second run, which must add nothing. Uses only the standard library and the installed CLI.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MONTH = ROOT.parent / "shared" / "data" / "arxiv" / "daily_cs_2026-06.jsonl"


def timed(cmd: list[str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return time.perf_counter() - started, done.stdout.strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", default=str(MONTH))
    parser.add_argument("--paperbot", default=str(Path(sys.executable).with_name("paperbot")))
    args = parser.parse_args()
    with open(args.source, encoding="utf-8") as lines:
        papers = sum(1 for line in lines if line.strip())
    home = Path(tempfile.mkdtemp(prefix="paperbot-bench-"))
    try:
        first, summary = timed([args.paperbot, "ingest", "--home", str(home), args.source])
        second, again = timed([args.paperbot, "ingest", "--home", str(home), args.source])
        size = sum(p.stat().st_size for p in home.iterdir() if p.is_file())
        passages = int(summary.split(" passages embedded")[0].rsplit(" ", 1)[-1])
        print(f"source: {args.source} ({papers} papers)")
        print(f"first run:  {first:.1f} s wall, {papers / first:.1f} papers/s, {passages / first:.1f} passages/s")
        print(f"            {summary}")
        print(f"second run: {second:.1f} s wall; {again}")
        print(f"store size: {size / 1e6:.1f} MB ({', '.join(sorted(p.name for p in home.iterdir()))})")
    finally:
        shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
