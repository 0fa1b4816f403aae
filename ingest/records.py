"""Field-level normalisation shared by every reader: text, authors, dates, versions, summaries.

Runs inside ingest, once per record, when `formats` reads a file or `atom` reads a feed. Pure
functions: a loose JSON record (any of the layouts in `formats`) goes in, a `Paper` comes out, or a
`ValueError` whose message says which field was wrong (the caller skips and counts the record).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any

from retrieval.paper import Paper, split_version

# C0/C1 control characters other than whitespace: they carry no meaning in a title or abstract and
# can drive a terminal (ESC sequences) when `paperbot ask` prints them.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x84\x86-\x9f]")
_ISO_DATE_RE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$")
_AUTHOR_SEP_RE = re.compile(r",\s*and\s+|,|\s+and\s+")
_AFFILIATION_RE = re.compile(r"\s+\([^()]*\)")
_REVISED_RE = re.compile(r"\bv(\d+)\b")
# Model summaries that are really failure notices: "Summary generation failed", "... unavailable".
_PLACEHOLDER_RE = re.compile(r"^[\w\s-]{0,60}\b(?:failed|unavailable|n/a|error)\.?$", re.IGNORECASE)
SUMMARY_FACETS = ("tldr", "motivation", "method", "result", "conclusion")


def clean_text(value: object) -> str:
    """Whitespace collapsed to single spaces, control characters dropped; LaTeX and HTML kept as data."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError(f"expected text, got {type(value).__name__}")
    return " ".join(_CONTROL_RE.sub("", value).split())


def split_authors(value: object) -> tuple[str, ...]:
    """A list of names, or one string `"A, B and C"` / `"A (Univ X), B"`, as a tuple of names."""
    if value is None:
        return ()
    if isinstance(value, list):
        return tuple(name for name in (clean_text(item) for item in value) if name)
    text = _AFFILIATION_RE.sub("", clean_text(value))  # affiliations may hold commas: drop them first
    return tuple(name.strip() for name in _AUTHOR_SEP_RE.split(text) if name.strip())


def iso_date(value: object) -> str:
    """`YYYY-MM-DD` from an ISO timestamp or an RFC 2822 date (`Mon, 2 Apr 2007 19:18:42 GMT (9kb)`)."""
    text = clean_text(value)
    if not text:
        return ""
    iso = _ISO_DATE_RE.match(text)
    if iso:
        return datetime.strptime(iso.group(1), "%Y-%m-%d").date().isoformat()
    try:
        return parsedate_to_datetime(text.split("(")[0].strip()).date().isoformat()
    except (TypeError, ValueError) as exc:
        raise ValueError(f"unreadable date {text[:40]!r}") from exc


def read_versions(value: object) -> tuple[int | None, str, str]:
    """(latest version, date of v1, date of the latest version) from a Kaggle or arxiv-browse list."""
    if not isinstance(value, list) or not value:
        return None, "", ""
    dated: dict[int, str] = {}
    for position, item in enumerate(value, start=1):
        if not isinstance(item, Mapping):
            raise ValueError("versions must be objects")
        label = str(item.get("version") or item.get("label") or "")
        number = _REVISED_RE.search(label)
        dated[int(number.group(1)) if number else position] = iso_date(item.get("created") or item.get("value"))
    latest = max(dated)
    return latest, dated.get(1, ""), dated[latest]


def read_summaries(value: object) -> tuple[tuple[str, str], ...]:
    """The model-written facets of a summaries record, without failure placeholders or blanks."""
    if not isinstance(value, Mapping):
        return ()
    facets = [f for f in SUMMARY_FACETS if f in value] + [f for f in value if f not in SUMMARY_FACETS]
    kept: list[tuple[str, str]] = []
    for facet in facets:
        text = clean_text(value[facet]) if isinstance(value[facet], str) else ""
        if text and not _PLACEHOLDER_RE.match(text):
            kept.append((str(facet), text))
    return tuple(kept)


def read_categories(value: object) -> tuple[str, ...]:
    """A list of categories or Kaggle's space-separated string, in order, without repeats."""
    if value is None:
        return ()
    items = value.split() if isinstance(value, str) else value
    if not isinstance(items, list):
        raise ValueError("categories must be a list or a string")
    return tuple(dict.fromkeys(c for c in (clean_text(item) for item in items) if c))


def paper_from_record(record: Mapping[str, Any], source: str = "") -> Paper:
    """One JSON record (normalised daily, Kaggle, arxiv-browse, summaries, SciFact, plain) as a `Paper`."""
    if "doc_id" in record and isinstance(record.get("abstract"), list):
        return _paper_from_scifact(record)
    raw_id = record.get("id")
    if not isinstance(raw_id, str | int) or isinstance(raw_id, bool):
        raise ValueError("missing id")
    paper_id, id_version = split_version(str(raw_id))
    title = clean_text(record.get("title"))
    abstract = clean_text(_first(record, "abstract", "summary"))
    _require(paper_id, title, abstract)
    version, first, latest = read_versions(record.get("versions"))
    categories = read_categories(record.get("categories"))
    primary = clean_text(record.get("primary_category")) or (categories[0] if categories else "")
    return Paper(
        id=paper_id,
        title=title,
        abstract=abstract,
        authors=split_authors(record.get("authors")),
        categories=categories or ((primary,) if primary else ()),
        version=id_version or version,
        primary_category=primary,
        comment=clean_text(_first(record, "comment", "comments")),
        journal_ref=clean_text(_first(record, "journal_ref", "journal-ref")),
        doi=clean_text(record.get("doi")),
        license=clean_text(record.get("license")),
        published=iso_date(record.get("published")) or first,
        updated=iso_date(record.get("updated")) or latest,
        announced=iso_date(_first(record, "announced_date", "announced")),
        summaries=read_summaries(_first(record, "AI", "summaries")),
        source=source,
    )


def _paper_from_scifact(record: Mapping[str, Any]) -> Paper:
    doc_id = record["doc_id"]
    if not isinstance(doc_id, str | int) or isinstance(doc_id, bool):
        raise ValueError("doc_id must be a number or a string")
    sentences = [clean_text(s) for s in record["abstract"]]
    paper_id, title, abstract = f"scifact-{doc_id}", clean_text(record.get("title")), " ".join(sentences)
    _require(paper_id, title, abstract.strip())
    return Paper(id=paper_id, title=title, abstract=" ".join(abstract.split()), source="scifact")


def _first(record: Mapping[str, Any], *keys: str) -> Any:
    for key in keys:
        if record.get(key) is not None:
            return record[key]
    return None


def _require(paper_id: str, title: str, abstract: str) -> None:
    missing = [name for name, value in (("id", paper_id), ("title", title), ("abstract", abstract)) if not value]
    if missing:
        raise ValueError("missing " + " and ".join(missing))
