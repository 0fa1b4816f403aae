"""The live arXiv API client: papers by id, by category, or by any search query.

Runs when `paperbot ingest arxiv:id:... / arxiv:cat:...` is given, and when the bot looks up a paper
the store lacks. It keeps arXiv's terms: one connection, and at least `min_interval` seconds (3 by
default) between the end of one request and the start of the next, across every thread using the same
client. 429, 5xx, timeouts and connection errors are retried with exponential backoff (a `Retry-After`
header wins when longer); arXiv's own error feed (HTTP 400) is raised at once as `ArxivError`.
"""

from __future__ import annotations

import logging
import re
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from email.utils import parsedate_to_datetime
from types import TracebackType

import httpx

from ingest.atom import ATOM, check_error_feed, papers_from_feed, parse_xml, total_results
from retrieval.errors import ArxivError, SourceError
from retrieval.paper import Paper, split_version
from retrieval.settings import Settings

DEFAULT_API_URL = "https://export.arxiv.org/api/query"
PAGE_LIMIT = 100  # ids per id_list request and results per page
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
USER_AGENT = "paperbot/0.1 (research-paper Q&A bot; arXiv API client)"
_CATEGORY_RE = re.compile(r"^[a-z][a-z-]*(?:\.[A-Za-z-]+)?$")
_UNREACHABLE = "arXiv could not be reached; please try again in a few minutes."

logger = logging.getLogger(__name__)


