"""Answers from a paper's record rather than its text: authors, dates, categories, comments and venue."""

from __future__ import annotations

from retrieval.paper import Paper

METADATA_FACETS = frozenset({"authors", "date", "categories", "comment"})
AUTHORS_SHOWN = 12


def describe(paper: Paper, facet: str) -> tuple[str, str]:
    """The answer for a metadata facet, and the record's value it is taken from ("" when it has none)."""
    if facet == "authors":
        return describe_authors(paper), ", ".join(paper.authors)
    if facet == "date":
        return describe_date(paper), paper.date
    if facet == "categories":
        return describe_categories(paper), ", ".join(paper.categories)
    if facet == "comment":
        return describe_comment(paper), "; ".join(x for x in (paper.comment, paper.journal_ref, paper.doi) if x)
    raise ValueError(f"not a metadata facet: {facet}")


def describe_authors(paper: Paper) -> str:
    if not paper.authors:
        return "The record does not list the authors."
    names = ", ".join(paper.authors[:AUTHORS_SHOWN])
    more = f" and {len(paper.authors) - AUTHORS_SHOWN} more" if len(paper.authors) > AUTHORS_SHOWN else ""
    return f"Written by {names}{more}."


def describe_date(paper: Paper) -> str:
    parts = []
    if paper.announced:
        parts.append(f"announced {paper.announced}")
    if paper.published:
        parts.append(f"first submitted {paper.published}")
    if paper.updated and paper.updated != paper.published:
        parts.append(f"updated {paper.updated}")
    if paper.version:
        parts.append(f"the version I hold is v{paper.version}")
    if not parts:
        return "The record does not give a date."
    return f"{'; '.join(parts).capitalize()}."


def describe_categories(paper: Paper) -> str:
    categories = list(dict.fromkeys([c for c in (paper.primary_category, *paper.categories) if c]))
    if not categories:
        return "The record does not list its arXiv categories."
    rest = f", also {', '.join(categories[1:])}" if len(categories) > 1 else ""
    return f"Listed in {categories[0]} (primary){rest}."


def describe_comment(paper: Paper) -> str:
    parts = []
    if paper.comment:
        parts.append(f"Comments: {paper.comment}")
    if paper.journal_ref:
        parts.append(f"Journal reference: {paper.journal_ref}")
    if paper.doi:
        parts.append(f"DOI: {paper.doi}")
    if not parts:
        return "The record has no comments, venue or journal reference."
    return " ".join(p if p.endswith(".") else p + "." for p in parts)
