"""Paper files -> `Paper` records: `.jsonl` (line per record), `.json` (record or list) and `.xml` (Atom).

Runs first in `paperbot ingest FILE...`, before anything touches the store. The JSONL layout is told
per line from its fields: the normalised daily files, the Kaggle arXiv snapshot, arxiv-browse `.abs`
records, the LLM summaries files, the SciFact corpus, or a plain record with id/title/abstract.
A bad line (invalid JSON, no id, no title or abstract) is skipped and reported to `on_skip` with its
line number; good lines around it are still read. Only a file that cannot be read at all raises
`SourceError`: at the call for a missing file or unknown extension, on iteration otherwise.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from ingest.atom import ATOM, papers_from_feed, parse_xml
from ingest.records import paper_from_record
from retrieval.errors import SourceError
from retrieval.paper import Paper

SkipHandler = Callable[[str], None]
OAI_PMH_ROOT = "{http://www.openarchives.org/OAI/2.0/}OAI-PMH"
# A record's fields that name its layout; the label ends up in `Paper.source`.
_LAYOUT_HINTS = (("doc_id", "scifact"), ("AI", "summaries"), ("announced_date", "arxiv-daily"))

logger = logging.getLogger(__name__)


def read_source(path: Path, on_skip: SkipHandler | None = None) -> Iterator[Paper]:
    """Every good record in the file at `path`, in file order; each skipped one is told to `on_skip`.

    `on_skip` gets a one-line reason naming the line (or record) number; by default it is logged.
    Pass e.g. `skipped.append` to count them.
    """
    readers = {".jsonl": _read_jsonl, ".json": _read_json, ".xml": _read_xml}
    reader = readers.get(path.suffix.lower())
    if reader is None:
        raise SourceError(
            f"{path}: unknown extension {path.suffix!r}",
            user_message=f"Cannot read {path.name}: expected a .jsonl, .json or .xml file.",
        )
    if not path.is_file():
        raise SourceError(f"{path}: not a file", user_message=f"{path} does not exist or is not a file.")
    return reader(path, on_skip or _log_skip)


def detect_layout(record: Mapping[str, Any]) -> str:
    """The name of a JSON record's layout, from the fields it has (`kaggle`, `scifact`, ...)."""
    for field, label in _LAYOUT_HINTS:
        if field in record:
            return label
    versions = record.get("versions")
    if isinstance(versions, list) and versions and isinstance(versions[0], Mapping):
        return "kaggle" if "created" in versions[0] else "arxiv-browse"
    return "records"


def _read_jsonl(path: Path, on_skip: SkipHandler) -> Iterator[Paper]:
    try:
        with path.open("rb") as handle:
            for number, line in enumerate(handle, start=1):
                paper = _paper_from_line(line, number, on_skip)
                if paper is not None:
                    yield paper
    except OSError as exc:
        raise _unreadable(path, exc) from exc


def _paper_from_line(line: bytes, number: int, on_skip: SkipHandler) -> Paper | None:
    if not line.strip():
        return None
    try:
        record = json.loads(line.decode("utf-8-sig"))
    except UnicodeDecodeError:
        on_skip(f"line {number}: not UTF-8 text")
        return None
    except json.JSONDecodeError as exc:
        on_skip(f"line {number}: not valid JSON ({exc.msg} at column {exc.colno})")
        return None
    except RecursionError:
        on_skip(f"line {number}: JSON nested too deeply")
        return None
    return _paper_from_item(record, f"line {number}", on_skip)


def _paper_from_item(record: object, where: str, on_skip: SkipHandler) -> Paper | None:
    if not isinstance(record, dict):
        on_skip(f"{where}: not a JSON object")
        return None
    try:
        return paper_from_record(record, detect_layout(record))
    except (ValueError, TypeError, KeyError) as exc:
        record_id = record.get("id") or record.get("doc_id")
        named = f" (id {str(record_id)[:40]!r})" if isinstance(record_id, str | int) else ""
        on_skip(f"{where}{named}: {exc}")
        return None


def _read_json(path: Path, on_skip: SkipHandler) -> Iterator[Paper]:
    try:
        document = json.loads(_read_text(path))
    except json.JSONDecodeError as exc:
        raise SourceError(
            f"{path}: invalid JSON: {exc}", user_message=f"{path.name} is not valid JSON ({exc.msg})."
        ) from exc
    except RecursionError as exc:
        raise SourceError(f"{path}: JSON nested too deeply", user_message=f"{path.name} is nested too deeply.") from exc
    records = document if isinstance(document, list) else [document]
    for number, record in enumerate(records, start=1):
        paper = _paper_from_item(record, f"record {number}", on_skip)
        if paper is not None:
            yield paper


def _read_xml(path: Path, on_skip: SkipHandler) -> Iterator[Paper]:
    root = parse_xml(_read_text(path))
    if root.tag == OAI_PMH_ROOT:
        raise SourceError(f"{path}: OAI-PMH", user_message="OAI-PMH is not supported yet")
    if root.tag != f"{ATOM}feed":
        raise SourceError(
            f"{path}: root element {root.tag!r}",
            user_message=f"{path.name} is neither an arXiv Atom feed nor OAI-PMH.",
        )
    yield from papers_from_feed(root, on_skip)


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError(f"{path}: not UTF-8: {exc}", user_message=f"{path.name} is not UTF-8 text.") from exc
    except OSError as exc:
        raise _unreadable(path, exc) from exc


def _unreadable(path: Path, exc: OSError) -> SourceError:
    reason = exc.strerror or type(exc).__name__
    return SourceError(f"{path}: {exc}", user_message=f"Cannot read {path.name}: {reason}.")


def _log_skip(reason: str) -> None:
    logger.warning("skipped %s", reason)
