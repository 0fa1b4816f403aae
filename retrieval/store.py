"""The store under --home: SQLite (papers, passages, FTS5 for BM25) and a FAISS index of passage vectors.

All disk I/O of paperbot's data goes through here. The ingest process opens it writable; the bot and
`ask` open it read-only. FAISS ids are passage row ids. The index file is replaced atomically (temp
file, then rename), and `sync_vectors` reconciles it with SQLite, so a run killed mid-ingest is
finished by the next one: passages without a vector get one, vectors of deleted passages are dropped.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from retrieval.embed import DIM, Vectors
from retrieval.errors import StoreCorrupt, StoreMissing
from retrieval.paper import Paper, Passage

DB_NAME = "papers.sqlite3"
INDEX_NAME = "passages.faiss"
SAVE_EVERY = 60.0  # seconds of embedding between two saves of the index
SCHEMA = """
CREATE TABLE IF NOT EXISTS papers (
    id TEXT PRIMARY KEY, version INTEGER, title TEXT NOT NULL, abstract TEXT NOT NULL,
    authors TEXT NOT NULL, categories TEXT NOT NULL, primary_category TEXT, comment TEXT,
    journal_ref TEXT, doi TEXT, license TEXT, published TEXT, updated TEXT, announced TEXT,
    summaries TEXT NOT NULL, source TEXT, title_key TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS papers_title_key ON papers(title_key);
CREATE TABLE IF NOT EXISTS passages (
    id INTEGER PRIMARY KEY AUTOINCREMENT, paper_id TEXT NOT NULL REFERENCES papers(id),
    kind TEXT NOT NULL, position INTEGER NOT NULL, text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS passages_paper ON passages(paper_id);
CREATE TABLE IF NOT EXISTS term_df (term TEXT PRIMARY KEY, df INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS aliases (key TEXT NOT NULL, alias TEXT NOT NULL, paper_id TEXT NOT NULL, kind TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS aliases_key ON aliases(key);
CREATE VIRTUAL TABLE IF NOT EXISTS papers_fts USING fts5(
    paper_id UNINDEXED, title, body, tokenize = 'porter unicode61'
);
"""
PAPER_COLUMNS = (
    "id, version, title, abstract, authors, categories, primary_category, comment, journal_ref, doi, "
    "license, published, updated, announced, summaries, source"
)


def title_key(title: str) -> str:
    """A title reduced for exact matching: lower case, letters and digits only, single spaces."""
    return " ".join("".join(ch if ch.isalnum() else " " for ch in title.lower()).split())


def _paper_row(paper: Paper) -> tuple[Any, ...]:
    return (
        paper.id, paper.version, paper.title, paper.abstract, json.dumps(paper.authors),
        json.dumps(paper.categories), paper.primary_category, paper.comment, paper.journal_ref,
        paper.doi, paper.license, paper.published, paper.updated, paper.announced,
        json.dumps(paper.summaries), paper.source, title_key(paper.title),
    )  # fmt: skip


def _paper_from_row(row: sqlite3.Row) -> Paper:
    return Paper(
        id=row["id"], version=row["version"], title=row["title"], abstract=row["abstract"],
        authors=tuple(json.loads(row["authors"])), categories=tuple(json.loads(row["categories"])),
        primary_category=row["primary_category"] or "", comment=row["comment"] or "",
        journal_ref=row["journal_ref"] or "", doi=row["doi"] or "", license=row["license"] or "",
        published=row["published"] or "", updated=row["updated"] or "", announced=row["announced"] or "",
        summaries=tuple((f, t) for f, t in json.loads(row["summaries"])), source=row["source"] or "",
    )  # fmt: skip


class Store:
    """One store directory. Use `Store.open_readonly(home)` to answer, `Store.open_writable(home)` to ingest."""

    def __init__(self, home: Path, db: sqlite3.Connection, readonly: bool) -> None:
        self.home = home
        self.readonly = readonly
        self._db = db
        self._db.row_factory = sqlite3.Row
        self._lock = threading.RLock()  # one connection shared by the bot's worker threads
        self._index: Any = None
        self._index_mtime = 0.0

    @classmethod
    def open_writable(cls, home: Path) -> Store:
        home.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(home / DB_NAME, check_same_thread=False)
        db.execute("PRAGMA journal_mode=WAL")
        db.executescript(SCHEMA)
        return cls(home, db, readonly=False)

    @classmethod
    def open_readonly(cls, home: Path) -> Store:
        path = home / DB_NAME
        if not path.exists():
            raise StoreMissing(f"no store at {home}")
        try:
            db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
            db.execute("SELECT count(*) FROM papers").fetchone()
        except sqlite3.DatabaseError as exc:
            raise StoreCorrupt(f"cannot read {path}: {exc}") from exc
        return cls(home, db, readonly=True)

    def close(self) -> None:
        self._db.close()

    # -- reading --------------------------------------------------------------------------------

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    def count_papers(self) -> int:
        return int(self._query("SELECT count(*) FROM papers")[0][0])

    def count_passages(self) -> int:
        return int(self._query("SELECT count(*) FROM passages")[0][0])

    def get_paper(self, paper_id: str) -> Paper | None:
        rows = self._query(f"SELECT {PAPER_COLUMNS} FROM papers WHERE id = ?", (paper_id,))
        return _paper_from_row(rows[0]) if rows else None

    def get_papers(self, paper_ids: Iterable[str]) -> dict[str, Paper]:
        ids = list(dict.fromkeys(paper_ids))
        found: dict[str, Paper] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self._query(f"SELECT {PAPER_COLUMNS} FROM papers WHERE id IN ({marks})", chunk):
                found[row["id"]] = _paper_from_row(row)
        return found

    def find_by_title_key(self, key: str) -> list[str]:
        return [row[0] for row in self._query("SELECT id FROM papers WHERE title_key = ?", (key,))]

    def find_by_title_start(self, key: str, limit: int = 2) -> list[str]:
        """Papers whose title (as `title_key` has it) begins with the words of `key`."""
        rows = self._query(
            "SELECT id FROM papers WHERE title_key >= ? AND title_key < ? LIMIT ?", (key + " ", key + "!", limit)
        )
        return [row[0] for row in rows]

    def find_by_title_end(self, key: str, limit: int = 2) -> list[str]:
        """Papers whose title (as `title_key` has it) ends with the words of `key`: a subtitle after its name."""
        rows = self._query("SELECT id FROM papers WHERE title_key LIKE ? LIMIT ?", ("% " + key, limit))
        return [row[0] for row in rows]

    def passages_of(self, paper_id: str) -> list[Passage]:
        rows = self._query(
            "SELECT id, paper_id, kind, position, text FROM passages WHERE paper_id = ? ORDER BY id",
            (paper_id,),
        )
        return [Passage(r["paper_id"], r["kind"], r["position"], r["text"], id=r["id"]) for r in rows]

    def passages_by_id(self, passage_ids: Sequence[int]) -> dict[int, Passage]:
        found: dict[int, Passage] = {}
        for start in range(0, len(passage_ids), 500):
            chunk = [int(i) for i in passage_ids[start : start + 500]]
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT id, paper_id, kind, position, text FROM passages WHERE id IN ({marks})"
            for r in self._query(sql, chunk):
                found[r["id"]] = Passage(r["paper_id"], r["kind"], r["position"], r["text"], id=r["id"])
        return found

    def match_bm25(self, fts_query: str, limit: int, column: str | None = None) -> list[tuple[str, float]]:
        """Papers matching an FTS5 query, best first, as (paper id, BM25 score: higher is better)."""
        if not fts_query:
            return []
        match = f"{{{column}}} : ({fts_query})" if column else fts_query
        sql = (
            "SELECT paper_id, bm25(papers_fts, 0.0, 2.0, 1.0) AS rank FROM papers_fts "
            "WHERE papers_fts MATCH ? ORDER BY rank LIMIT ?"
        )
        try:
            rows = self._query(sql, (match, limit))
        except sqlite3.OperationalError:  # a query FTS5 cannot parse matches nothing
            return []
        return [(row[0], -float(row[1])) for row in rows]

    # -- vectors --------------------------------------------------------------------------------

    @property
    def index_path(self) -> Path:
        return self.home / INDEX_NAME

    def index(self) -> Any:
        """The FAISS index, re-read when another process has replaced the file since it was loaded."""
        with self._lock:
            mtime = self.index_path.stat().st_mtime if self.index_path.exists() else 0.0
            if self._index is None or (self.readonly and mtime != self._index_mtime):
                self._index = self._load_index()
                self._index_mtime = mtime
            return self._index

    def _load_index(self) -> Any:
        if not self.index_path.exists():
            return faiss.IndexIDMap2(faiss.IndexFlatIP(DIM))
        try:
            return faiss.read_index(str(self.index_path))
        except RuntimeError as exc:
            raise StoreCorrupt(f"cannot read {self.index_path}: {exc}") from exc

    def search_vectors(self, query: Vectors, k: int) -> list[tuple[int, float]]:
        index = self.index()
        if index.ntotal == 0:
            return []
        scores, ids = index.search(query.reshape(1, -1), min(k, index.ntotal))
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]

    def paper_vector(self, paper_id: str) -> Vectors | None:
        """The normalised mean of a paper's passage vectors, or None when it has none yet."""
        index = self.index()
        vectors = []
        for passage in self.passages_of(paper_id):
            try:
                vectors.append(index.reconstruct(int(passage.id or 0)))
            except RuntimeError:  # not embedded yet
                continue
        if not vectors:
            return None
        mean = np.mean(np.array(vectors, dtype=np.float32), axis=0)
        norm = float(np.linalg.norm(mean)) or 1.0
        result: Vectors = (mean / norm).astype(np.float32)
        return result

    def save_index(self) -> None:
        tmp = self.index_path.with_suffix(".faiss.tmp")
        faiss.write_index(self.index(), str(tmp))
        os.replace(tmp, self.index_path)

    def sync_vectors(
        self,
        encode: Callable[[list[str]], Vectors],
        batch: int = 512,
        progress: Callable[[int, int], None] | None = None,
    ) -> int:
        """Give every passage a vector and drop vectors of deleted passages; saves as it goes."""
        index = self.index()
        have = set(faiss.vector_to_array(index.id_map).tolist()) if index.ntotal else set()
        want = {int(r[0]) for r in self._query("SELECT id FROM passages")}
        stale = np.array(sorted(have - want), dtype=np.int64)
        if len(stale):
            index.remove_ids(stale)
        missing = sorted(want - have)
        saved = time.monotonic()
        for start in range(0, len(missing), batch):
            chunk = missing[start : start + batch]
            index.add_with_ids(encode(self.embed_texts(chunk)), np.array(chunk, dtype=np.int64))
            if time.monotonic() - saved > SAVE_EVERY:  # a killed run keeps what it had saved
                self.save_index()
                saved = time.monotonic()
            if progress:
                progress(len(chunk), len(missing))
        if len(stale) or missing:
            self.save_index()
        return len(missing)

    def embed_texts(self, passage_ids: Sequence[int]) -> list[str]:
        """What is embedded for each passage: the paper's title, then the passage (context for short windows)."""
        marks = ",".join("?" * len(passage_ids))
        sql = (
            "SELECT passages.id, papers.title, passages.text FROM passages "
            f"JOIN papers ON papers.id = passages.paper_id WHERE passages.id IN ({marks})"
        )
        texts = {row[0]: f"{row[1]}. {row[2]}" for row in self._query(sql, list(passage_ids))}
        return [texts[i] for i in passage_ids]

    # -- writing --------------------------------------------------------------------------------

    def upsert(self, paper: Paper, passages: list[Passage]) -> str:
        """Insert or replace one paper and its passages; returns 'added', 'updated' or 'unchanged'."""
        with self._lock:
            old = self.get_paper(paper.id)
            if old is not None:
                if old.version and paper.version and paper.version < old.version:
                    return "unchanged"  # an older version never replaces a newer one
                if replace(old, source=paper.source) == paper:
                    return "unchanged"
                self._db.execute("DELETE FROM passages WHERE paper_id = ?", (paper.id,))
                self._db.execute("DELETE FROM papers_fts WHERE paper_id = ?", (paper.id,))
                self._db.execute("DELETE FROM papers WHERE id = ?", (paper.id,))
            marks = ",".join("?" * 17)
            self._db.execute(f"INSERT INTO papers ({PAPER_COLUMNS}, title_key) VALUES ({marks})", _paper_row(paper))
            self._db.execute(
                "INSERT INTO papers_fts (paper_id, title, body) VALUES (?, ?, ?)",
                (paper.id, paper.title, fts_body(paper)),
            )
            self._db.executemany(
                "INSERT INTO passages (paper_id, kind, position, text) VALUES (?, ?, ?, ?)",
                [(p.paper_id, p.kind, p.position, p.text) for p in passages],
            )
            return "added" if old is None else "updated"

    def write_term_df(self, df: Mapping[str, int], n_docs: int) -> None:
        """Replace the document frequencies key terms are weighted by (see retrieval/terms.py)."""
        with self._lock:
            self._db.execute("DELETE FROM term_df")
            self._db.executemany("INSERT INTO term_df (term, df) VALUES (?, ?)", df.items())
            self._db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('term_docs', ?)", (str(n_docs),))
            self._db.commit()

    def write_aliases(self, rows: Iterable[tuple[str, str, str]], version: str = "1") -> None:
        """Replace the names papers go by ("Skill-to-LoRA"): (alias, paper id, "title" or "abstract").

        `version` names the rules that found them; a store built under other rules is rebuilt on ingest."""
        with self._lock:
            self._db.execute("DELETE FROM aliases")
            self._db.executemany(
                "INSERT INTO aliases (key, alias, paper_id, kind) VALUES (?, ?, ?, ?)",
                ((alias.lower(), alias, paper_id, kind) for alias, paper_id, kind in rows),
            )
            self._db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('aliases', ?)", (version,))
            self._db.commit()

    def phrase_count(self, phrase: str, limit: int = 10, column: str | None = None) -> int:
        """In how many papers' title or text (or only `column`) a phrase occurs (counted up to `limit`)."""
        words = re.findall(r"\w+", phrase.lower())
        if not words:
            return 0
        match = '"' + " ".join(words) + '"'
        sql = "SELECT count(*) FROM (SELECT 1 FROM papers_fts WHERE papers_fts MATCH ? LIMIT ?)"
        return int(self._query(sql, (f"{{{column}}} : {match}" if column else match, limit))[0][0])

    def find_aliases(self, keys: Sequence[str]) -> list[tuple[str, str, str]]:
        """(alias as written, paper id, kind) for every alias whose lower-cased form is in `keys`."""
        if not keys:
            return []
        sql = f"SELECT alias, paper_id, kind FROM aliases WHERE key IN ({','.join('?' * len(keys))})"
        try:
            return [(row[0], row[1], row[2]) for row in self._query(sql, list(keys))]
        except sqlite3.OperationalError:  # a store from before aliases
            return []

    def term_df(self, terms: Iterable[str]) -> tuple[dict[str, int], int]:
        """Document frequencies of `terms` (absent: used by one paper at most) and the papers counted."""
        wanted = list(dict.fromkeys(terms))
        found: dict[str, int] = {}
        try:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                sql = f"SELECT term, df FROM term_df WHERE term IN ({','.join('?' * len(chunk))})"
                found.update((row[0], int(row[1])) for row in self._query(sql, chunk))
        except sqlite3.OperationalError:  # a store from before key terms: `paperbot ingest` adds them
            return {}, self.count_papers()
        docs = self.meta("term_docs")
        return found, int(docs) if docs else self.count_papers()

    def meta(self, key: str) -> str | None:
        try:
            rows = self._query("SELECT value FROM meta WHERE key = ?", (key,))
        except sqlite3.OperationalError:  # a store from before the meta table
            return None
        return str(rows[0][0]) if rows else None

    def commit(self) -> None:
        with self._lock:
            self._db.commit()

    def all_papers(self) -> Iterator[Paper]:
        for row in self._query(f"SELECT {PAPER_COLUMNS} FROM papers ORDER BY id"):
            yield _paper_from_row(row)


def fts_body(paper: Paper) -> str:
    """What BM25 sees besides the title: the abstract, the comment and the summaries."""
    parts = [paper.abstract, paper.comment, *(text for _, text in paper.summaries)]
    return "\n".join(part for part in parts if part)
