"""A stand-in for export.arxiv.org/api/query: a real HTTP server on 127.0.0.1 replaying recorded answers.

Started by the `fake_arxiv` fixture (tests/conftest.py) for each test that asks for it. It serves the
responses recorded from the real API (`{url, status_code, body}` JSON files), chosen by the request's
`search_query`, `id_list`, `start` and `max_results` (sorting is ignored). Tests can script failures
(`fail_next`), slow answers (`delay_next`) and extra answers (`add_response`), and read back every
request it received with its arrival time (`requests`).
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import cast
from urllib.parse import parse_qs, urlsplit

API_PATH = "/api/query"
_KEY_DEFAULTS = (("search_query", ""), ("id_list", ""), ("start", "0"), ("max_results", "10"))


@dataclass(frozen=True)
class ReceivedRequest:
    """One request as the server saw it; `at` is `time.monotonic()` on arrival."""

    path: str
    params: dict[str, str]
    at: float


@dataclass(frozen=True)
class _Scripted:
    status: int = 0  # 0: answer normally (after `delay`)
    delay: float = 0.0
    retry_after: str | None = None


def match_key(params: dict[str, str]) -> tuple[str, ...]:
    """The parameters a recorded answer is chosen by, with the API's defaults filled in."""
    return tuple(params.get(name, default) for name, default in _KEY_DEFAULTS)


def read_recordings(folder: Path) -> dict[tuple[str, ...], tuple[int, str]]:
    """Every recorded `{url, status_code, body}` in `folder`, keyed by its query parameters."""
    recordings: dict[tuple[str, ...], tuple[int, str]] = {}
    for path in sorted(folder.glob("*.json")):
        recorded = json.loads(path.read_text(encoding="utf-8"))
        query = parse_qs(urlsplit(recorded["url"]).query, keep_blank_values=True)
        params = {name: values[-1] for name, values in query.items()}
        recordings[match_key(params)] = (int(recorded["status_code"]), str(recorded["body"]))
    return recordings


class FakeArxiv:
    """The fake API server. `url` is the base URL to give `ArxivClient`."""

    def __init__(self, recordings: Path) -> None:
        self._responses = read_recordings(recordings)
        self._script: deque[_Scripted] = deque()
        self._received: list[ReceivedRequest] = []
        self._lock = threading.Lock()
        self._server = _Server(self)
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), name="fake-arxiv", daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}{API_PATH}"

    @property
    def requests(self) -> list[ReceivedRequest]:
        with self._lock:
            return list(self._received)

    def add_response(self, params: dict[str, str], status: int, body: str) -> None:
        """Answer requests with these parameters (see `match_key`) with `status` and `body`."""
        with self._lock:
            self._responses[match_key(params)] = (status, body)

    def fail_next(self, count: int, status: int = 503, retry_after: str | None = None) -> None:
        """The next `count` requests, whatever they ask, get `status` (and `Retry-After`, if given)."""
        with self._lock:
            self._script.extend(_Scripted(status=status, retry_after=retry_after) for _ in range(count))

    def delay_next(self, count: int, seconds: float) -> None:
        """The next `count` requests are answered normally, but only after `seconds`."""
        with self._lock:
            self._script.extend(_Scripted(delay=seconds) for _ in range(count))

    def start(self) -> FakeArxiv:
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread.is_alive():
            self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> FakeArxiv:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()

    def answer(self, path: str, params: dict[str, str]) -> tuple[int, str, dict[str, str]]:
        """Log the request and choose its (status, body, headers); called by the handler thread."""
        with self._lock:
            self._received.append(ReceivedRequest(path, params, time.monotonic()))
            scripted = self._script.popleft() if self._script else _Scripted()
            recorded = self._responses.get(match_key(params))
        if scripted.delay:
            time.sleep(scripted.delay)
        if scripted.status:
            headers = {"Retry-After": scripted.retry_after} if scripted.retry_after else {}
            return scripted.status, f"scripted failure {scripted.status}\n", headers
        if path != API_PATH:
            return 404, f"no such endpoint {path}\n", {}
        if recorded is None:
            return 404, f"fake arXiv has no recording for {sorted(params.items())}\n", {}
        return recorded[0], recorded[1], {}


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # a connection still held open by a client must not block `stop()`

    def __init__(self, fake: FakeArxiv) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.fake = fake


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        split = urlsplit(self.path)
        params = {name: values[-1] for name, values in parse_qs(split.query, keep_blank_values=True).items()}
        status, body, headers = cast(_Server, self.server).fake.answer(split.path, params)
        data = body.encode("utf-8")
        kind = "application/atom+xml" if body.startswith("<?xml") else "text/plain"
        try:
            self.send_response(status)
            self.send_header("Content-Type", f"{kind}; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test); nothing to answer

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: tests read `FakeArxiv.requests` instead."""
