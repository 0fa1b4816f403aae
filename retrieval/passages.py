"""How a paper's text is cut into passages: sentences, abstract windows and summary facets.

Used at ingest (passages that are embedded and stored) and at answer time (sentences to quote).
"""

from __future__ import annotations

import re

from retrieval.paper import Paper, Passage

WINDOW = 3  # sentences per abstract passage
_ABBREVIATIONS = (
    *("e.g.", "i.e.", "et al.", "etc.", "vs.", "cf.", "Fig.", "Eq.", "resp.", "approx.", "w.r.t.", "avg.", "ca."),
    *("Dr.", "Prof.", "Sec.", "Tab.", "Figs.", "Eqs.", "Ref.", "Refs."),  # "(avg. 98 minutes)", "Dr. DocBench"
)
_BOUNDARY = re.compile(r"(?<=[.!?])[\"')\]]?\s+(?=[A-Z0-9\"'(\[\\$])")


def split_sentences(text: str) -> list[str]:
    """Split an abstract into sentences, keeping abbreviations and decimals inside their sentence."""
    text = " ".join(text.split())
    if not text:
        return []
    sentences: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        candidate = text[start : match.start() + 1].strip()
        if candidate.endswith(_ABBREVIATIONS) or len(candidate) < 20:
            continue
        sentences.append(text[start : match.end()].strip())
        start = match.end()
    rest = text[start:].strip()
    if rest:
        if sentences and len(rest) < 20:
            sentences[-1] = f"{sentences[-1]} {rest}"
        else:
            sentences.append(rest)
    return sentences


def make_passages(paper: Paper) -> list[Passage]:
    """Abstract windows of WINDOW sentences, then one passage per machine-written summary facet."""
    sentences = split_sentences(paper.abstract)
    passages = [
        Passage(paper.id, "abstract", position, " ".join(sentences[start : start + WINDOW]))
        for position, start in enumerate(range(0, len(sentences), WINDOW))
    ]
    if not passages:
        passages.append(Passage(paper.id, "title", 0, paper.title))
    passages.extend(
        Passage(paper.id, f"summary:{facet}", position, text) for position, (facet, text) in enumerate(paper.summaries)
    )
    return passages
