#!/usr/bin/env python3
"""Tuning study for paperbot's hybrid search on SciFact TRAIN (claims_train.jsonl): passage granularity, fusion,
BM25 column weights and query form, candidate depth. Imports the package instead of going through the CLI, so
many variants are scored in seconds from cached embeddings.

What is reused from paperbot itself, so the emulation matches `paperbot search`: the SciFact record reader
(`ingest.records.paper_from_record`), `retrieval.passages.split_sentences` / `make_passages`, the text that is
embedded per passage (`"{title}. {passage}"`, as `Store.embed_texts`), the MiniLM `Embedder`, the FTS5 schema
and tokenizer, `retrieval.store.fts_body` and `retrieval.search.fts_query`. The `current` variant is the
issue-2 search this study started from (DENSE_PASSAGES=400, POOL=100, reciprocal-rank fusion k=60, bm25 weights
title 2 / body 1). `retrieval.search.search` now uses the variant this study chose, `fuse=convex alpha=0.4
norm=zscore` (same passages, pools and weights); both reproduce `bench/scifact.py`'s CLI numbers exactly
(dev nDCG@10 0.7260 and 0.7373).

Granularities (each embedded once and cached as .npy under --cache, default /tmp/scifact_tune):
  doc    "{title}. {abstract}" (one vector per paper; MiniLM truncates at 256 word pieces)
  title  the title alone
  w1..w4 "{title}. {window}" for windows of 1 (sentence level), 2, 3 (= current passages), 4 sentences
Embedding cost on 2 shared cores (~15 passages/s for w3): w3 (16.6k passages) ~18 min, w1 ~35 min, doc ~6 min.
`--reuse-home DIR` takes the w3 vectors from an existing store built by `paperbot ingest` instead.

Run (from the project root):

    .venv/bin/python bench/scifact_tune.py [--reuse-home /tmp/scifact_home] [--json-out /tmp/tune.json]
    .venv/bin/python bench/scifact_tune.py --dev "current" "dense=doc+w3 k=30" ...   # best few, ONCE

Without --dev only train claims are scored (nDCG@10 with qrels_train.tsv, nDCG@10 and Recall@100 with
cited_doc_ids = BEIR's train qrels). `--dev SPEC...` scores the given variants on claims_dev.jsonl (BEIR
protocol, relevance = cited_doc_ids): our test split, for confirming the chosen variants only.
A SPEC is `current` or space-separated key=value overrides of the current configuration, e.g.
`dense=max:doc+w3 depth=0 fuse=convex alpha=0.4 norm=minmax wt=1 wb=1 query=or pool_d=100 pool_s=100`.
Once embeddings are cached the whole train study takes ~2 min.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import time
from dataclasses import dataclass, fields, replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scifact import load_claims, load_qrels, ndcg_at, recall_at

from ingest.records import paper_from_record
from retrieval.passages import WINDOW, make_passages, split_sentences
from retrieval.search import fts_query, fts_words
from retrieval.store import fts_body

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "scifact"
GRANULARITIES = ("doc", "title", "w1", "w2", "w3", "w4")
TOP = 100  # results per query, as `paperbot search -k 100`


# -- corpus and units -----------------------------------------------------------------------------------------


def load_corpus(data: Path) -> list:
    papers = []
    with (data / "corpus.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            papers.append(paper_from_record(json.loads(line), "scifact"))
    return papers


def units(papers: list, granularity: str) -> tuple[list[str], np.ndarray]:
    """The texts embedded for one granularity and, for each, the index of its paper (grouped by paper)."""
    texts: list[str] = []
    owner: list[int] = []
    for i, paper in enumerate(papers):
        if granularity == "doc":
            parts = [f"{paper.title}. {paper.abstract}"]
        elif granularity == "title":
            parts = [paper.title]
        else:
            size = int(granularity[1:])
            sentences = split_sentences(paper.abstract)
            windows = [" ".join(sentences[s : s + size]) for s in range(0, len(sentences), size)] or [paper.title]
            parts = [f"{paper.title}. {w}" for w in windows]
        texts.extend(parts)
        owner.extend([i] * len(parts))
    return texts, np.array(owner, dtype=np.int64)


def check_w3_matches_make_passages(papers: list) -> None:
    assert WINDOW == 3, "retrieval.passages.WINDOW changed; w3 no longer equals the current passages"
    texts, _ = units(papers[:200], "w3")
    current = [f"{p.title}. {q.text}" for p in papers[:200] for q in make_passages(p)]
    assert texts == current, "w3 units differ from make_passages()"


def embed(texts: list[str], label: str) -> np.ndarray:
    from retrieval.embed import Embedder

    embedder = Embedder()
    out = []
    started = time.monotonic()
    for start in range(0, len(texts), 1024):
        out.append(embedder.encode(texts[start : start + 1024]))
        done = min(start + 1024, len(texts))
        rate = done / (time.monotonic() - started)
        print(f"  {label}: {done}/{len(texts)} ({rate:.1f}/s)", file=sys.stderr, flush=True)
    return np.concatenate(out)


def vectors_from_store(home: Path, papers: list) -> np.ndarray | None:
    """The w3 passage vectors of a store built by `paperbot ingest` from the same corpus, in units() order."""
    import faiss

    db = sqlite3.connect(f"file:{home / 'papers.sqlite3'}?mode=ro", uri=True)
    rows = db.execute("SELECT id, paper_id FROM passages ORDER BY paper_id, position, id").fetchall()
    db.close()
    by_paper: dict[str, list[int]] = {}
    for pid, paper_id in rows:
        by_paper.setdefault(paper_id, []).append(pid)
    ids = [pid for p in papers for pid in by_paper.get(p.id, [])]
    index = faiss.read_index(str(home / "passages.faiss"))
    if len(ids) != index.ntotal:
        return None
    return np.stack([index.reconstruct(int(i)) for i in ids]).astype(np.float32)


def load_embeddings(papers: list, cache: Path, reuse_home: Path | None) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    cache.mkdir(parents=True, exist_ok=True)
    out = {}
    for g in GRANULARITIES:
        texts, owner = units(papers, g)
        path = cache / f"emb_{g}.npy"
        if path.exists():
            vectors = np.load(path)
        else:
            vectors = vectors_from_store(reuse_home, papers) if (g == "w3" and reuse_home) else None
            if vectors is None or len(vectors) != len(texts):
                started = time.monotonic()
                vectors = embed(texts, g)
                print(f"  {g}: {len(texts)} units embedded in {time.monotonic() - started:.0f}s", file=sys.stderr)
            np.save(path, vectors)
        assert len(vectors) == len(texts), f"{path} is stale: delete it"
        out[g] = (vectors, owner)
    return out


def query_vectors(claims: list[dict], cache: Path, split: str) -> np.ndarray:
    path = cache / f"queries_{split}.npy"
    if path.exists():
        return np.load(path)
    from retrieval.embed import Embedder

    embedder = Embedder()
    vectors = np.stack([embedder.encode_one(" ".join(c["claim"].split())) for c in claims])
    np.save(path, vectors)
    return vectors


# -- dense ------------------------------------------------------------------------------------------------------


class Dense:
    """Paper-level dense scores for one split's queries (n_queries x n_papers), for named pooling specs."""

    def __init__(self, q: np.ndarray, emb: dict[str, tuple[np.ndarray, np.ndarray]], n_papers: int) -> None:
        self.q = q
        self.emb = emb
        self.n = n_papers
        self._unit: dict[str, np.ndarray] = {}
        self._cache: dict[tuple[str, int], np.ndarray] = {}

    def unit_scores(self, g: str) -> np.ndarray:
        if g not in self._unit:
            self._unit[g] = self.q @ self.paper_vectors(g[4:]).T if g.startswith("avg:") else self.q @ self.emb[g][0].T
        return self._unit[g]

    def paper_vectors(self, g: str) -> np.ndarray:
        """One vector per paper: the normalised mean of its `g` unit vectors (what Store.paper_vector does)."""
        vectors, owner = self.emb[g]
        sums = np.zeros((self.n, vectors.shape[1]), dtype=np.float64)
        np.add.at(sums, owner, vectors)
        sums /= np.linalg.norm(sums, axis=1, keepdims=True)
        return sums.astype(np.float32)

    def max_pool(self, g: str) -> np.ndarray:
        if g.startswith("avg:"):
            return self.unit_scores(g)
        owner = self.emb[g][1]
        starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
        return np.maximum.reduceat(self.unit_scores(g), starts, axis=1)

    def paper_scores(self, spec: str, depth: int) -> np.ndarray:
        """spec: `g` (max over its units), `g1+g2` (one index holding both: max), `mean:g1+g2`,
        `wavg:a:g1+g2` (a * g1 + (1 - a) * g2). depth > 0 keeps only papers whose best unit is among the
        `depth` best units of the index (what FAISS search + grouping does)."""
        key = (spec, depth)
        if key in self._cache:
            return self._cache[key]
        if spec.startswith("mean:"):
            a, b = spec[5:].split("+")
            scores = (self.paper_scores(a, 0) + self.paper_scores(b, 0)) / 2
        elif spec.startswith("wavg:"):
            _, weight, pair = spec.split(":")
            a, b = pair.split("+")
            w = float(weight)
            scores = w * self.paper_scores(a, 0) + (1 - w) * self.paper_scores(b, 0)
        else:
            parts = spec.split("+")
            scores = np.max(np.stack([self.max_pool(g) for g in parts]), axis=0)
            if depth:
                all_units = np.hstack([self.unit_scores(g) for g in parts])
                if depth < all_units.shape[1]:
                    threshold = -np.partition(-all_units, depth - 1, axis=1)[:, depth - 1]
                    scores = np.where(scores >= threshold[:, None], scores, -np.inf)
        self._cache[key] = scores
        return scores


