"""The records everything else passes around: `Paper`, `Passage`, and arXiv id handling.

Used by ingest (building records from sources), the store (saving them) and resolve (finding the
paper a question names). Pure functions and frozen dataclasses; no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# New-style ids: YYMM.NNNN (2007-2014) or YYMM.NNNNN (2015-). Old style: archive(.SUBJ)/YYMMNNN.
_NEW_ID = r"\d{4}\.\d{4,5}"
_OLD_ID = r"[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7}"
_VERSION = r"(?:v(\d+))?"
ARXIV_ID_RE = re.compile(rf"(?<![\w./-])(?:arxiv:\s*)?({_NEW_ID}|{_OLD_ID}){_VERSION}(?![\w-])", re.IGNORECASE)
ARXIV_URL_RE = re.compile(
    rf"(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|html|format)/({_NEW_ID}|{_OLD_ID}){_VERSION}"
    r"(?:\.pdf)?",
    re.IGNORECASE,
)
_FULL_ID_RE = re.compile(rf"^(?:arxiv:\s*)?({_NEW_ID}|{_OLD_ID}){_VERSION}$", re.IGNORECASE)


def split_version(raw: str) -> tuple[str, int | None]:
    """`'arXiv:2405.08597v2'` -> `('2405.08597', 2)`; ids that are not arXiv ids come back unchanged."""
    raw = raw.strip()
    url = ARXIV_URL_RE.search(raw)
    if url:
        return _canonical(url.group(1)), int(url.group(2)) if url.group(2) else None
    match = _FULL_ID_RE.match(raw)
    if match:
        return _canonical(match.group(1)), int(match.group(2)) if match.group(2) else None
    return raw, None


def normalise_id(raw: str) -> str:
    """The id without version or prefix, the key papers are stored under."""
    return split_version(raw)[0]


def _canonical(arxiv_id: str) -> str:
    if "/" in arxiv_id:
        archive, number = arxiv_id.split("/", 1)
        if "." in archive:  # math.GT/0309136: the subject class is upper case, the archive lower case
            name, subject = archive.split(".", 1)
            return f"{name.lower()}.{subject.upper()}/{number}"
        return f"{archive.lower()}/{number}"
    return arxiv_id


def find_ids(text: str) -> list[str]:
    """Every arXiv id named in free text (bare, `arXiv:`-prefixed or as a URL), normalised, in order."""
    found: list[tuple[int, str]] = []
    for match in ARXIV_URL_RE.finditer(text):
        found.append((match.start(), _canonical(match.group(1))))
    url_spans = [m.span() for m in ARXIV_URL_RE.finditer(text)]
    for match in ARXIV_ID_RE.finditer(text):
        if not any(start <= match.start() < end for start, end in url_spans):
            found.append((match.start(), _canonical(match.group(1))))
    ordered: list[str] = []
    for _, arxiv_id in sorted(found):
        if arxiv_id not in ordered:
            ordered.append(arxiv_id)
    return ordered


def is_arxiv_id(paper_id: str) -> bool:
    return bool(_FULL_ID_RE.match(paper_id))


@dataclass(frozen=True)
class Paper:
    """One paper's metadata and text, as every source is normalised to."""

    id: str
    title: str
    abstract: str
    authors: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    version: int | None = None
    primary_category: str = ""
    comment: str = ""
    journal_ref: str = ""
    doi: str = ""
    license: str = ""
    published: str = ""  # ISO date of v1, when known
    updated: str = ""  # ISO date of the version held, when known
    announced: str = ""  # ISO date of the announcement, when known
    summaries: tuple[tuple[str, str], ...] = ()  # (facet, text) written by a model, labelled as such
    source: str = ""

    @property
    def abs_url(self) -> str:
        return f"https://arxiv.org/abs/{self.id}" if is_arxiv_id(self.id) else ""

    @property
    def pdf_url(self) -> str:
        return f"https://arxiv.org/pdf/{self.id}" if is_arxiv_id(self.id) else ""

    @property
    def date(self) -> str:
        return self.announced or self.published or self.updated


@dataclass(frozen=True)
class Passage:
    """A piece of a paper's text that is embedded and searched: title, abstract window or summary facet."""

    paper_id: str
    kind: str  # "abstract" or "summary:<facet>"
    position: int
    text: str
    id: int | None = field(default=None, compare=False)
