"""The paper page: card sections, key terms, similar papers and citations, over the tiny real store."""

from __future__ import annotations

from retrieval.card import KEY_FINDINGS, QUICK_ANSWERS, card_json
from retrieval.cite import cite
from retrieval.library import Library
from retrieval.paper import Paper
from retrieval.terms import _overlaps, candidate_terms

SPEC = "2605.30580"


def test_card_has_every_section_and_honest_findings(library: Library) -> None:
    card = library.card(f"arXiv:{SPEC}v1")
    assert card is not None and card.paper.id == SPEC
    assert [f.facet for f in card.quick_answers] == list(QUICK_ANSWERS)
    assert [f.facet for f in card.key_findings] == list(KEY_FINDINGS)
    abstract = " ".join(card.paper.abstract.split())
    for finding in (*card.quick_answers, *card.key_findings):
        if finding.stated:  # every sentence is the paper's own
            assert all(c.text in abstract for c in finding.picked) and finding.provenance == "abstract"
        else:
            assert finding.text.startswith("The abstract does not state its")
    assert card.summary.stated and card.key_terms and len(card.similar) == 5
    assert SPEC not in [p.id for p, _ in card.similar]
    data = card_json(card)
    assert set(data) >= {"summary", "quick_answers", "key_findings", "key_terms", "details", "similar"}


def test_key_terms_are_weighted_and_never_repeat(library: Library) -> None:
    for paper_id in ("2605.30574", SPEC, "2604.09053"):
        card = library.card(paper_id)
        assert card is not None
        terms = [t for t, _ in card.key_terms]
        weights = [w for _, w in card.key_terms]
        assert weights == sorted(weights, reverse=True) and all(0 < w <= 1 for w in weights)
        assert not any(_overlaps(a, b) for i, a in enumerate(terms) for b in terms[i + 1 :]), terms


def test_candidate_terms_skip_latex_and_stop_words() -> None:
    terms = candidate_terms(r"We propose \textbf{Sparse Attention} for $O(n)$ long-context models.")
    assert "sparse attention" in terms and "long-context models" in terms
    assert not any(t in {"we", "propose", "textbf", "for"} for t in terms)


def test_unknown_paper_has_no_card(library: Library) -> None:
    assert library.card("2601.99999") is None


def test_citations() -> None:
    paper = Paper(
        "2405.08597",
        "Risks & Opportunities of Open-Source Generative AI",
        "An abstract.",
        authors=("Francisco Eiras", "Jakob Foerster"),
        categories=("cs.LG",),
        version=3,
        published="2024-05-14",
        doi="10.1/x",
    )
    bibtex = cite(paper, "bibtex")
    assert bibtex.startswith("@misc{eiras2024risks,")
    assert "title = {{Risks \\& Opportunities" in bibtex and "author = {Francisco Eiras and Jakob Foerster}" in bibtex
    assert "eprint = {2405.08597}" in bibtex and "doi = {10.1/x}" in bibtex and bibtex.endswith("}")
    ris = cite(paper, "ris").splitlines()
    assert ris[0] == "TY  - PREPRINT" and "AU  - Jakob Foerster" in ris and "DO  - 10.1/x" in ris
    assert ris[-1] == "ER  - "