def top_of(scores: np.ndarray, n: int) -> list[tuple[int, float]]:
    n = min(n, int(np.isfinite(scores).sum()))
    if n <= 0:
        return []
    idx = np.argpartition(-scores, n - 1)[:n]
    idx = idx[np.argsort(-scores[idx], kind="stable")]
    return [(int(i), float(scores[i])) for i in idx]


# -- BM25 (SQLite FTS5, as the store) ---------------------------------------------------------------------------


class Sparse:
    def __init__(self, papers: list) -> None:
        self.db = sqlite3.connect(":memory:")
        self.db.execute(
            "CREATE VIRTUAL TABLE papers_fts USING fts5(paper_id UNINDEXED, title, body, tokenize = 'porter unicode61')"
        )
        self.db.executemany(
            "INSERT INTO papers_fts (paper_id, title, body) VALUES (?, ?, ?)",
            [(i, p.title, fts_body(p)) for i, p in enumerate(papers)],
        )
        self._cache: dict[tuple, list[list[tuple[int, float]]]] = {}

    def match(self, query: str, wt: float, wb: float, limit: int) -> list[tuple[int, float]]:
        if not query:
            return []
        sql = (
            f"SELECT paper_id, bm25(papers_fts, 0.0, {wt}, {wb}) AS r FROM papers_fts "
            "WHERE papers_fts MATCH ? ORDER BY r LIMIT ?"
        )
        try:
            return [(int(i), -float(r)) for i, r in self.db.execute(sql, (query, limit))]
        except sqlite3.OperationalError:
            return []

    def rankings(self, claims: list[str], wt: float, wb: float, mode: str, limit: int = 1000) -> list:
        key = (tuple(claims[:3]), len(claims), wt, wb, mode, limit)
        if key not in self._cache:
            self._cache[key] = [self.ranking(c, wt, wb, mode, limit) for c in claims]
        return self._cache[key]

    def ranking(self, claim: str, wt: float, wb: float, mode: str, limit: int) -> list[tuple[int, float]]:
        claim = " ".join(claim.split())[:2000]
        if mode == "or":  # current: content words (stopwords dropped), any of them
            return self.match(fts_query(claim), wt, wb, limit)
        if mode == "or_all":  # every word, stopwords kept, any of them
            words = []
            for w in claim.lower().replace("-", " ").split():
                w = "".join(ch for ch in w if ch.isalnum())
                if w and w not in words:
                    words.append(w)
            return self.match(" OR ".join(f'"{w}"' for w in words[:64]), wt, wb, limit)
        if mode == "and_or":  # papers with all content words first, then the OR ranking
            words = fts_words(claim)[:64]
            first = self.match(" AND ".join(f'"{w}"' for w in words), wt, wb, limit)
            seen = {i for i, _ in first}
            top = max((s for _, s in first), default=0.0)
            rest = [(i, s - top - 1e6) for i, s in self.match(fts_query(claim), wt, wb, limit) if i not in seen]
            return (first + rest)[:limit]
        raise ValueError(mode)