class ArxivClient:
    """A polite, retrying client of the arXiv query API. Use it as a context manager."""

    def __init__(
        self,
        base_url: str = DEFAULT_API_URL,
        *,
        min_interval: float = 3.0,
        max_retries: int = 4,
        backoff: float = 2.0,
        max_delay: float = 300.0,
        timeout: float = 30.0,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._base_url = base_url
        self._min_interval = min_interval
        self._max_retries = max_retries
        self._backoff = backoff
        self._max_delay = max_delay
        self._sleep = sleep
        self._lock = threading.Lock()
        self._last_done = float("-inf")
        self._http = httpx.Client(
            timeout=timeout,
            limits=httpx.Limits(max_connections=1),
            transport=transport,
            headers={"User-Agent": USER_AGENT},
            follow_redirects=True,
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> ArxivClient:
        """A client for `settings.arxiv_api_url`, spaced by `settings.arxiv_min_interval`."""
        return cls(settings.arxiv_api_url, min_interval=settings.arxiv_min_interval)

    def __enter__(self) -> ArxivClient:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def fetch_ids(self, ids: Sequence[str]) -> list[Paper]:
        """The papers with these ids (a version suffix asks for that version); unknown ids are absent."""
        wanted = list(dict.fromkeys(query_id(raw) for raw in ids if raw.strip()))
        papers: list[Paper] = []
        for start in range(0, len(wanted), PAGE_LIMIT):
            chunk = wanted[start : start + PAGE_LIMIT]
            logger.info("arXiv: looking up %d id(s)", len(chunk))
            params = {"id_list": ",".join(chunk), "start": "0", "max_results": str(PAGE_LIMIT)}
            papers.extend(papers_from_feed(self._get_feed(params)))
        return papers

    def fetch_category(self, category: str, max_results: int = 100) -> list[Paper]:
        """The newest `max_results` submissions in `category` (e.g. `cs.CL`), newest first."""
        if not _CATEGORY_RE.match(category):
            raise SourceError(
                f"bad arXiv category {category!r}",
                user_message=f"{category!r} is not an arXiv category (they look like cs.CL or hep-th).",
            )
        return self.fetch_search(f"cat:{category}", max_results, sort_by="submittedDate")

    def fetch_search(
        self,
        search_query: str,
        max_results: int = 100,
        *,
        page_size: int = PAGE_LIMIT,
        sort_by: str = "relevance",
        sort_order: str = "descending",
    ) -> list[Paper]:
        """Up to `max_results` papers matching an arXiv `search_query`, fetched page by page."""
        page_size = max(1, min(page_size, PAGE_LIMIT))
        found: dict[str, Paper] = {}
        start = 0
        while start < max_results:
            size = min(page_size, max_results - start)
            params = {"search_query": search_query, "start": str(start), "max_results": str(size)}
            root = self._get_feed({**params, "sortBy": sort_by, "sortOrder": sort_order})
            page = papers_from_feed(root)
            for paper in page:
                found.setdefault(paper.id, paper)
            start += size
            total = total_results(root)
            logger.info("arXiv: %s: %d papers so far (%s in all)", search_query, len(found), total)
            if not page or (total is not None and start >= total):
                break
        return list(found.values())[:max_results]

    def fetch_query(self, source: str) -> list[Paper]:
        """Papers for a live CLI source: `arxiv:id:ID[,ID...]` or `arxiv:cat:CATEGORY`."""
        text = source.strip()
        if text.startswith("arxiv:id:"):
            ids = [part.strip() for part in text.removeprefix("arxiv:id:").split(",") if part.strip()]
            if ids:
                return self.fetch_ids(ids)
        elif text.startswith("arxiv:cat:") and text.removeprefix("arxiv:cat:").strip():
            return self.fetch_category(text.removeprefix("arxiv:cat:").strip())
        raise SourceError(
            f"unknown live source {source[:80]!r}",
            user_message="A live source is arxiv:id:ID[,ID...] or arxiv:cat:CATEGORY (e.g. arxiv:cat:cs.CL).",
        )

    def _get_feed(self, params: dict[str, str]) -> ET.Element:
        response = self._request(params)
        status = response.status_code
        if status not in (200, 400):
            raise ArxivError(f"arXiv answered HTTP {status}", user_message=_UNREACHABLE)
        try:
            root = parse_xml(response.text)
        except SourceError as exc:
            raise ArxivError(f"arXiv sent unreadable XML (HTTP {status}): {exc}", user_message=_UNREACHABLE) from exc
        if root.tag != f"{ATOM}feed":
            raise ArxivError(f"arXiv sent a {root.tag!r} document, not an Atom feed", user_message=_UNREACHABLE)
        check_error_feed(root)
        if status == 400:
            raise ArxivError("arXiv answered HTTP 400 without an error message")
        return root

    def _request(self, params: dict[str, str]) -> httpx.Response:
        attempts = self._max_retries + 1
        problem = ""
        for attempt in range(attempts):
            retry_after: float | None = None
            try:
                response = self._send_spaced(params)
            except httpx.TransportError as exc:
                problem = type(exc).__name__
            else:
                if response.status_code not in RETRY_STATUSES:
                    return response
                problem, retry_after = f"HTTP {response.status_code}", read_retry_after(response)
            if attempt + 1 < attempts:
                delay = min(self._max_delay, max(self._backoff * 2**attempt, retry_after or 0.0))
                logger.warning("arXiv: %s; retry %d of %d in %.1f s", problem, attempt + 1, attempts - 1, delay)
                self._sleep(delay)
        raise ArxivError(
            f"arXiv could not be reached after {attempts} attempt(s): {problem}", user_message=_UNREACHABLE
        )

    def _send_spaced(self, params: dict[str, str]) -> httpx.Response:
        """One GET, at least `min_interval` after the previous one of this client finished."""
        with self._lock:
            wait = self._last_done + self._min_interval - time.monotonic()
            if wait > 0:
                self._sleep(wait)
            try:
                return self._http.get(self._base_url, params=params)
            finally:
                self._last_done = time.monotonic()


def query_id(raw: str) -> str:
    """An id as `id_list` wants it: normalised, version kept (`arXiv:2405.08597v2` -> `2405.08597v2`)."""
    paper_id, version = split_version(raw)
    return f"{paper_id}v{version}" if version else paper_id


def read_retry_after(response: httpx.Response) -> float | None:
    """Seconds the server asked us to wait (`Retry-After` as seconds or an HTTP date), if it did."""
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    if value.replace(".", "", 1).isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - time.time())
