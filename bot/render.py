"""Formatting for the surfaces: an `Answer` or a `Paper` as Telegram HTML or terminal text.

Pure functions, no I/O. Every string that comes from a user or a paper goes through `_escape`
(HTML) or `_clean` (terminal), so hostile text can neither break Telegram's HTML parser nor send
escape sequences to a terminal. `split_html` cuts long HTML into messages Telegram accepts.
"""

from __future__ import annotations

import bisect
import html
import itertools
import re
from dataclasses import dataclass
from typing import Protocol

from retrieval.answer import Answer, Source
from retrieval.card import Card
from retrieval.paper import Paper, is_arxiv_id

TELEGRAM_LIMIT = 4096  # characters of a message after entity parsing, counted in UTF-16 code units
SOURCES_SHOWN = 5
PASSAGE_CHARS = 160
ABSTRACT_CHARS = 700
COMMENT_CHARS = 300
AUTHORS_SHOWN = 10
KIND_NAMES = {"abstract": "the abstract", "summary": "a machine-written summary", "metadata": "the arXiv record"}

_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")  # keeps \t and \n


class Library(Protocol):
    """What both surfaces (Telegram and the terminal chat) need from retrieval."""

    def ask(self, question: str, current: str | None = None) -> Answer: ...

    def get_paper(self, paper_id: str) -> Paper | None: ...

    def card(self, paper_id: str) -> Card | None: ...


def render_html(answer: Answer) -> str:
    """The answer as Telegram HTML: the paper's title (linked), the answer text, then where it came from."""
    parts = []
    if answer.paper is not None:
        paper = answer.paper
        parts.append(f"<b>{link(paper.title or paper.id, paper.abs_url)}</b> ({escape(paper.id)})")
    if answer.facet == "search" and answer.sources:
        if answer.generated_by:
            parts.append(escape(answer.text.strip()))
        lines = [_source_html(n, s) for n, s in enumerate(answer.sources[:SOURCES_SHOWN], 1)]
        parts.append("\n".join(["<b>Papers that match</b>", *lines]))
    else:
        parts.append(escape(answer.text.strip()) or "(no answer)")
        if answer.generated_by:
            quotes = [
                f"[{n}] <i>“{escape(excerpt(s.passage, PASSAGE_CHARS))}”</i>" for n, s in enumerate(answer.sources, 1)
            ]
            parts.append("\n".join(quotes))
        if answer.paper is not None and provenance(answer):
            parts.append(f"<i>Source: {escape(provenance(answer))}</i>")
    if answer.generated_by:
        parts.append(f"<i>{escape(generated_note(answer))}</i>")
    return "\n\n".join(parts)


def generated_note(answer: Answer) -> str:
    return f"Written by {answer.generated_by} from the numbered passages; each sentence cites its passage."


def provenance(answer: Answer) -> str:
    """Where a paper answer's sentences come from, e.g. 'the abstract and a machine-written summary'."""
    kinds = [KIND_NAMES[s.kind.split(":")[0]] for s in answer.sources if s.kind.split(":")[0] in KIND_NAMES]
    return " and ".join(dict.fromkeys(kinds))


def render_paper_html(paper: Paper, abstract: bool = True) -> str:
    """A paper as Telegram HTML: title, id, authors, date, categories, comment, abstract excerpt, links."""
    lines = [f"<b>{link(paper.title or paper.id, paper.abs_url)}</b>", escape(_full_id(paper))]
    if paper.authors:
        lines.append(escape(format_authors(paper.authors)))
    details = " · ".join(x for x in (paper.date, ", ".join(_categories(paper))) if x)
    if details:
        lines.append(escape(details))
    if paper.comment:
        lines.append(f"<i>Comment:</i> {escape(excerpt(paper.comment, COMMENT_CHARS))}")
    if abstract:
        lines.extend(["", escape(excerpt(paper.abstract, ABSTRACT_CHARS)) or "(no abstract)"])
    links = [link(name, url) for name, url in (("abs", paper.abs_url), ("pdf", paper.pdf_url)) if url]
    if links:
        lines.extend(["", " · ".join(links)])
    return "\n".join(lines)


def render_text(answer: Answer) -> str:
    """The answer as plain terminal text, with its sources."""
    parts = []
    if answer.paper is not None:
        parts.append(clean(f"{answer.paper.title or answer.paper.id} ({answer.paper.id})"))
    if answer.facet == "search" and answer.sources:
        if answer.generated_by:
            parts.append(clean(answer.text.strip()))
        lines = ["Papers that match:"]
        for number, source in enumerate(answer.sources[:SOURCES_SHOWN], 1):
            lines.append(clean(f"  {number}. {source.title or source.id} [{source.id}]"))
            quote = excerpt(source.passage, PASSAGE_CHARS)
            if quote:
                lines.append(f'     "{quote}"')
        parts.append("\n".join(lines))
    else:
        parts.append(clean(answer.text.strip()) or "(no answer)")
        if answer.generated_by:
            parts.append(
                "\n".join(f'[{n}] "{excerpt(s.passage, PASSAGE_CHARS)}"' for n, s in enumerate(answer.sources, 1))
            )
        if answer.paper is not None and provenance(answer):
            parts.append(clean(f"Source: {provenance(answer)}, {answer.paper.abs_url or answer.paper.id}"))
    if answer.generated_by:
        parts.append(clean(generated_note(answer)))
    return "\n\n".join(parts)


