"""A paper's page, as ArxivLens lays it out, built only from the paper's own text and the store.

Quick summary, five Quick Answers, seven Key Findings, weighted key terms, details and similar papers.
Every finding carries where it came from, and a facet the abstract is silent on says so.
Used by `paperbot card` and /paper; rendered by bot/render.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from retrieval.compose import Candidate, Finding, find_facet
from retrieval.embed import Vectors
from retrieval.paper import Paper
from retrieval.search import similar_papers
from retrieval.store import Store
from retrieval.terms import key_terms, paper_terms

QUICK_ANSWERS = ("about", "method", "results", "significance", "limitations")
KEY_FINDINGS = ("method", "results", "significance", "contributions", "novelty", "limitations", "future_work")
FACET_TITLES = {
    "about": "What is it about?",
    "method": "Methodology",
    "results": "Key results",
    "significance": "Significance",
    "contributions": "Technical contributions",
    "novelty": "Novelty",
    "limitations": "Limitations",
    "future_work": "Future work",
}


@dataclass(frozen=True)
class Card:
    paper: Paper
    summary: Finding
    quick_answers: tuple[Finding, ...]
    key_findings: tuple[Finding, ...]
    key_terms: tuple[tuple[str, float], ...]
    similar: tuple[tuple[Paper, float], ...]


def build_card(
    store: Store,
    paper: Paper,
    roles: Sequence[str] = (),
    vectors: Vectors | None = None,
    similar: int = 5,
    terms: int = 8,
) -> Card:
    """`roles` and `vectors`: the abstract sentences' roles and MiniLM vectors (retrieval/roles.py), if read."""
    facets = dict.fromkeys(QUICK_ANSWERS + KEY_FINDINGS)
    findings = {facet: find_facet(paper, facet, roles=roles, vectors=vectors) for facet in facets}
    df, n_docs = store.term_df(paper_terms(paper))
    hits = similar_papers(store, paper.id, similar)
    papers = store.get_papers(hit.paper_id for hit in hits)
    return Card(
        paper=paper,
        summary=find_summary(paper, findings["about"]),
        quick_answers=tuple(findings[f] for f in QUICK_ANSWERS),
        key_findings=tuple(findings[f] for f in KEY_FINDINGS),
        key_terms=tuple(key_terms(paper, df, n_docs, terms)),
        similar=tuple((papers[h.paper_id], h.score) for h in hits if h.paper_id in papers),
    )


def find_summary(paper: Paper, about: Finding) -> Finding:
    """The quick summary: the ingested TL;DR when there is one (labelled as machine-written), else "about"."""
    for facet, text in paper.summaries:
        if facet == "tldr":
            return Finding("summary", (Candidate(text, 0, "machine-written summary (tldr)", "summary:tldr"),), (1.0,))
    return Finding("summary", about.picked[:2], about.scores[:2])


def card_json(card: Card) -> dict[str, object]:
    def finding(f: Finding) -> dict[str, object]:
        return {
            "facet": f.facet,
            "title": FACET_TITLES.get(f.facet, f.facet),
            "stated": f.stated,
            "text": f.text,
            "source": f.provenance,
        }

    paper = card.paper
    return {
        "id": paper.id,
        "title": paper.title,
        "summary": finding(card.summary),
        "quick_answers": [finding(f) for f in card.quick_answers],
        "key_findings": [finding(f) for f in card.key_findings],
        "key_terms": [{"term": t, "weight": w} for t, w in card.key_terms],
        "details": details(paper),
        "similar": [{"id": p.id, "title": p.title, "score": round(s, 4)} for p, s in card.similar],
    }


def details(paper: Paper) -> dict[str, object]:
    fields: dict[str, object] = {
        "id": paper.id, "version": f"v{paper.version}" if paper.version else "", "authors": list(paper.authors),
        "announced": paper.announced, "published": paper.published, "updated": paper.updated,
        "primary_category": paper.primary_category, "categories": list(paper.categories), "comment": paper.comment,
        "journal_ref": paper.journal_ref, "doi": paper.doi, "license": paper.license,
        "abs_url": paper.abs_url, "pdf_url": paper.pdf_url,
    }  # fmt: skip
    return {name: value for name, value in fields.items() if value}
