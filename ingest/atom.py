"""arXiv API Atom responses -> `Paper` records; arXiv's error feeds -> `ArxivError`.

Runs whenever an Atom document is read: each page the live client (`ingest/arxiv.py`) fetches, and
`.xml` files given to `paperbot ingest`. Understands both the current (2026) response layout and the
older one (2016) that declared the `arxiv:` namespace on each element. No I/O here.
"""

from __future__ import annotations

import logging
import xml.etree.ElementTree as ET
from collections.abc import Callable

from ingest.records import clean_text, iso_date
from retrieval.errors import ArxivError, SourceError
from retrieval.paper import Paper, split_version

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"
OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"
SOURCE_LABEL = "arxiv-api"
_AUTHOR_NAME = f"{ATOM}author/{ATOM}name"

logger = logging.getLogger(__name__)


def parse_atom(xml_text: str, on_skip: Callable[[str], None] | None = None) -> list[Paper]:
    """The papers of one Atom response; `ArxivError` for an error feed, `SourceError` for bad XML."""
    return papers_from_feed(parse_xml(xml_text), on_skip)


def parse_xml(xml_text: str) -> ET.Element:
    """The document's root element. Documents with a DTD are refused: a feed never needs entities."""
    if "<!DOCTYPE" in xml_text or "<!ENTITY" in xml_text:
        raise SourceError(
            "XML with a DOCTYPE or entity declaration refused",
            user_message="That XML file declares a DOCTYPE or entities, which paperbot does not accept.",
        )
    try:
        return ET.fromstring(xml_text)
    except ET.ParseError as exc:
        raise SourceError(f"malformed XML: {exc}", user_message=f"That XML is not well-formed ({exc}).") from exc


def papers_from_feed(root: ET.Element, on_skip: Callable[[str], None] | None = None) -> list[Paper]:
    """Every entry of a parsed feed with an id and a title; entries without are reported to `on_skip`."""
    if root.tag != f"{ATOM}feed":
        raise SourceError(f"root element {root.tag!r} is not an Atom feed", user_message="Not an Atom feed.")
    check_error_feed(root)
    papers: list[Paper] = []
    for number, entry in enumerate(root.iterfind(f"{ATOM}entry"), start=1):
        try:
            papers.append(paper_from_entry(entry))
        except ValueError as exc:
            (on_skip or _log_skip)(f"entry {number}: {exc}")
    return papers


def check_error_feed(root: ET.Element) -> None:
    """Raise `ArxivError` with arXiv's own words when the feed is an error report."""
    for entry in root.iterfind(f"{ATOM}entry"):
        if "api/errors" in _text(entry, f"{ATOM}id"):
            message = _text(entry, f"{ATOM}summary") or _text(entry, f"{ATOM}title") or "unspecified error"
            raise ArxivError(f"arXiv API error: {message}", user_message=f"arXiv refused the request: {message}.")


def total_results(root: ET.Element) -> int | None:
    """How many results the whole query has (`opensearch:totalResults`), when the feed says."""
    text = _text(root, f"{OPENSEARCH}totalResults")
    return int(text) if text.isdigit() else None


def paper_from_entry(entry: ET.Element) -> Paper:
    """One `<entry>` as a `Paper`; `ValueError` when it lacks an id, a title or a summary."""
    raw_id = _text(entry, f"{ATOM}id")
    paper_id, version = split_version(raw_id)
    title, abstract = _text(entry, f"{ATOM}title"), _text(entry, f"{ATOM}summary")
    if not (paper_id and title and abstract):
        raise ValueError(f"entry {paper_id or '(no id)'} lacks an id, a title or a summary")
    categories = [clean_text(c.get("term")) for c in entry.iterfind(f"{ATOM}category")]
    primary = entry.find(f"{ARXIV}primary_category")
    return Paper(
        id=paper_id,
        title=title,
        abstract=abstract,
        authors=tuple(name for name in (clean_text(n.text) for n in entry.iterfind(_AUTHOR_NAME)) if name),
        categories=tuple(dict.fromkeys(c for c in categories if c)),
        version=version,
        primary_category=clean_text(primary.get("term")) if primary is not None else "",
        comment=_text(entry, f"{ARXIV}comment"),
        journal_ref=_text(entry, f"{ARXIV}journal_ref"),
        doi=_text(entry, f"{ARXIV}doi"),
        published=iso_date(_text(entry, f"{ATOM}published")),
        updated=iso_date(_text(entry, f"{ATOM}updated")),
        source=SOURCE_LABEL,
    )


def _text(element: ET.Element, tag: str) -> str:
    child = element.find(tag)
    return clean_text(child.text) if child is not None else ""


def _log_skip(reason: str) -> None:
    logger.warning("skipped Atom %s", reason)
