"""Which paper a question is about: an arXiv id or URL, a title (quoted or not, possibly misspelled),
or the chat's current paper for a follow-up ("what method did they use?").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from retrieval.facets import ASKING_WORDS, is_follow_up, is_topic_question, known_words
from retrieval.paper import Paper, find_ids
from retrieval.search import fts_query, fts_words
from retrieval.store import Store, title_key

TITLE_CANDIDATES = 30
MIN_TITLE_CHARS = 12
FUZZY_THRESHOLD = 93.0
MIN_DESCRIBED = 3  # title words a description must share with the title it names
DESCRIBED_SHARE = 0.75  # ... as a share of the question's content words
DESCRIBED_MARGIN = 2  # ... and this many more than any other title shares (1 when it holds all of 4 or more)
MIN_TITLE_START = 5  # words of a title's beginning that name the paper ("Mask to Concept: Auto-Promptable SAM3")
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
    titled = resolve_title(store, question) or resolve_alias(store, question)
    if titled is not None:
        return titled
    described = resolve_described(store, question)
    paper = store.get_paper(current) if current else None
    if paper is not None:
        known = known_words(f"{paper.title} {paper.abstract}")
        other = described is not None and not described_words(question) <= known  # names another paper
        if not other and is_follow_up(question, fts_words(question), known):
            return Subject(paper, how="context")
    return described or Subject()


def described_words(question: str) -> frozenset[str]:
    """The words a description of a paper is made of: the question's content words that do not just ask."""
    return known_words(" ".join(word for word in fts_words(question) if word not in ASKING_WORDS))


_SEGMENTS = re.compile(r"\s+[-–—:|]+\s+|[:?;]\s+|,\s+")


def resolve_described(store: Store, question: str) -> Subject | None:
    """The paper a question describes, in whole or in one of its parts ("3D kinematic monitoring of juvenile
    fish - is it the first to measure swimming speed?")."""
    parts = [question, *(part for part in _SEGMENTS.split(question) if part != question)]
    for part in parts:
        found = described_by(store, part)
        if found is not None:
            return found
    return None


def described_by(store: Store, question: str) -> Subject | None:
    """A paper described by words of its title ("the contaminated collaboration gender bias paper"): one
    title holds nearly all the question's content words, and clearly more of them than any other title.
    Words that only ask ("results", "algorithm") count when the title has them and are ignored otherwise."""
    if is_topic_question(question):
        return None
    words = known_words(" ".join(fts_words(question)))
    wanted = described_words(question)
    if len(words) < MIN_DESCRIBED:
        return None
    candidates = store.get_papers(pid for pid, _ in store.match_bm25(fts_query(question), TITLE_CANDIDATES, "title"))
    ranked = sorted(((len(words & known_words(p.title)), pid) for pid, p in candidates.items()), reverse=True)
    if not ranked:
        return None
    best, paper_id = ranked[0]
    second = ranked[1][0] if len(ranked) > 1 else 0
    considered = len(wanted | (words & known_words(candidates[paper_id].title)))
    clear = best - second >= DESCRIBED_MARGIN or (best == considered > MIN_DESCRIBED and best > second)
    if best >= MIN_DESCRIBED and best >= DESCRIBED_SHARE * considered and clear:
        return Subject(candidates[paper_id], how="described")
    return None


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
    begun: tuple[int, str] = (0, "")  # the longest title whose beginning the question quotes
    candidates = store.get_papers(pid for pid, _ in store.match_bm25(fts_query(question), TITLE_CANDIDATES, "title"))
    for paper_id, paper in candidates.items():
        candidate = title_key(paper.title)
        if len(candidate) >= MIN_TITLE_CHARS and len(candidate) <= len(key) + 3:
            best = max(best, (fuzz.partial_ratio(candidate, key), paper_id))
        begun = max(begun, (title_start(candidate.split(), key.split()), paper_id))
    if best[0] >= FUZZY_THRESHOLD:
        paper = candidates[best[1]]
        return Subject(paper, how="title", mention=paper.title)
    if begun[0] >= MIN_TITLE_START and not is_topic_question(question):
        paper = candidates[begun[1]]
        return Subject(paper, how="title", mention=paper.title)
    return None


def title_start(title: list[str], words: list[str]) -> int:
    """How many words of the title's beginning stand in `words` in a row (typos allowed)."""
    best = 0
    for start in range(len(words)):
        n = 0
        while n < len(title) and start + n < len(words) and fuzz.ratio(title[n], words[start + n]) >= 85:
            n += 1
        best = max(best, n)
    return best


