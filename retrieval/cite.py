"""Citation export of a stored paper: BibTeX and RIS, built from its metadata only.

Used by `paperbot cite`, the card, and the "cite" facet of a question. Nothing is looked up: what the
record lacks (a DOI, a journal) is left out rather than guessed.
"""

from __future__ import annotations

import re
import unicodedata

from retrieval.paper import Paper, is_arxiv_id

FORMATS = ("bibtex", "ris")
_BIBTEX_SPECIAL = re.compile(r"(?<!\\)([&%#])")  # LaTeX already in titles ($x$, \\emph{}) is kept as is


def cite(paper: Paper, style: str = "bibtex") -> str:
    if style == "ris":
        return to_ris(paper)
    if style == "bibtex":
        return to_bibtex(paper)
    raise ValueError(f"unknown citation format {style!r}; use one of {', '.join(FORMATS)}")


def citation_key(paper: Paper) -> str:
    """`eiras2024risks`: first author's surname, year, first content word of the title."""
    surname = _ascii(paper.authors[0].split()[-1]).lower() if paper.authors else "anonymous"
    year = paper.published[:4] or paper.announced[:4] or _year_from_id(paper.id)
    words = [w for w in re.findall(r"[a-z0-9]+", _ascii(paper.title).lower()) if w not in _SKIP]
    return re.sub(r"[^a-z0-9]", "", f"{surname}{year}{words[0] if words else ''}") or "paper"


def to_bibtex(paper: Paper) -> str:
    fields = [
        ("title", "{" + _bibtex_escape(paper.title) + "}"),
        ("author", " and ".join(_bibtex_escape(a) for a in paper.authors)),
        ("year", paper.published[:4] or paper.announced[:4] or _year_from_id(paper.id)),
        ("eprint", paper.id if is_arxiv_id(paper.id) else ""),
        ("archivePrefix", "arXiv" if is_arxiv_id(paper.id) else ""),
        ("primaryClass", paper.primary_category or (paper.categories[0] if paper.categories else "")),
        ("doi", paper.doi),
        ("journal", _bibtex_escape(paper.journal_ref)),
        ("note", _bibtex_escape(paper.comment)),
        ("url", paper.abs_url),
    ]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
    kind = "article" if paper.journal_ref else "misc"
    return f"@{kind}{{{citation_key(paper)},\n{body}\n}}"


def to_ris(paper: Paper) -> str:
    lines = [("TY", "JOUR" if paper.journal_ref else "PREPRINT"), ("TI", paper.title)]
    lines += [("AU", author) for author in paper.authors]
    lines += [
        ("PY", paper.published[:4] or paper.announced[:4] or _year_from_id(paper.id)),
        ("DA", (paper.published or paper.announced).replace("-", "/")),
        ("JO", paper.journal_ref),
        ("DO", paper.doi),
        ("UR", paper.abs_url),
        ("N1", f"arXiv:{paper.id}" if is_arxiv_id(paper.id) else ""),
        ("AB", paper.abstract),
    ]
    lines += [("KW", category) for category in paper.categories]
    return "\n".join(f"{tag}  - {' '.join(value.split())}" for tag, value in lines if value) + "\nER  - "


def _year_from_id(paper_id: str) -> str:
    match = re.match(r"(?:[a-z\-.A-Z]+/)?(\d{2})\d{2}", paper_id)
    if not match or not is_arxiv_id(paper_id):
        return ""
    yy = int(match.group(1))
    return str(2000 + yy if yy < 90 else 1900 + yy)


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _bibtex_escape(text: str) -> str:
    return _BIBTEX_SPECIAL.sub(r"\\\1", " ".join(text.split()))


_SKIP = frozenset("a an the on of for in to and with towards toward via from is are".split())
