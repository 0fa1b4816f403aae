"""A paper's card (retrieval/card.py) as terminal text and as Telegram HTML.

Same sections on both surfaces, in ArxivLens's order: quick summary, Quick Answers (one sentence
each), Key Findings (in full), key terms with weights, details, similar papers, how to cite. Each
finding names its source; a facet the abstract is silent on says "not stated".
"""

from __future__ import annotations

from bot.render import escape, excerpt, link, render_paper_html, render_paper_text
from retrieval.card import FACET_TITLES, Card, details
from retrieval.compose import Finding
from retrieval.passages import split_sentences

QUICK_CHARS = 260
NO_SIMILAR = "none: the library holds no other paper close to it yet"
DETAIL_NAMES = {
    "version": "Version", "announced": "Announced", "published": "First version", "updated": "This version",
    "primary_category": "Primary category", "categories": "Categories", "comment": "Comments",
    "journal_ref": "Journal", "doi": "DOI", "license": "License",
}  # fmt: skip


def quick(finding: Finding) -> str:
    """A Quick Answer: the first sentence of the finding's best-scored passage, shortened."""
    best = finding.best
    if best is None:
        return finding.text
    first = split_sentences(best.text) or [best.text]
    return excerpt(first[0], QUICK_CHARS)


def detail_rows(card: Card) -> list[tuple[str, str]]:
    rows = []
    for key, value in details(card.paper).items():
        if key in DETAIL_NAMES:
            shown = ", ".join(value) if isinstance(value, list) else str(value)
            rows.append((DETAIL_NAMES[key], shown))
    return rows


def render_card_text(card: Card) -> str:
    p = card.paper
    parts = [render_paper_text(p, abstract=False), f"Quick summary [{card.summary.provenance}]\n  {card.summary.text}"]
    parts.append(
        "Quick answers\n"
        + "\n".join(f"  {FACET_TITLES[f.facet]} {quick(f)} [{f.provenance}]" for f in card.quick_answers)
    )
    parts.append(
        "Key findings\n" + "\n".join(f"  {FACET_TITLES[f.facet]}: {f.text} [{f.provenance}]" for f in card.key_findings)
    )
    parts.append("Key terms: " + (", ".join(f"{t} ({w:.3f})" for t, w in card.key_terms) or "none"))
    parts.append("Details\n" + "\n".join(f"  {name}: {value}" for name, value in detail_rows(card)))
    rows = [f"  {n}. {q.title} [{q.id}] ({score:.2f})" for n, (q, score) in enumerate(card.similar, 1)]
    parts.append("Similar papers\n" + ("\n".join(rows) or f"  {NO_SIMILAR}"))
    parts.append(f"Cite: paperbot cite {p.id} --format bibtex (or ris)")
    return "\n\n".join(parts)


def render_card_html(card: Card) -> str:
    p = card.paper
    source = f" <i>[{escape(card.summary.provenance)}]</i>"
    parts = [render_paper_html(p, abstract=False), f"<b>Quick summary</b>\n{escape(card.summary.text)}{source}"]
    parts.append("<b>Quick answers</b>\n" + "\n".join(_finding_html(f, quick(f)) for f in card.quick_answers))
    parts.append("<b>Key findings</b>\n" + "\n".join(_finding_html(f, f.text) for f in card.key_findings))
    parts.append("<b>Key terms</b> " + (escape(", ".join(f"{t} ({w:.3f})" for t, w in card.key_terms)) or "none"))
    parts.append("<b>Details</b>\n" + "\n".join(f"{escape(n)}: {escape(v)}" for n, v in detail_rows(card)))
    rows = [f"{n}. {link(q.title, q.abs_url)} ({escape(q.id)})" for n, (q, _) in enumerate(card.similar, 1)]
    parts.append("<b>Similar papers</b>\n" + ("\n".join(rows) or NO_SIMILAR))
    parts.append(f"Cite: /cite {escape(p.id)} (BibTeX) or /cite {escape(p.id)} ris")
    return "\n\n".join(parts)


def _finding_html(finding: Finding, text: str) -> str:
    title = escape(FACET_TITLES[finding.facet])
    return f"• <b>{title}</b> {escape(text)} <i>[{escape(finding.provenance)}]</i>"