def resolve_all(store: Store, question: str) -> list[Paper]:
    """Every stored paper a question names (id, title or name), in the order named: "compare A and B"."""
    named: list[tuple[int, Paper]] = []
    for paper_id in find_ids(question):
        paper = store.get_paper(paper_id)
        if paper is not None:
            named.append((question.find(paper_id), paper))
    for found in (resolve_title(store, question), resolve_alias(store, question)):
        if found is not None and found.paper is not None:
            at = question.lower().find(found.mention.lower()[:20])
            named.append((at if at >= 0 else len(question), found.paper))
    ordered: list[Paper] = []
    for _, paper in sorted(named, key=lambda item: item[0]):
        if paper not in ordered:
            ordered.append(paper)
    return ordered


_NAMED = re.compile(
    r"\b(?:propose|introduce|present|call|term|name|dub|release|develop)(?:s|d|ed)?\s+(?:(?:a|an|the)\s+)?"
    r"(?:\\text(?:bf|it|sc|tt)\{)?([A-Z][A-Za-z0-9\-.]*[A-Za-z0-9])"
)
_NAMED_ACRONYM = re.compile(
    r"\b(?:propose|introduce|present|call|term|name|dub|develop|build|design)(?:s|d|ed)?\b[^.()]{0,80}"
    r"\(([A-Z][A-Za-z0-9\-]*[A-Z0-9][A-Za-z0-9\-]*)\)"
)
_ALIAS_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-.]*[A-Za-z0-9]|[A-Za-z0-9]")


def is_name(alias: str) -> bool:
    """A coined name rather than words: FlowBender, ViPSy, CULTURESCORE, Qwen2, MCP-Persona; not LLM-based."""
    return any(_is_name_word(word) for word in alias.split())


def _is_name_word(word: str) -> bool:
    parts = word.split("-")
    if len(parts) > 1 and parts[-1].islower():  # LLM-based, Training-free: a word with a suffix
        return False
    inner_capitals = sum(c.isupper() for part in parts for c in part[1:])
    has_digit = any(c.isdigit() for c in word) and any(c.isalpha() for c in word)
    return inner_capitals >= 1 or has_digit


def paper_aliases(paper: Paper) -> list[tuple[str, str]]:
    """Names a paper goes by: its title's prefix before a colon, and what its abstract says it proposes."""
    found: list[tuple[str, str]] = []
    head = paper.title.split(":", 1)[0].strip().rstrip("+*!?") if ":" in paper.title else ""
    if len(head) >= 3 and len(head.split()) <= 4 and _ALIAS_TOKEN.fullmatch(head.replace(" ", "-")):
        found.append((head, "title"))
    for match in _NAMED.finditer(paper.abstract):
        name = match.group(1).rstrip(".-")
        coined = is_name(name) or len(name) >= 4  # "we present Xcientist": capitalised mid-sentence
        if coined and name not in [a for a, _ in found]:
            found.append((name, "abstract"))
    for match in _NAMED_ACRONYM.finditer(paper.abstract):  # "we propose a Multi-Granularity Reasoning Network (MGRN)"
        name = match.group(1)
        if name not in [a for a, _ in found]:
            found.append((name, "abstract"))
    return found


def exact_case(alias: str, kind: str) -> bool:
    """Names a question must write as the paper does: short or all-caps ones (REP), names that are also words
    in other case (CREDiT, LatEnt: kind "...-exact") and plain phrases ("Physics from Video")."""
    return len(alias) <= 5 or alias.isupper() or kind.endswith("-exact") or not is_name(alias)


def resolve_alias(store: Store, question: str) -> Subject | None:
    """A paper named by what it is called ("How does Skill-to-LoRA work?"), when only one paper goes by it."""
    tokens = _ALIAS_TOKEN.findall(question)
    spans = {" ".join(tokens[i : i + n]) for n in range(1, 5) for i in range(len(tokens) - n + 1)}
    topic = is_topic_question(question)  # "any papers on interest entanglement?": words, not a name
    matches = [
        (alias, paper_id, kind)
        for alias, paper_id, kind in store.find_aliases([span.lower() for span in spans])
        if (alias in spans or not exact_case(alias, kind)) and not (topic and not is_name(alias))
    ]
    if not matches:
        return None
    longest = max(len(alias) for alias, _, _ in matches)
    best = [m for m in matches if len(m[0]) == longest]
    titled = [m for m in best if m[2].startswith("title")] or best
    if len({paper_id for _, paper_id, _ in titled}) != 1:
        return None  # two papers go by that name: ask by id or title instead
    alias, paper_id, _ = titled[0]
    paper = store.get_paper(paper_id)
    return Subject(paper, how="alias", mention=alias) if paper else None