# -- fusion -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cfg:
    dense: str = "w3"  # pooling spec (Dense.paper_scores) or `sep:g1,g2` (each its own ranking in RRF)
    depth: int = 400  # passages fetched from FAISS before grouping (0 = all)
    pool_d: int = 100  # papers taken from the dense ranking
    pool_s: int = 100  # papers taken from the BM25 ranking
    wt: float = 2.0  # bm25 title column weight
    wb: float = 1.0  # bm25 body column weight
    query: str = "or"  # or | or_all | and_or
    fuse: str = "rrf"  # rrf | convex | dense | bm25
    k: float = 60.0  # RRF constant
    wd: float = 1.0  # RRF weight of the dense ranking(s)
    ws: float = 1.0  # RRF weight of the BM25 ranking
    alpha: float = 0.5  # convex: weight of the dense score
    norm: str = "minmax"  # convex: minmax | zscore | raw (dense cosine as is, bm25 / its max)
    prf_m: int = 0  # dense pseudo-relevance feedback: papers of the first fused ranking averaged (0 = off)
    prf_beta: float = 0.5  # weight of their mean vector added to the query vector
    prf_vec: str = "w3"  # paper vectors used: `doc`, or the mean of a granularity's unit vectors (`w3`, ...)


def parse_spec(spec: str) -> Cfg:
    cfg = Cfg()
    if spec.strip() == "current":
        return cfg
    types = {f.name: type(getattr(cfg, f.name)) for f in fields(Cfg)}
    changes = {}
    for item in spec.split():
        key, value = item.split("=", 1)
        changes[key] = types[key](value)
    return replace(cfg, **changes)


