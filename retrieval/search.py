"""Hybrid search: dense MiniLM passage vectors (FAISS) and BM25 (SQLite FTS5), fused by reciprocal rank.

One row per paper: a paper's dense score is its best passage; the fused score is
sum(1 / (RRF_K + rank)) over the two rankings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from retrieval.embed import Vectors
from retrieval.store import Store

RRF_K = 60
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
    fused: dict[str, float] = {}
    for rank, (paper_id, _, _) in enumerate(dense):
        fused[paper_id] = fused.get(paper_id, 0.0) + 1.0 / (RRF_K + rank + 1)
    for rank, (paper_id, _) in enumerate(sparse):
        fused[paper_id] = fused.get(paper_id, 0.0) + 1.0 / (RRF_K + rank + 1)
    best_passage = {paper_id: pid for paper_id, _, pid in dense}
    texts = store.passages_by_id(list(best_passage.values()))
    ranked = sorted(fused.items(), key=lambda item: -item[1])[:k]
    return [
        Hit(paper_id, score, texts[best_passage[paper_id]].text if paper_id in best_passage else "")
        for paper_id, score in ranked
    ]


def similar_papers(store: Store, paper_id: str, k: int = 5) -> list[Hit]:
    """The papers nearest to `paper_id` by embedding (mean of its passages), itself excluded."""
    vector = store.paper_vector(paper_id)
    if vector is None:
        return []
    ranked = [hit for hit in dense_ranking(store, vector) if hit[0] != paper_id][:k]
    texts = store.passages_by_id([pid for _, _, pid in ranked])
    return [Hit(pid_paper, score, texts[pid].text) for pid_paper, score, pid in ranked]
