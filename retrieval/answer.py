"""What a question gets back: one frozen `Answer`, the same for Telegram, the terminal and JSON.

Formatting is the surface's job (bot/render.py); this module only says what was found and where.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from retrieval.paper import Paper


@dataclass(frozen=True)
class Source:
    """A passage an answer was taken from, or a paper a topic search found."""

    id: str  # paper id
    title: str
    score: float
    passage: str
    kind: str = "abstract"  # "abstract", "summary:<facet>" (machine-written), "metadata" or "paper" (a search hit)


@dataclass(frozen=True)
class Answer:
    question: str
    facet: str  # about, method, results, ..., authors, date, search, help, unknown_paper, empty
    text: str  # plain text: the answer itself, without the sources list
    paper: Paper | None = None  # the paper the question is about, None when none was resolved
    sources: tuple[Source, ...] = ()
    generated_by: str = ""  # the model that wrote `text` from `sources` (retrieval/writer.py); "" = extractive

    @property
    def full_text(self) -> str:
        """The answer with the paper it comes from named and linked, for surfaces without a header."""
        return f"{self.text} {cite_line(self.paper)}" if self.paper else self.text

    def to_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "answer": self.full_text,
            "facet": self.facet,
            "paper": {"id": self.paper.id, "title": self.paper.title} if self.paper else None,
            "sources": [
                {"id": s.id, "title": s.title, "score": round(s.score, 4), "passage": s.passage} for s in self.sources
            ],
            "generated_by": self.generated_by or None,
        }


def label(paper: Paper) -> str:
    return f"arXiv:{paper.id}" if paper.abs_url else paper.id


def cite_line(paper: Paper) -> str:
    """`— Title (arXiv:ID, https://arxiv.org/abs/ID)`: how an answer names its paper."""
    link = f", {paper.abs_url}" if paper.abs_url else ""
    return f"— {paper.title} ({label(paper)}{link})"