def describe(cfg: Cfg) -> str:
    base = Cfg()
    diff = [f"{f.name}={getattr(cfg, f.name)}" for f in fields(Cfg) if getattr(cfg, f.name) != getattr(base, f.name)]
    return " ".join(diff) or "current"


def normalise(pairs: list[tuple[int, float]], how: str, kind: str) -> dict[int, float]:
    if not pairs:
        return {}
    s = np.array([v for _, v in pairs], dtype=np.float64)
    if how == "minmax":
        lo, hi = s.min(), s.max()
        s = (s - lo) / (hi - lo) if hi > lo else np.ones_like(s)
    elif how == "zscore":
        sd = s.std()
        s = (s - s.mean()) / sd if sd > 0 else np.zeros_like(s)
    elif how == "raw":
        s = s if kind == "dense" else s / s.max() if s.max() > 0 else s
    return {i: float(v) for (i, _), v in zip(pairs, s, strict=True)}


def fuse(cfg: Cfg, dense_lists: list[list[tuple[int, float]]], sparse: list[tuple[int, float]]) -> list[int]:
    dense_lists = [d[: cfg.pool_d] for d in dense_lists]
    sparse = sparse[: cfg.pool_s]
    if cfg.fuse == "dense":
        return [i for i, _ in dense_lists[0][:TOP]]
    if cfg.fuse == "bm25":
        return [i for i, _ in sparse[:TOP]]
    fused: dict[int, float] = {}
    if cfg.fuse == "rrf":
        for ranking in dense_lists:
            for rank, (i, _) in enumerate(ranking):
                fused[i] = fused.get(i, 0.0) + cfg.wd / (cfg.k + rank + 1)
        for rank, (i, _) in enumerate(sparse):
            fused[i] = fused.get(i, 0.0) + cfg.ws / (cfg.k + rank + 1)
    elif cfg.fuse == "convex":
        d = normalise(dense_lists[0], cfg.norm, "dense")
        s = normalise(sparse, cfg.norm, "bm25")
        d_floor = min(d.values(), default=0.0) if cfg.norm == "zscore" else 0.0
        s_floor = min(s.values(), default=0.0) if cfg.norm == "zscore" else 0.0
        for i in set(d) | set(s):
            fused[i] = cfg.alpha * d.get(i, d_floor) + (1 - cfg.alpha) * s.get(i, s_floor)
    else:
        raise ValueError(cfg.fuse)
    return [i for i, _ in sorted(fused.items(), key=lambda item: -item[1])[:TOP]]


