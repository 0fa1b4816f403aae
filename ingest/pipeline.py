"""`paperbot ingest`: sources -> Paper records -> passages -> vectors, written to the store.

Runs as its own command (or before the bot starts, from scripts/run). Idempotent: a paper already
stored with the same text is left alone, a newer version replaces the old text, and vectors are
reconciled with SQLite at the end, so re-running after a crash finishes the job instead of redoing it.
"""

from __future__ import annotations

import logging
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import TextIO

from tqdm import tqdm

from ingest.arxiv import ArxivClient
from ingest.formats import read_source
from retrieval.embed import Vectors
from retrieval.errors import SourceError
from retrieval.paper import Paper
from retrieval.passages import make_passages
from retrieval.resolve import is_name, paper_aliases
from retrieval.settings import Settings
from retrieval.spelling import is_english
from retrieval.store import Store
from retrieval.terms import document_frequencies

log = logging.getLogger(__name__)
COMMIT_EVERY = 500
MAX_ALIAS_PAPERS = 3  # a name used by more papers than this is a field's term
ALIAS_RULES = "18"  # bumped when paper_aliases changes, so the next ingest rebuilds the names
_WORDS = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-]*[A-Za-z0-9]")


@dataclass(frozen=True)
class IngestReport:
    counts: dict[str, int]
    embedded: int
    papers: int
    passages: int
    store_bytes: int
    seconds: float

    def summary(self) -> str:
        c = self.counts
        return (
            f"read {c['read']} papers: {c['added']} added, {c['updated']} updated, {c['unchanged']} unchanged, "
            f"{c['skipped']} skipped; {self.embedded} passages embedded in {self.seconds:.1f}s; "
            f"store: {self.papers} papers, {self.passages} passages, {self.store_bytes / 1e6:.1f} MB"
        )


def merge_paper(old: Paper | None, new: Paper) -> Paper:
    """The record to store: `new`, with fields it leaves empty (summaries, dates, ...) kept from `old`."""
    if old is None:
        return new
    kept = {f.name: getattr(old, f.name) for f in fields(Paper) if not getattr(new, f.name)}
    return replace(new, **kept)


def read_papers(source: str, settings: Settings, on_skip: Callable[[str], None]) -> Iterator[Paper]:
    """Papers from one source: a file path, or a live arXiv query (`arxiv:id:ID`, `arxiv:cat:CAT`)."""
    if source.startswith("arxiv:"):
        with ArxivClient(settings.arxiv_api_url, min_interval=settings.arxiv_min_interval) as client:
            yield from client.fetch_query(source)
        return
    path = Path(source).expanduser()
    if not path.exists():
        raise SourceError(f"{source}: no such file", user_message=f"{source}: no such file")
    yield from read_source(path, on_skip=on_skip)


def store_papers(store: Store, papers: Iterable[Paper], counts: Counter[str]) -> None:
    for paper in papers:
        counts["read"] += 1
        merged = merge_paper(store.get_paper(paper.id), paper)
        counts[store.upsert(merged, make_passages(merged))] += 1
        if counts["read"] % COMMIT_EVERY == 0:
            store.commit()
    store.commit()


def ingest(
    store: Store,
    sources: Iterable[str],
    settings: Settings,
    encode: Callable[[list[str]], Vectors],
    stderr: TextIO | None = None,
) -> IngestReport:
    """Ingest every source into `store`, then embed what lacks a vector. Bad records are skipped, not fatal."""
    started = time.monotonic()
    counts: Counter[str] = Counter({"read": 0, "added": 0, "updated": 0, "unchanged": 0, "skipped": 0})

    def on_skip(reason: str) -> None:
        counts["skipped"] += 1
        log.warning("skipped %s", reason)

    quiet = stderr is None
    for source in sources:
        with tqdm(desc=f"reading {source}", unit=" papers", file=stderr, disable=quiet) as bar:
            store_papers(store, _counted(read_papers(source, settings, on_skip), bar), counts)
    if counts["added"] or counts["updated"] or store.meta("aliases") != ALIAS_RULES:
        store.write_term_df(*document_frequencies(store.all_papers()))
        store.write_aliases(alias_rows(store), ALIAS_RULES)
    with tqdm(desc="embedding passages", unit=" passages", file=stderr, disable=quiet) as bar:

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.update(done)

        embedded = store.sync_vectors(encode, progress=progress)
    size = sum(p.stat().st_size for p in store.home.iterdir() if p.is_file())
    return IngestReport(
        dict(counts), embedded, store.count_papers(), store.count_passages(), size, time.monotonic() - started
    )


def _counted(papers: Iterable[Paper], bar: tqdm) -> Iterator[Paper]:
    for paper in papers:
        bar.update(1)
        yield paper


def alias_rows(store: Store) -> Iterator[tuple[str, str, str]]:
    """(name, paper id, kind) for the names only a few papers use. A styled one-word name (SHIFT, CoGS, DnA)
    counts only where it is written so, though "shift", "cogs" and "dna" are common words; a title's own name
    ("WISE: ...", "Neural Procedural Memory: ...") counts only in titles, as others may mention it in passing."""
    styled_titles: Counter[str] = Counter()
    styled_texts: Counter[str] = Counter()
    for paper in store.all_papers():
        styled_titles.update(set(_styled(paper.title)))
        styled_texts.update(set(_styled(f"{paper.title} {paper.abstract}")))
    for paper in store.all_papers():
        for alias, kind in paper_aliases(paper):
            if kind.startswith("defined:"):  # "Rational Polynomial Camera (RPC)": the field's if others use it
                if store.phrase_count(kind.removeprefix("defined:"), 2) > 1:
                    continue
                styled = _styled(alias) == [alias]  # counted as written: RISC-V is not RISC
                if (styled_texts[alias] if styled else store.phrase_count(alias, 2)) > 1:  # RF: radio frequency
                    continue
                kind = "abstract"
            elif kind == "spelled":  # "Representation Forcing (RF)": a name in any case if no other paper says it
                if store.phrase_count(alias, 2) == 1:
                    yield alias, paper.id, "defined-any"
                continue
            in_titles = kind == "title"
            if " " not in alias and _styled(alias) == [alias]:
                used = (styled_titles if in_titles else styled_texts)[alias]
                if is_english(alias.lower()) or store.phrase_count(alias, MAX_ALIAS_PAPERS + 1) > MAX_ALIAS_PAPERS:
                    kind += "-exact"  # CREDiT, ROManian: also a word, so named only when written this way
            else:
                used = store.phrase_count(alias, MAX_ALIAS_PAPERS + 1, "title" if in_titles else None)
                if in_titles and " " in alias and not is_name(alias) and store.phrase_count(alias, 2) == 1:
                    kind = "title-any"  # "The Arbiter Agent", said by no other paper: a name written with any capital
            if used <= MAX_ALIAS_PAPERS:  # RL, LoRA, "Less is More": terms, not names
                yield alias, paper.id, kind


def _styled(text: str) -> list[str]:
    """Words written with a capital after their first letter: SHIFT, CoGS, NeuMesh."""
    return [word for word in _WORDS.findall(text) if any(c.isupper() for c in word[1:])]
