"""bot/render.py: escaping, cards and splitting, checked against the fake Bot API's HTML parser."""

from __future__ import annotations

import re

import pytest

from bot.cardview import quick
from bot.render import (
    TELEGRAM_LIMIT,
    format_authors,
    render_html,
    render_paper_html,
    render_paper_text,
    render_text,
    split_html,
)
from retrieval.answer import Answer, Source
from retrieval.compose import Candidate, Finding
from retrieval.paper import Paper
from tests.telegram_html import HtmlError, parse_html, utf16_len

HOSTILE = "<script>alert('x')</script> & \"quotes\" &amp; &bogus; </b> \x00\x07\x1b[31m\r\n\ud800 end"
PAPER = Paper(
    id="2405.08597",
    title='Less <is> More & "Better"',
    abstract="We show that <b>fewer</b> tokens & smaller caches suffice. " * 40,
    authors=tuple(f"Author {n}" for n in range(300)),
    categories=("cs.LG", "cs.CL"),
    primary_category="cs.CL",
    comment="12 pages, <i>accepted</i> at ACL & co",
    published="2024-05-14",
    version=2,
)


def visible(text: str) -> str:
    return "".join(text.split())


def test_hostile_text_is_escaped_and_accepted() -> None:
    source = Source(id="x/<y>", title=HOSTILE, score=0.5, passage=HOSTILE)
    answer = Answer(question=HOSTILE, facet="about", text=HOSTILE, paper=PAPER, sources=(source,))
    html = render_html(answer)
    shown = parse_html(html)  # raises HtmlError if Telegram would refuse it
    assert "<script>alert('x')</script>" in shown
    assert "&amp; &bogus;" in shown
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]", shown)
    assert f'<a href="https://arxiv.org/abs/2405.08597">{"Less &lt;is&gt; More"}' in html


def test_the_parser_refuses_what_telegram_refuses() -> None:
    for bad in ("<script>x</script>", "a & b", "<b>open", "<b><i>x</b></i>", "&nbsp;", "1 < 2"):
        with pytest.raises(HtmlError):
            parse_html(bad)
    assert parse_html('<b>a</b> <a href="https://x.org/?a=1&amp;b=2">&#x1F600;&#39;</a>') == "a 😀'"


def test_topic_answer_lists_papers_with_links() -> None:
    sources = (Source("2405.08597", "Less is more", 0.9, "Fewer tokens suffice. " * 30), Source("n/a", "", 0.1, ""))
    html = render_html(Answer(question="q", facet="search", text="Papers that match: ...", sources=sources))
    assert '1. Less is more [<a href="https://arxiv.org/abs/2405.08597">2405.08597</a>]' in html
    assert "2. n/a [n/a]" in html
    assert "…" in parse_html(html)
    text = render_text(Answer(question="q", facet="search", text="It is about caches.", sources=sources))
    assert "Papers that match:\n  1. Less is more [2405.08597]" in text


def test_paper_answer_names_where_its_sentences_come_from() -> None:
    sources = (Source(PAPER.id, PAPER.title, 0.9, "A."), Source(PAPER.id, PAPER.title, 0.8, "B.", "summary:method"))
    answer = Answer(question="q", facet="method", text="A. B.", paper=PAPER, sources=sources)
    assert parse_html(render_html(answer)).endswith("Source: the abstract and a machine-written summary")
    assert render_text(answer).endswith("Source: the abstract and a machine-written summary, " + PAPER.abs_url)


def test_card_of_a_paper_with_300_authors() -> None:
    html = render_paper_html(PAPER)
    shown = parse_html(html)
    assert "Author 0, Author 1" in shown and "Author 9 and 290 more" in shown
    assert "Author 10" not in shown
    assert "arXiv:2405.08597v2" in shown and "2024-05-14 · cs.CL, cs.LG" in shown
    assert "<i>accepted</i> at ACL & co" in shown
    assert '<a href="https://arxiv.org/pdf/2405.08597">pdf</a>' in html
    assert utf16_len(shown) < TELEGRAM_LIMIT
    assert "Author 9 and 290 more" in render_paper_text(PAPER)


def test_format_authors() -> None:
    assert format_authors(()) == ""
    assert format_authors(("A",)) == "A"
    assert format_authors(("A", "B", "C")) == "A, B and C"


def test_a_20k_answer_splits_into_valid_messages() -> None:
    paragraph = 'Results <&> "quoted" and more words here.\n' * 10
    text = "\n".join(paragraph for _ in range(50))
    answer = Answer(question="q", facet="about", text=text, paper=PAPER)
    html = render_html(answer)
    chunks = split_html(html)
    assert len(text) > 20_000 and len(chunks) >= 5
    shown = [parse_html(chunk) for chunk in chunks]
    assert all(0 < utf16_len(s) <= TELEGRAM_LIMIT for s in shown)
    assert visible("".join(shown)) == visible(parse_html(html))
    assert all(s.endswith("here.") for s in shown[:-1])  # cut at line ends, not inside words


def test_split_counts_utf16_and_never_cuts_entities_or_tags() -> None:
    html = "<b>" + "😀&amp;" * 3000 + "</b>"
    chunks = split_html(html, limit=100)
    for chunk in chunks:
        assert chunk.startswith("<b>") and chunk.endswith("</b>")
        assert utf16_len(parse_html(chunk)) <= 100
    assert "".join(parse_html(c) for c in chunks) == "😀&" * 3000


def test_split_reopens_nested_tags_and_prefers_paragraphs() -> None:
    html = '<b>bold <a href="https://x.org/">one two three</a></b>\n\nnext paragraph'
    assert split_html(html, limit=15) == [
        '<b>bold <a href="https://x.org/">one two</a></b>',
        '<b><a href="https://x.org/">three</a></b>\n\nnext',
        "paragraph",
    ]
    assert split_html("aaaa bbbb\n\ncc dd ee", limit=15) == ["aaaa bbbb", "cc dd ee"]
    assert split_html("aaaa bbbb\ncc dd ee", limit=15) == ["aaaa bbbb", "cc dd ee"]
    assert split_html("short <i>text</i>") == ["short <i>text</i>"]
    assert split_html("  \n ") == []
    assert split_html("abcdef", limit=4) == ["abcd", "ef"]


@pytest.mark.parametrize("facet", ["method", "search"])
def test_generated_answers_show_their_numbered_passages_and_model(facet: str) -> None:
    sources = (Source(PAPER.id, PAPER.title, 0.0, HOSTILE), Source(PAPER.id, PAPER.title, 0.0, "Fewer tokens."))
    paper = None if facet == "search" else PAPER
    answer = Answer("q", facet, "Fewer <b>tokens</b> suffice [1].", paper, sources, generated_by="m<1>")
    html_text = render_html(answer)
    parse_html(html_text)
    assert "Fewer &lt;b&gt;tokens&lt;/b&gt; suffice [1]." in html_text and "Written by m&lt;1&gt;" in html_text
    text = render_text(answer)
    assert "suffice [1]." in text and "Written by m<1>" in text and "\x1b" not in text
    if facet == "method":
        assert "[2] <i>“Fewer tokens.”</i>" in html_text and '[2] "Fewer tokens."' in text


def test_a_quick_answer_is_the_best_scored_sentence_not_the_first_picked() -> None:
    background = Candidate("Caches grow with context.", 0, "abstract")
    method = Candidate("We quantise keys to two bits.", 3, "abstract")
    assert quick(Finding("method", (background, method), (0.1, 0.5))) == "We quantise keys to two bits."
    assert quick(Finding("limitations", (), ())) == "The abstract does not state its limitations."