class Evaluator:
    def __init__(self, split: str, claims: list[dict], dense: Dense, sparse: Sparse, doc_ids: list[str]) -> None:
        self.split = split
        self.claims = claims
        self.texts = [c["claim"] for c in claims]
        self.dense = dense
        self.sparse = sparse
        self.doc_ids = doc_ids
        self.rel_cited = {str(c["id"]): {str(d) for d in c["cited_doc_ids"]} for c in claims}
        self.rel_qrels = load_qrels(DATA / f"qrels_{split}.tsv") if split == "train" else {}
        self._prf: dict[tuple, Dense] = {}

    def dense_lists(self, cfg: Cfg, dense: Dense) -> list[list[list[tuple[int, float]]]]:
        """Per dense ranking, per query: (paper index, score), best first."""
        specs = cfg.dense[4:].split(",") if cfg.dense.startswith("sep:") else [cfg.dense]
        out = []
        for spec in specs:
            matrix = dense.paper_scores(spec, cfg.depth)
            out.append([top_of(row, max(cfg.pool_d, TOP)) for row in matrix])
        return out

    def ranked(self, cfg: Cfg, dense_model: Dense) -> list[list[int]]:
        dense = self.dense_lists(cfg, dense_model)
        sparse = self.sparse.rankings(self.texts, cfg.wt, cfg.wb, cfg.query)
        return [fuse(cfg, [d[qi] for d in dense], sparse[qi]) for qi in range(len(self.claims))]

    def run(self, cfg: Cfg) -> dict[str, list[str]]:
        ranked = self.ranked(cfg, self.dense)
        if cfg.prf_m:  # dense pseudo-relevance feedback (Rocchio): q' = q + beta * mean(top m fused papers)
            paper_vecs = self.dense.paper_vectors(cfg.prf_vec) if cfg.prf_vec != "doc" else self.dense.emb["doc"][0]
            q = self.dense.q.copy()
            for qi, top in enumerate(ranked):
                q[qi] += cfg.prf_beta * paper_vecs[top[: cfg.prf_m]].mean(axis=0)
            q /= np.linalg.norm(q, axis=1, keepdims=True)
            key = (cfg.prf_m, cfg.prf_beta, cfg.prf_vec, describe(replace(cfg, prf_m=0)))
            if key not in self._prf:
                self._prf = {key: Dense(q, self.dense.emb, self.dense.n)}
            ranked = self.ranked(cfg, self._prf[key])
        return {str(c["id"]): [self.doc_ids[i] for i in r] for c, r in zip(self.claims, ranked, strict=True)}

    def score(self, cfg: Cfg) -> dict[str, float]:
        run = self.run(cfg)
        out = {}
        cited = [q for q in run if self.rel_cited.get(q)]
        out["ndcg_cited"] = float(np.mean([ndcg_at(run[q], self.rel_cited[q], 10) for q in cited]))
        out["r100_cited"] = float(np.mean([recall_at(run[q], self.rel_cited[q], 100) for q in cited]))
        if self.rel_qrels:
            qs = [q for q in run if self.rel_qrels.get(q)]
            out["ndcg_qrels"] = float(np.mean([ndcg_at(run[q], self.rel_qrels[q], 10) for q in qs]))
        return out


# -- the study --------------------------------------------------------------------------------------------------


def study() -> list[tuple[str, Cfg]]:
    """(section, variant) pairs scored on train, one factor at a time from the current configuration."""
    cur = Cfg()
    full = replace(cur, depth=0)
    out: list[tuple[str, Cfg]] = [("baseline", cur)]
    # (a) granularity: dense alone, then each fused with BM25 as today (RRF 60)
    grans = ["w3", "doc", "title", "w1", "w2", "w4", "doc+w3", "doc+w2", "doc+w1", "doc+w4", "doc+title"]
    grans += ["title+w3", "mean:doc+w3", "mean:doc+w2", "wavg:0.7:doc+w3", "wavg:0.3:doc+w3", "wavg:0.5:doc+w1"]
    out += [("a dense only", replace(full, dense=g, fuse="dense")) for g in grans]
    out.append(("a dense only", replace(cur, fuse="dense")))  # depth 400 as today
    out += [("a gran + RRF60", replace(cur, dense=g)) for g in grans if not g.startswith(("mean", "wavg"))]
    out += [("a gran + RRF60", replace(full, dense=g)) for g in grans if g.startswith(("mean", "wavg"))]
    out += [("a gran + RRF60", replace(full, dense=s)) for s in ("sep:doc,w3", "sep:doc,w2", "sep:doc,w1")]
    # (b) fusion
    out += [("b RRF k", replace(cur, k=k)) for k in (10, 30, 60, 100)]
    out += [("b RRF weights", replace(cur, wd=wd, ws=1.0)) for wd in (0.5, 0.7, 1.5, 2.0)]
    for norm in ("minmax", "zscore", "raw"):
        out += [
            ("b convex " + norm, replace(cur, fuse="convex", norm=norm, alpha=a)) for a in (0.3, 0.4, 0.5, 0.6, 0.7)
        ]
    # (c) BM25 columns and query form
    bm = replace(cur, fuse="bm25")
    out += [("c BM25 only", replace(bm, wt=wt, wb=wb)) for wt, wb in ((2, 1), (1, 1), (0, 1), (3, 1), (5, 1), (1, 0))]
    out += [("c BM25 only", replace(bm, query=q)) for q in ("or_all", "and_or")]
    out += [("c BM25 cols + RRF60", replace(cur, wt=wt)) for wt in (0.0, 1.0, 3.0, 5.0)]
    out += [("c BM25 query + RRF60", replace(cur, query=q)) for q in ("or_all", "and_or")]
    # (d) candidates from each ranking
    out += [("d pools", replace(cur, pool_d=p, pool_s=p)) for p in (10, 20, 30, 50, 200, 1000)]
    out += [("d dense depth", replace(cur, depth=d)) for d in (100, 200, 1000, 0)]
    return out


