"""Hybrid search: dense MiniLM passage vectors (FAISS) and BM25 (SQLite FTS5), fused by a convex combination.

One row per paper: a paper's dense score is its best passage. Each ranking's top POOL scores are turned into
z-scores (so cosine similarities and BM25 scores become comparable), a paper missing from one ranking gets
that ranking's lowest z-score, and the fused score is DENSE_WEIGHT * dense + (1 - DENSE_WEIGHT) * BM25.
Chosen on SciFact train claims with bench/scifact_tune.py over reciprocal-rank fusion (k=60), which it beat
there by 0.026 nDCG@10 (docs/quality.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from retrieval.embed import Vectors
from retrieval.store import Store

DENSE_WEIGHT = 0.4
DENSE_PASSAGES = 400  # passages fetched from FAISS before grouping by paper
POOL = 100  # papers taken from each ranking before fusion

STOPWORDS = frozenset(
    """a about above after again all also am an and any are as at be been being below between both but by
    can could did do does doing done during each few find for from further get give had has have having
    he her here hers him his how i if in into is it its itself just me more most my no nor not now of off
    on once only or other our ours out over own paper papers please recent research same she should show
    so some such than that the their theirs them then there these they this those through to too under
    until up very was we were what when where which while who whom why will with work works would you
    your yours anything something someone study studies article articles publication publications""".split()
)
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-]*")


@dataclass(frozen=True)
class Hit:
    paper_id: str
    score: float
    passage: str  # the paper's best-matching passage (dense), or "" when only BM25 found it


def fts_words(text: str) -> list[str]:
    """The content words of `text`, lower-cased, hyphenated words split, in order, without duplicates."""
    words: list[str] = []
    for word in _WORD.findall(text.lower()):
        for part in word.split("-"):
            if len(part) > 1 and part not in STOPWORDS and part not in words:
                words.append(part)
    return words


def fts_query(text: str) -> str:
    """An FTS5 query matching any content word of `text` (OR), each quoted so FTS5 syntax cannot leak in."""
    return " OR ".join(f'"{w}"' for w in fts_words(text)[:64])


def dense_ranking(store: Store, query: Vectors) -> list[tuple[str, float, int]]:
    """(paper id, best passage score, best passage id), best first."""
    best: dict[str, tuple[float, int]] = {}
    hits = store.search_vectors(query, DENSE_PASSAGES)
    passages = store.passages_by_id([pid for pid, _ in hits])
    for pid, score in hits:
        passage = passages.get(pid)
        if passage is not None and passage.paper_id not in best:
            best[passage.paper_id] = (score, pid)
    return [(paper_id, s, pid) for paper_id, (s, pid) in best.items()][:POOL]


def search(store: Store, query: str, vector: Vectors, k: int = 10) -> list[Hit]:
    """The `k` best papers for a free-text query and its embedding."""
    query = " ".join(query.split())[:2000]
    if not query:
        return []
    dense = dense_ranking(store, vector)
    sparse = store.match_bm25(fts_query(query), POOL)
    fused = fuse({paper_id: score for paper_id, score, _ in dense}, dict(sparse))
    best_passage = {paper_id: pid for paper_id, _, pid in dense}
    texts = store.passages_by_id(list(best_passage.values()))
    ranked = sorted(fused.items(), key=lambda item: -item[1])[:k]
    return [
        Hit(paper_id, score, texts[best_passage[paper_id]].text if paper_id in best_passage else "")
        for paper_id, score in ranked
    ]


def fuse(dense: dict[str, float], sparse: dict[str, float]) -> dict[str, float]:
    """Convex combination of the two rankings' z-scores; a paper one ranking lacks gets its lowest z-score."""
    dz, sz = zscores(dense), zscores(sparse)
    d_floor, s_floor = min(dz.values(), default=0.0), min(sz.values(), default=0.0)
    return {
        paper_id: DENSE_WEIGHT * dz.get(paper_id, d_floor) + (1 - DENSE_WEIGHT) * sz.get(paper_id, s_floor)
        for paper_id in dz.keys() | sz.keys()
    }


def zscores(scores: dict[str, float]) -> dict[str, float]:
    if not scores:
        return {}
    values = np.fromiter(scores.values(), dtype=np.float64, count=len(scores))
    spread = float(values.std())
    normalised = (values - values.mean()) / spread if spread > 0 else np.zeros_like(values)
    return dict(zip(scores, normalised.tolist(), strict=True))


def similar_papers(store: Store, paper_id: str, k: int = 5) -> list[Hit]:
    """The papers nearest to `paper_id` by embedding (mean of its passages), itself excluded."""
    vector = store.paper_vector(paper_id)
    if vector is None:
        return []
    ranked = [hit for hit in dense_ranking(store, vector) if hit[0] != paper_id][:k]
    texts = store.passages_by_id([pid for _, _, pid in ranked])
    return [Hit(pid_paper, score, texts[pid].text) for pid_paper, score, pid in ranked]