def render_paper_text(paper: Paper, abstract: bool = True) -> str:
    """A paper as plain terminal text: the same parts as `render_paper_html`."""
    lines = [paper.title or paper.id, _full_id(paper)]
    if paper.authors:
        lines.append(format_authors(paper.authors))
    details = " · ".join(x for x in (paper.date, ", ".join(_categories(paper))) if x)
    if details:
        lines.append(details)
    if paper.comment:
        lines.append(f"Comment: {excerpt(paper.comment, COMMENT_CHARS)}")
    if abstract:
        lines.extend(["", excerpt(paper.abstract, ABSTRACT_CHARS) or "(no abstract)"])
    if paper.abs_url:
        lines.extend(["", f"{paper.abs_url} · {paper.pdf_url}"])
    return "\n".join(clean(line) for line in lines)


def format_authors(authors: tuple[str, ...], shown: int = AUTHORS_SHOWN) -> str:
    """`'A, B and C'`; a long list is cut to the first `shown` names and 'and N more'."""
    if len(authors) > shown:
        return f"{', '.join(authors[:shown])} and {len(authors) - shown} more"
    if len(authors) > 1:
        return f"{', '.join(authors[:-1])} and {authors[-1]}"
    return "".join(authors)


def excerpt(text: str, limit: int) -> str:
    """The text on one line, cut at a word boundary to at most `limit` characters (with '…')."""
    flat = " ".join(clean(text).split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip(" ,;:") + "…"


def _full_id(paper: Paper) -> str:
    version = f"v{paper.version}" if paper.version else ""
    return f"arXiv:{paper.id}{version}" if is_arxiv_id(paper.id) else paper.id


def _categories(paper: Paper) -> list[str]:
    first = [paper.primary_category] if paper.primary_category else []
    return list(dict.fromkeys([*first, *paper.categories]))


def _source_html(number: int, source: Source) -> str:
    url = f"https://arxiv.org/abs/{source.id}" if is_arxiv_id(source.id) else ""
    line = f"{number}. {escape(source.title or source.id)} [{link(source.id, url)}]"
    quote = excerpt(source.passage, PASSAGE_CHARS)
    return f"{line}\n<i>“{escape(quote)}”</i>" if quote else line


def link(text: str, url: str) -> str:
    if not url:
        return escape(text)
    return f'<a href="{escape(url)}">{escape(text)}</a>'


def clean(text: str) -> str:
    """Text without control characters (but newlines and tabs) and without lone surrogates."""
    return _CONTROL_RE.sub(" ", text.replace("\r\n", "\n"))


def escape(text: str) -> str:
    return html.escape(clean(text), quote=True)


# --- splitting --------------------------------------------------------------------------------

_ATOM_RE = re.compile(r"<(/?)([\w-]+)[^<>]*>|&#?\w+;|.", re.DOTALL)
_PREFERRED_BREAKS = ("\n\n", "\n", " ")


@dataclass(frozen=True)
class _Atom:
    raw: str  # as written: one character, one entity (`&amp;`) or one tag
    text: str  # what Telegram shows for it: "" for a tag
    tag: str  # "" for text, "b" for `<b ...>`, "/b" for `</b>`


def split_html(text: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Cut Telegram HTML into well-formed messages of at most `limit` UTF-16 units of visible text.

    Cuts fall between atoms (characters, entities, tags), preferably at a paragraph break, then a
    line break, then a space in the second half of a chunk. Tags open at a cut are closed before it
    and reopened after it; whitespace at a cut is dropped. Blank input gives no messages.
    """
    atoms = _atoms(text)
    visible = [i for i, atom in enumerate(atoms) if not atom.tag]
    chars = "".join(atoms[i].text for i in visible)
    weights = list(itertools.accumulate((2 if ord(c) > 0xFFFF else 1 for c in chars), initial=0))
    chunks: list[str] = []
    stack: list[_Atom] = []
    low, start = 0, _skip_space(chars, 0)
    while start < len(chars):
        end = _find_break(chars, weights, start, limit)
        following = _skip_space(chars, end)
        high = visible[following] if following < len(chars) else len(atoms)
        chunks.append(_render_chunk(atoms[low:high], stack, low, (visible[start], visible[end - 1])))
        low, start = high, following
    return chunks


def _atoms(text: str) -> list[_Atom]:
    atoms = []
    for match in _ATOM_RE.finditer(text):
        raw = match.group(0)
        decoded = html.unescape(raw)
        if match.group(2):
            atoms.append(_Atom(raw, "", match.group(1) + match.group(2).lower()))
        elif len(decoded) == 1:
            atoms.append(_Atom(raw, decoded, ""))
        else:  # not an entity after all: plain characters
            atoms.extend(_Atom(c, c, "") for c in raw)
    return atoms


def _skip_space(chars: str, position: int) -> int:
    while position < len(chars) and chars[position].isspace():
        position += 1
    return position


def _find_break(chars: str, weights: list[int], start: int, limit: int) -> int:
    """The end (exclusive) of the chunk starting at `start`."""
    end = bisect.bisect_right(weights, weights[start] + limit) - 1
    if end >= len(chars):
        return len(chars)
    end = max(end, start + 1)  # a limit smaller than one character still makes progress
    window = chars[start:end]
    for separator in _PREFERRED_BREAKS:
        at = window.rfind(separator)
        if at > len(window) // 2:
            return start + at
    return end


def _render_chunk(atoms: list[_Atom], stack: list[_Atom], offset: int, shown: tuple[int, int]) -> str:
    """Atoms of one chunk (tags always, text only within `shown`), with `stack` reopened and closed.

    `stack` holds the tags open before the chunk and is updated to those open after it.
    """
    out = [atom.raw for atom in stack]
    for index, atom in enumerate(atoms, offset):
        if atom.tag.startswith("/"):
            if stack:
                stack.pop()
            out.append(atom.raw)
        elif atom.tag:
            stack.append(atom)
            out.append(atom.raw)
        elif shown[0] <= index <= shown[1]:
            out.append(atom.raw)
    out.extend(f"</{atom.tag}>" for atom in reversed(stack))
    return "".join(out)
