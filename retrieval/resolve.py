"""Which paper a question is about: an arXiv id or URL, a title (quoted or not, possibly misspelled),
or the chat's current paper for a follow-up ("what method did they use?").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from retrieval.facets import is_follow_up
from retrieval.paper import Paper, find_ids
from retrieval.search import fts_query, fts_words
from retrieval.store import Store, title_key

TITLE_CANDIDATES = 30
MIN_TITLE_CHARS = 12
FUZZY_THRESHOLD = 93.0
_QUOTED = re.compile(r"[\"“”«»„]([^\"“”«»„]{8,400})[\"“”«»„]|(?<![A-Za-z])['‘’]([^'‘’]{8,400})['‘’](?![A-Za-z])")


@dataclass(frozen=True)
class Subject:
    """What a question refers to. `paper` is set when resolved; `missing_id` when an id is not stored."""

    paper: Paper | None = None
    missing_id: str = ""
    how: str = ""  # "id", "title", "context" or ""
    mention: str = ""  # the text that named the paper, so it can be left out of the question


def resolve(store: Store, question: str, current: str | None = None) -> Subject:
    ids = find_ids(question)
    if ids:
        paper = store.get_paper(ids[0])
        return Subject(paper, "" if paper else ids[0], "id", ids[0])
    titled = resolve_title(store, question)
    if titled is not None:
        return titled
    if current and is_follow_up(question, fts_words(question)):
        paper = store.get_paper(current)
        if paper is not None:
            return Subject(paper, how="context")
    return Subject()


def resolve_title(store: Store, question: str) -> Subject | None:
    """A stored paper whose title the question quotes or contains, allowing a few typos."""
    for match in _QUOTED.finditer(question):
        quoted = match.group(1) or match.group(2)
        exact = store.find_by_title_key(title_key(quoted))
        if exact:
            paper = store.get_paper(exact[0])
            return Subject(paper, how="title", mention=quoted)
    key = title_key(question)
    best: tuple[float, str] = (0.0, "")
    for paper_id, _ in store.match_bm25(fts_query(question), TITLE_CANDIDATES, column="title"):
        paper = store.get_paper(paper_id)
        if paper is None:
            continue
        candidate = title_key(paper.title)
        if len(candidate) < MIN_TITLE_CHARS or len(candidate) > len(key) + 3:
            continue
        score = fuzz.partial_ratio(candidate, key)
        if score > best[0]:
            best = (score, paper_id)
    if best[0] >= FUZZY_THRESHOLD:
        paper = store.get_paper(best[1])
        return Subject(paper, how="title", mention=paper.title if paper else "")
    return None


def resolve_all(store: Store, question: str) -> list[Paper]:
    """Every stored paper a question names by id, then by quoted or contained title (for "compare A and B")."""
    found = [p for p in (store.get_paper(i) for i in find_ids(question)) if p is not None]
    rest = question
    for paper in found:
        rest = rest.replace(paper.id, " ")
    while len(found) < 3:
        titled = resolve_title(store, rest)
        if titled is None or titled.paper is None or titled.paper in found:
            break
        found.append(titled.paper)
        rest = rest.replace(titled.mention, " ") if titled.mention in rest else _drop_title(rest, titled.paper.title)
    return found


def _drop_title(text: str, title: str) -> str:
    """`text` with the words of `title` taken out (a fuzzy match leaves no exact span to cut)."""
    words = set(title_key(title).split())
    return " ".join(w for w in text.split() if title_key(w) not in words)
