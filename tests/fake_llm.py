"""A stand-in for an OpenAI-compatible chat-completions endpoint: a real HTTP server on 127.0.0.1.

By default it behaves like a careless model: it reads the numbered passages out of the prompt, writes one
faithful sentence from the passage sharing most words with the question (cited correctly), then one uncited
claim and one claim citing a passage number it was never given — so a client must filter. Tests can script
the next replies instead (`reply_next`: a text, an HTTP status, a hang longer than the client's timeout, or
malformed JSON) and read back every request (`requests`: path, headers, JSON body).
"""

from __future__ import annotations

import json
import re
import threading
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, cast

PATH = "/v1/chat/completions"
_PASSAGE = re.compile(r"^\[(\d+)\] (.*)$", re.MULTILINE)
_WORDS = re.compile(r"[a-z]{4,}")


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass(frozen=True)
class Scripted:
    content: str | None = None  # the reply text; None: the default careless model
    status: int = 200
    hang: bool = False  # never answer (until the server stops): the client must time out
    malformed: bool = False  # a 200 whose body is not the chat-completions JSON


def careless_model(prompt: str) -> str:
    """One good cited sentence, one uncited invention, one citation of a passage that does not exist."""
    passages = {int(n): text for n, text in _PASSAGE.findall(prompt)}
    question = set(_WORDS.findall(prompt.rsplit("Question:", 1)[-1].lower()))
    if not passages:
        return "NOT STATED"
    best = max(passages, key=lambda n: (len(question & set(_WORDS.findall(passages[n].lower()))), -n))
    return (
        f"According to the paper, {passages[best].rstrip('. ')} [{best}]. "
        "This work will revolutionise the entire field. "
        f"It was trained on 12,345 GPUs [{len(passages) + 7}]."
    )


class FakeLLM:
    """The fake endpoint. `url` is the base URL (ending in /v1) to give `AnswerWriter`."""

    def __init__(self) -> None:
        self._script: deque[Scripted] = deque()
        self._received: list[Received] = []
        self._lock = threading.Lock()
        self.release = threading.Event()  # set on stop: hung requests end then
        self._server = _Server(self)
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), name="fake-llm", daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    @property
    def requests(self) -> list[Received]:
        with self._lock:
            return list(self._received)

    def reply_next(self, *scripted: Scripted) -> None:
        with self._lock:
            self._script.extend(scripted)

    def __enter__(self) -> FakeLLM:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.release.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def answer(self, path: str, headers: dict[str, str], raw: bytes) -> tuple[int, bytes]:
        """Log the request and build (status, body); called by the handler thread."""
        try:
            body = json.loads(raw)
        except ValueError:
            return 400, b'{"error": {"message": "the body is not JSON"}}'
        with self._lock:
            self._received.append(Received(path, headers, body))
            scripted = self._script.popleft() if self._script else Scripted()
        if scripted.hang:
            self.release.wait(30)
            return 504, b"{}"
        if path != PATH:
            return 404, b'{"error": {"message": "no such endpoint"}}'
        if scripted.status != 200:
            return scripted.status, json.dumps({"error": {"message": "scripted failure"}}).encode()
        if scripted.malformed:
            return 200, b'{"choices": []}'
        prompt = "\n".join(str(m.get("content", "")) for m in body.get("messages", []))
        content = careless_model(prompt) if scripted.content is None else scripted.content
        reply = {"object": "chat.completion", "model": body.get("model"), "choices": [{"index": 0}]}
        reply["choices"][0].update({"message": {"role": "assistant", "content": content}, "finish_reason": "stop"})
        return 200, json.dumps(reply).encode()


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, fake: FakeLLM) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.fake = fake


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        fake = cast(_Server, self.server).fake
        status, body = fake.answer(self.path, {k.lower(): v for k, v in self.headers.items()}, raw)
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass
