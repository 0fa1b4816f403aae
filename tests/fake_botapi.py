"""A fake Telegram Bot API server: real HTTP on 127.0.0.1, Telegram's rules for `sendMessage`.

Tests start it through the `fake_botapi` fixture (tests/conftest.py), point the bot's `base_url` at
`server.base_url`, queue updates with `server.send_text(...)` and wait for replies with
`server.wait_for(...)`. By hand:

    python -m tests.fake_botapi --port 8081        # prints the base URL and the token to use
    curl -d '{"chat_id": 7, "text": "what is 2405.08597 about?"}' http://127.0.0.1:8081/_inject
    curl http://127.0.0.1:8081/_sent

Requests are read as python-telegram-bot sends them (form-encoded, each non-string value JSON-encoded;
multipart when a file is uploaded) and as JSON or a query string, as `curl` sends them.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tests.telegram_html import HtmlError, parse_html, utf16_len

TOKEN = "123456789:FAKE-token-for-paperbot-tests"  # not shaped like a real one (35 characters after the colon)
BOT_USERNAME = "paperbot_test_bot"
_JSON_FIELDS = {"reply_parameters", "link_preview_options", "reply_markup", "entities", "commands", "scope"}
_JSON_FIELDS |= {"allowed_updates", "offset", "limit", "timeout", "message_id", "reply_to_message_id"}
_COMMAND_RE = re.compile(r"^/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")
_MENTION_RE = re.compile(r"(?<![\w@])@[A-Za-z0-9_]{5,32}")


@dataclass(frozen=True)
class Call:
    """One Bot API request and what the fake answered."""

    method: str
    params: dict[str, Any]
    content_type: str
    ok: bool
    description: str = ""
    shown: str = ""  # sendMessage: the text as Telegram shows it, after entity parsing
    result: Any = None  # what the call returned: for sendMessage the sent message


class FakeBotApi:
    """The server's state and the Bot API methods, callable from any thread."""

    def __init__(self, token: str = TOKEN, port: int = 0) -> None:
        self.token = token
        self.bot = {"id": int(token.split(":")[0]), "is_bot": True, "first_name": "PaperBot"}
        self.bot |= {"username": BOT_USERNAME, "can_join_groups": True, "can_read_all_group_messages": False}
        self.calls: list[Call] = []
        self._updates: list[dict[str, Any]] = []
        self._chats: dict[int, dict[str, Any]] = {}
        self._messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._blocked: set[int] = set()
        self._failures: list[tuple[str, int]] = []
        self._next_id = 1
        self._closing = False
        self._changed = threading.Condition()
        self._http = ThreadingHTTPServer(("127.0.0.1", port), _Handler)
        self._http.fake = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._http.serve_forever, name="fake-botapi", daemon=True)

    @property
    def root_url(self) -> str:
        return f"http://127.0.0.1:{self._http.server_address[1]}"

    @property
    def base_url(self) -> str:
        """What python-telegram-bot takes as `base_url`: the token is appended to it."""
        return f"{self.root_url}/bot"

    def start(self) -> FakeBotApi:
        self._thread.start()
        return self

    def stop(self) -> None:
        with self._changed:
            self._closing = True
            self._changed.notify_all()
        self._http.shutdown()
        self._http.server_close()
        self._thread.join(timeout=10)

    def __enter__(self) -> FakeBotApi:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- what a test does -------------------------------------------------------------------

    def send_text(
        self,
        text: str,
        chat_id: int = 1001,
        chat_type: str = "private",
        reply_to: dict[str, Any] | None = None,
        user_id: int | None = None,
        reply_to_message_id: int | None = None,
    ) -> dict[str, Any]:
        """Queue a text message from a user, with the entities Telegram would set; returns it.

        It replies to `reply_to` (a message dict) or to the bot's message `reply_to_message_id`.
        """
        chat = {"id": chat_id, "type": chat_type}
        chat |= {"first_name": "Ada"} if chat_type == "private" else {"title": "Reading group"}
        user_id = user_id if user_id is not None else (chat_id if chat_type == "private" else 1001)
        with self._changed:
            self._chats[chat_id] = chat
            message: dict[str, Any] = {"message_id": self._take_id(), "date": int(time.time()), "chat": chat}
            message |= {"from": {"id": user_id, "is_bot": False, "first_name": "Ada"}, "text": text}
            entities = _entities(text)
            if entities:
                message["entities"] = entities
            reply_to = reply_to or self._messages.get((chat_id, reply_to_message_id or 0))
            if reply_to is not None:
                message["reply_to_message"] = reply_to
            self._updates.append({"update_id": self._take_id(), "message": message})
            self._changed.notify_all()
        return message

    def fail_next(self, method: str = "sendMessage", retry_after: int = 1) -> None:
        """Answer the next call of `method` with 429 Too Many Requests."""
        with self._changed:
            self._failures.append((method.lower(), retry_after))

    def block(self, chat_id: int) -> None:
        """Answer every send to this chat with 403, as when the user blocked the bot."""
        with self._changed:
            self._blocked.add(chat_id)

    def wait_for(self, predicate: Callable[[FakeBotApi], bool], timeout: float = 20.0) -> None:
        """Block until `predicate(self)` holds after some request, or fail after `timeout` seconds."""
        with self._changed:
            if not self._changed.wait_for(lambda: predicate(self), timeout=timeout):
                raise TimeoutError(f"fake Bot API: condition not met in {timeout}s; calls: {self.calls}")

    def sent(self, chat_id: int | None = None) -> list[Call]:
        """Accepted sendMessage calls, oldest first, optionally to one chat."""
        return [c for c in self._calls("sendmessage") if c.ok and _chat_of(c) in (chat_id, None)]

    def rejected(self) -> list[Call]:
        return [c for c in self._calls("sendmessage") if not c.ok]

    def _calls(self, method: str) -> list[Call]:
        with self._changed:
            return [c for c in self.calls if c.method.lower() == method]

    def _take_id(self) -> int:
        self._next_id += 1
        return self._next_id

    # --- the Bot API ------------------------------------------------------------------------

    def handle(self, method: str, params: dict[str, Any], content_type: str) -> tuple[int, dict[str, Any]]:
        """Answer one Bot API call: (HTTP status, Telegram's JSON reply); records the call."""
        name = method.lower()
        reply: dict[str, Any]
        if name == "getupdates":
            status, reply = 200, {"ok": True, "result": self._get_updates(params)}
        else:
            with self._changed:
                status, reply = self._answer(name, params)
        shown = reply.get("result", {}).get("text", "") if name == "sendmessage" and status == 200 else ""
        description, result = reply.get("description", ""), reply.get("result")
        call = Call(method, params, content_type, status == 200, description, shown, result)
        with self._changed:
            self.calls.append(call)
            self._changed.notify_all()
        return status, reply

    def _answer(self, name: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        for failure in self._failures:
            if failure[0] == name:
                self._failures.remove(failure)
                error = _error(429, f"Too Many Requests: retry after {failure[1]}")
                return 429, error | {"parameters": {"retry_after": failure[1]}}
        if name == "sendmessage":
            return self._send_message(params)
        simple: dict[str, Any] = {"getme": self.bot, "deletewebhook": True, "setmycommands": True}
        simple |= {"getmycommands": [], "sendchataction": True, "close": True, "logout": True}
        simple |= {"setmydescription": True, "setmyshortdescription": True, "getwebhookinfo": {"url": ""}}
        if name in simple:
            return 200, {"ok": True, "result": simple[name]}
        return 404, _error(404, "Not Found")

    def _send_message(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        chat = self._chats.get(_int(params.get("chat_id")))
        if chat is None:
            return 400, _error(400, "Bad Request: chat not found")
        if chat["id"] in self._blocked:
            return 403, _error(403, "Forbidden: bot was blocked by the user")
        text = str(params.get("text", ""))
        mode = str(params.get("parse_mode", "")).lower()
        if mode not in ("", "html"):
            return 400, _error(400, "Bad Request: unsupported parse_mode (the fake knows only HTML)")
        try:
            shown = parse_html(text) if mode == "html" else text
        except HtmlError as exc:
            return 400, _error(400, f"Bad Request: can't parse entities: {exc}")
        if not shown.strip():
            return 400, _error(400, "Bad Request: message text is empty")
        if utf16_len(shown) > 4096:
            return 400, _error(400, "Bad Request: message is too long")
        message_id = self._take_id()
        message = {"message_id": message_id, "date": int(time.time()), "chat": chat, "text": shown}
        self._messages[(chat["id"], message_id)] = message | {"from": self.bot}
        return 200, {"ok": True, "result": message | {"from": self.bot}}

    def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset, limit = int(params.get("offset") or 0), int(params.get("limit") or 100)
        timeout = min(float(params.get("timeout") or 0), 30.0)
        with self._changed:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
            self._changed.wait_for(lambda: bool(self._updates) or self._closing, timeout=timeout)
            return self._updates[:limit]


def _entities(text: str) -> list[dict[str, Any]]:
    """bot_command and mention entities, offsets and lengths in UTF-16 units as Telegram sets them."""
    found = [("bot_command", m) for m in [_COMMAND_RE.match(text)] if m]
    found += [("mention", m) for m in _MENTION_RE.finditer(text)]
    return [
        {"type": kind, "offset": utf16_len(text[: m.start()]), "length": utf16_len(m.group(0))} for kind, m in found
    ]


def _chat_of(call: Call) -> int:
    return _int(call.params.get("chat_id"))


def _int(value: object) -> int:
    try:
        return int(str(value))
    except ValueError:
        return 0


def _error(code: int, description: str) -> dict[str, Any]:
    return {"ok": False, "error_code": code, "description": description}


def read_params(body: bytes, content_type: str, query: str) -> dict[str, Any]:
    """The call's parameters from a query string, a JSON, form-encoded or multipart body."""
    params: dict[str, Any] = dict(parse_qsl(query))
    if body.lstrip().startswith(b"{"):  # JSON, whatever the header says (`curl -d` says form)
        return params | dict(json.loads(body))
    if content_type.lower().startswith("multipart/form-data"):
        message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + body)
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            params[str(name)] = part.get_payload(decode=True).decode(errors="replace")  # type: ignore[union-attr]
    elif body:
        params |= dict(parse_qsl(body.decode(), keep_blank_values=True))
    return {k: _decode(k, v) for k, v in params.items()}


def _decode(name: str, value: Any) -> Any:
    """Form values arrive as strings; PTB JSON-encodes non-string ones. Text stays text."""
    if isinstance(value, str) and (name in _JSON_FIELDS or (name == "chat_id" and value.lstrip("-").isdigit())):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: ThreadingHTTPServer

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        fake: FakeBotApi = self.server.fake  # type: ignore[attr-defined]
        url = urlsplit(self.path)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        content_type = self.headers.get("Content-Type", "")
        params = read_params(body, content_type, url.query)
        prefix = f"/bot{fake.token}/"
        if url.path == "/_inject" and "text" in params:
            keys = ("text", "chat_id", "chat_type", "user_id", "reply_to_message_id")
            self._reply(200, {"ok": True, "result": fake.send_text(**{k: params[k] for k in keys if k in params})})
        elif url.path == "/_sent":
            self._reply(200, {"ok": True, "result": [c.__dict__ for c in fake.calls if c.method != "getUpdates"]})
        elif url.path.startswith(prefix):
            self._reply(*fake.handle(url.path[len(prefix) :], params, content_type))
        else:
            self._reply(401, _error(401, "Unauthorized"))

    def _reply(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except ConnectionError:  # the client gave up (a cancelled long poll): nothing to answer
            self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: request lines hold the token."""


def main() -> None:
    parser = argparse.ArgumentParser(description="Run the fake Telegram Bot API server by hand.")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default=TOKEN)
    args = parser.parse_args()
    with FakeBotApi(args.token, args.port) as server:
        print(f"PAPERBOT_TELEGRAM_API_URL={server.base_url}", flush=True)
        print(f"PAPERBOT_TELEGRAM_TOKEN={server.token}", flush=True)
        print(f'inject: curl -d \'{{"chat_id": 7, "text": "hi"}}\' {server.root_url}/_inject', flush=True)
        print(f"sent:   curl {server.root_url}/_sent", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()


if __name__ == "__main__":
    main()