COMBO_GRANS = ("w3", "w2", "w1", "doc+w3", "doc+w2", "doc+w1", "sep:doc,w1", "mean:doc+w2")


def combos() -> list[tuple[str, Cfg]]:
    """Second round: each promising granularity crossed with the fusion settings of round one."""
    out = []
    for g in COMBO_GRANS:
        base = replace(Cfg(), dense=g, depth=0 if g.startswith(("mean", "wavg", "sep")) else 400)
        for k in (10, 30, 60):
            for wd in (0.8, 1.0):
                out.append(("e gran x rrf", replace(base, k=k, wd=wd)))
        for norm in ("minmax", "zscore"):
            for a in (0.4, 0.5, 0.6):
                out.append(("e gran x convex", replace(base, fuse="convex", norm=norm, alpha=a)))
    return out


def extras(best: list[Cfg]) -> list[tuple[str, Cfg]]:
    """Third round, on the best few of round two: BM25 title weight, candidate pools, dense PRF."""
    out = []
    for cfg in best:
        out += [("f title weight", replace(cfg, wt=wt)) for wt in (1.0, 3.0)]
        out += [("f pools", replace(cfg, pool_d=p, pool_s=p)) for p in (30, 50, 200, 1000)]
        out += [("f dense PRF", replace(cfg, prf_m=m, prf_beta=b)) for m, b in ((3, 0.3), (3, 0.5), (5, 0.5))]
    return out


def score_key(row: dict) -> float:
    return row["ndcg_cited"] + row["ndcg_qrels"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cache", type=Path, default=Path("/tmp/scifact_tune"))
    ap.add_argument("--reuse-home", type=Path, help="take the w3 vectors from this paperbot store")
    ap.add_argument("--dev", nargs="+", metavar="SPEC", help="score these variants on dev (our test split)")
    ap.add_argument("--json-out", type=Path)
    ap.add_argument("--embed-only", action="store_true", help="only compute and cache the embeddings")
    args = ap.parse_args(argv)

    papers = load_corpus(DATA)
    check_w3_matches_make_passages(papers)
    doc_ids = [p.id.removeprefix("scifact-") for p in papers]
    emb = load_embeddings(papers, args.cache, args.reuse_home)
    for g in GRANULARITIES:
        print(f"# {g}: {len(emb[g][0])} vectors ({emb[g][0].nbytes / 1e6:.1f} MB float32)", file=sys.stderr)
    split = "dev" if args.dev else "train"
    claims = load_claims(DATA / f"claims_{split}.jsonl")
    q = query_vectors(claims, args.cache, split)
    if args.embed_only:
        return 0
    ev = Evaluator(split, claims, Dense(q, emb, len(papers)), Sparse(papers), doc_ids)
    results = []

    def show(section: str, cfg: Cfg) -> dict:
        m = ev.score(cfg)
        row = {"section": section, "variant": describe(cfg), **{k: round(v, 4) for k, v in m.items()}}
        results.append(row)
        cols = "  ".join(f"{k} {v:.4f}" for k, v in m.items())
        print(f"{section:22s} {row['variant']:60s} {cols}", flush=True)
        return row

    if args.dev:
        for spec in args.dev:
            show("dev", parse_spec(spec))
    else:
        for section, cfg in study():
            show(section, cfg)
        round2 = [show(section, cfg) for section, cfg in combos()]
        best = [parse_spec(r["variant"]) for r in sorted(round2, key=score_key, reverse=True)[:3]]
        for section, cfg in extras(best):
            show(section, cfg)
        print("\nbest on train (mean of the two nDCG@10):")
        for r in sorted(results, key=score_key, reverse=True)[:15]:
            print(f"  {r['ndcg_qrels']:.4f} {r['ndcg_cited']:.4f} {r['r100_cited']:.4f}  {r['variant']}")
    if args.json_out:
        args.json_out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
