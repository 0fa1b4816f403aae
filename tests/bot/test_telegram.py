"""bot/telegram.py: the real Application, built by `build_application`, against the fake Bot API.

The bot runs on its own event loop in a thread and talks to the fake server over real sockets; a
test queues updates and blocks until the server has seen the bot's replies. Updates are handled
one at a time, so once a later message is answered every earlier one has been handled.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import threading
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from telegram.ext import Application

from bot.cardview import render_card_html
from bot.render import render_html, split_html
from bot.telegram import APOLOGY, EMPTY, TOO_LONG, RedactToken, build_application, file_url
from retrieval.settings import Settings
from tests.corpus import HOSTILE, HOSTILE_ID, RecordingLibrary
from tests.fake_botapi import BOT_USERNAME, FakeBotApi, read_params
from tests.telegram_html import utf16_len

T = TypeVar("T")
USER, OTHER, GROUP = 1001, 1002, -100123
SPEC = "2605.30580"  # Speculative Decoding Across Languages, in the tiny real corpus (tests/corpus.py)
KV = "2605.30574"  # Probing the Prompt KV Cache: Where It Becomes Dispensable


class BotRunner:
    """Runs an Application on its own event loop in a thread, as `run_polling` would, minus signals."""

    def __init__(self, application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        self.application = application
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="bot-loop", daemon=True)

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=30)

    def start(self) -> None:
        app = self.application
        self.thread.start()
        self.run(app.initialize())
        if app.post_init is not None:
            self.run(app.post_init(app))
        assert app.updater is not None
        self.run(app.updater.start_polling(poll_interval=0, timeout=dt.timedelta(seconds=1)))
        self.run(app.start())

    def stop(self) -> None:
        app = self.application
        assert app.updater is not None
        self.run(app.updater.stop())
        self.run(app.stop())
        self.run(app.shutdown())
        self.run(self.loop.shutdown_default_executor())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
        self.loop.close()


@pytest.fixture
def fake(
    fake_botapi: FakeBotApi, recording_library: RecordingLibrary, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> Iterator[FakeBotApi]:
    """The fake Bot API with the bot polling it; every log record is captured, DEBUG included."""
    caplog.set_level(logging.DEBUG)
    settings = Settings(home=tmp_path, telegram_token=fake_botapi.token, telegram_api_url=fake_botapi.base_url)
    runner = BotRunner(build_application(settings, recording_library))
    runner.start()
    yield fake_botapi
    runner.stop()


def ask_and_wait(fake: FakeBotApi, text: str, chat_id: int = USER, replies: int = 1, **kw: Any) -> list[str]:
    """Send a message and return what the bot shows in that chat once `replies` more have arrived."""
    before = len(fake.sent(chat_id))
    fake.send_text(text, chat_id=chat_id, **kw)
    fake.wait_for(lambda f: len(f.sent(chat_id)) >= before + replies)
    return [call.shown for call in fake.sent(chat_id)[before:]]


def test_private_question_gets_an_accepted_reply(fake: FakeBotApi, recording_library: RecordingLibrary) -> None:
    question = fake.send_text(f"what is {SPEC} about?")
    fake.wait_for(lambda f: len(f.sent(USER)) == 1)
    [call] = fake.sent(USER)
    assert call.shown.startswith(f"Speculative Decoding Across Languages ({SPEC})\n\n")
    assert call.shown.endswith("Source: the abstract")
    assert f'href="https://arxiv.org/abs/{SPEC}"' in call.params["text"]
    assert call.params["parse_mode"] == "HTML"
    assert call.params["reply_parameters"]["message_id"] == question["message_id"]
    assert call.params["link_preview_options"] == {"is_disabled": True}
    assert call.content_type == "application/x-www-form-urlencoded"  # what PTB sends without files
    assert ask_and_wait(fake, "what method did they use?")[0].startswith("Speculative Decoding Across Languages")
    assert recording_library.questions == [(f"what is {SPEC} about?", None), ("what method did they use?", SPEC)]
    assert any(c.method == "setMyCommands" and "paper" in str(c.params["commands"]) for c in fake.calls)


def test_questions_by_title_and_topic(fake: FakeBotApi) -> None:
    [by_title] = ask_and_wait(fake, "what did the authors of speculative decoding across languages find?")
    assert by_title.startswith(f"Speculative Decoding Across Languages ({SPEC})")
    [by_topic] = ask_and_wait(
        fake, "Any papers on which parts of the cached keys and values of a prompt can be dropped?"
    )
    assert by_topic.startswith("Papers that match\n1. Probing the Prompt KV Cache")
    assert fake.rejected() == []


def test_group_chatter_is_ignored(fake: FakeBotApi, recording_library: RecordingLibrary) -> None:
    fake.send_text(f"anyone read {SPEC}?", chat_id=GROUP, chat_type="supergroup")
    chatter = fake.send_text(f"@someone_else what is {SPEC} about?", chat_id=GROUP, chat_type="group")
    fake.send_text("and the method?", chat_id=GROUP, chat_type="group", reply_to=chatter)
    ask_and_wait(fake, "hello")  # handled after all of the above
    assert [c for c in fake.calls if c.params.get("chat_id") == GROUP] == []
    assert recording_library.questions == [("hello", None)]


def test_group_mention_and_reply_to_the_bot_are_answered(fake: FakeBotApi, recording_library: RecordingLibrary) -> None:
    shown = ask_and_wait(fake, f"@{BOT_USERNAME} what is {SPEC} about?", GROUP, chat_type="supergroup")
    assert shown[0].startswith("Speculative Decoding Across Languages")
    fake.send_text("and their method?", chat_id=GROUP, chat_type="supergroup", reply_to=fake.sent(GROUP)[0].result)
    fake.wait_for(lambda f: len(f.sent(GROUP)) == 2)
    assert fake.sent(GROUP)[1].shown.startswith("Speculative Decoding Across Languages")
    assert ask_and_wait(fake, f"/ask what is {KV} about?", GROUP, chat_type="group")[0].startswith("Probing the Prompt")
    assert ask_and_wait(fake, f"/ask@{BOT_USERNAME}", GROUP, chat_type="group") == [EMPTY]
    assert recording_library.questions == [
        (f"what is {SPEC} about?", None),
        ("and their method?", SPEC),
        (f"what is {KV} about?", SPEC),
    ]
    assert fake.rejected() == []


def test_paper_command_shows_a_card(fake: FakeBotApi, recording_library: RecordingLibrary) -> None:
    chunks = split_html(render_card_html(recording_library.card(SPEC)))  # type: ignore[arg-type]
    card = "\n".join(ask_and_wait(fake, f"/paper arXiv:{SPEC}v1", replies=len(chunks)))
    assert card.startswith(f"Speculative Decoding Across Languages\narXiv:{SPEC}\nNirajan Paudel, Michael Ginn,")
    assert "2026-06-01 · cs.CL, cs.LG" in card and "https://" not in card and "abs · pdf" in card
    for section in ("Quick summary", "Quick answers", "Key findings", "Key terms", "Details", "Similar papers"):
        assert f"\n{section}" in card
    assert "Limitations" in card and fake.rejected() == []
    assert ask_and_wait(fake, "/paper") == ["Usage: /paper 2405.08597"]
    assert ask_and_wait(fake, "/paper 2601.99999") == ["I don't have that paper."]
    [limits] = ask_and_wait(fake, "what are the limitations of this paper?")
    assert limits.startswith("Speculative Decoding Across Languages")
    assert recording_library.questions == [("what are the limitations of this paper?", SPEC)]


def test_cite_command(fake: FakeBotApi) -> None:
    [bibtex] = ask_and_wait(fake, f"/cite {SPEC}")
    assert bibtex.startswith("@misc{paudel2026speculative,") and f"eprint = {{{SPEC}}}" in bibtex
    [ris] = ask_and_wait(fake, f"/cite arXiv:{SPEC}v2 RIS")
    assert ris.startswith("TY  - PREPRINT") and ris.endswith("ER  - ")
    assert ask_and_wait(fake, "/cite") == ["Usage: /cite 2405.08597 [bibtex|ris]"]
    assert ask_and_wait(fake, "/cite 2601.99999") == ["I don't have that paper."]
    assert fake.rejected() == []


def test_start_and_help_explain_the_bot(fake: FakeBotApi, recording_library: RecordingLibrary) -> None:
    [start] = ask_and_wait(fake, "/start")
    [help_text] = ask_and_wait(fake, f"/help@{BOT_USERNAME}", GROUP, chat_type="group")
    assert start.startswith("Hello! I answer questions about research papers")
    assert "what is 2405.08597 about?" in help_text and "/paper ID" in help_text and "/ask QUESTION" in help_text
    assert recording_library.questions == []


def test_empty_and_overlong_questions_get_a_short_reply(fake: FakeBotApi, recording_library: RecordingLibrary) -> None:
    assert ask_and_wait(fake, "x" * 4001) == [TOO_LONG]
    assert ask_and_wait(fake, f"@{BOT_USERNAME}  ", GROUP, chat_type="group") == [EMPTY]
    ask_and_wait(fake, f"what is {SPEC} about? " + "y" * 3000)
    assert recording_library.questions == [(f"what is {SPEC} about? " + "y" * 974, None)]


def test_a_long_answer_is_split_into_accepted_messages(fake: FakeBotApi, recording_library: RecordingLibrary) -> None:
    question = f"what is {HOSTILE_ID} about?"
    expected = split_html(render_html(recording_library.ask(question)))
    assert len(expected) >= 3
    shown = ask_and_wait(fake, question, replies=len(expected))
    assert len(shown) == len(expected) and fake.rejected() == []
    assert all(utf16_len(s) <= 4096 for s in shown)
    assert shown[0].startswith(f"{HOSTILE['title']} ({HOSTILE_ID})")
    assert "".join("".join(shown).split()).count("<&>") == str(HOSTILE["abstract"]).count("<&>")


def test_a_429_is_retried(fake: FakeBotApi) -> None:
    fake.fail_next("sendMessage", retry_after=1)
    shown = ask_and_wait(fake, f"what is {KV} about?")
    assert shown[0].startswith("Probing the Prompt KV Cache")
    assert [c.description for c in fake.rejected()] == ["Too Many Requests: retry after 1"]


def test_the_token_never_leaks(
    fake: FakeBotApi, recording_library: RecordingLibrary, caplog: pytest.LogCaptureFixture
) -> None:
    ask_and_wait(fake, f"what is {SPEC} about?")
    card = split_html(render_card_html(recording_library.card(SPEC)))  # type: ignore[arg-type]
    ask_and_wait(fake, f"/paper {SPEC}", replies=len(card))
    ask_and_wait(fake, f"/cite {SPEC} ris")
    ask_and_wait(fake, "explode")
    records = caplog.get_records("setup") + caplog.get_records("call")  # building the bot logs too
    logged = "\n".join(logging.Formatter("%(message)s").format(r) for r in records)
    assert "Calling Bot API endpoint" in logged and "Set Bot API URL" in logged  # PTB's DEBUG lines
    assert "Traceback" in logged and fake.token not in logged
    assert fake.token.split(":")[1] not in json.dumps([c.params for c in fake.calls])


def test_a_library_error_gets_one_apology_and_a_logged_traceback(
    fake: FakeBotApi, caplog: pytest.LogCaptureFixture
) -> None:
    assert ask_and_wait(fake, f"explode {SPEC}") == [APOLOGY]
    ask_and_wait(fake, "hello", chat_id=OTHER)
    assert len(fake.sent(USER)) == 1
    [record] = [r for r in caplog.records if r.name == "bot.telegram" and r.levelno == logging.ERROR]
    assert record.exc_info is not None and isinstance(record.exc_info[1], RuntimeError)


def test_a_blocked_chat_is_logged_without_traceback_or_apology(
    fake: FakeBotApi, caplog: pytest.LogCaptureFixture
) -> None:
    fake.block(USER)
    fake.send_text(f"what is {SPEC} about?")
    ask_and_wait(fake, "hello", chat_id=OTHER)
    assert len(fake.rejected()) == 1
    [record] = [r for r in caplog.records if r.name == "bot.telegram" and "blocked" in r.getMessage()]
    assert record.levelno == logging.INFO and record.exc_info is None


def test_the_fake_reads_bodies_as_httpx_sends_them() -> None:
    form = httpx.Request("POST", "http://x/", data={"chat_id": "-100", "text": "123", "entities": "[]"})
    upload = httpx.Request("POST", "http://x/", data={"chat_id": "7", "caption": "a&b"}, files={"photo": b"\x89PNG"})
    as_json = httpx.Request("POST", "http://x/", json={"chat_id": 7, "text": "hi"})
    for request, expected in [
        (form, {"chat_id": -100, "text": "123", "entities": []}),
        (upload, {"chat_id": 7, "caption": "a&b", "photo": "\ufffdPNG"}),
        (as_json, {"chat_id": 7, "text": "hi"}),
    ]:
        body = request.read()
        assert read_params(body, request.headers.get("content-type", ""), "") == expected


def test_redact_token_hides_it_in_messages_and_tracebacks() -> None:
    redact = RedactToken()
    redact.tokens.add("42:secret")
    try:
        raise RuntimeError("calling https://api/bot42:secret/getMe failed")
    except RuntimeError as exc:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "url %s", ("bot42:secret",), (type(exc), exc, None))
    assert redact.filter(record)
    formatted = logging.Formatter().format(record)
    assert "42:secret" not in formatted and "url bot[token]" in formatted and "bot[token]/getMe" in formatted


def test_file_url_sits_next_to_the_api_url() -> None:
    assert file_url("https://api.telegram.org/bot") == "https://api.telegram.org/file/bot"
    assert file_url("http://127.0.0.1:8081/bot/") == "http://127.0.0.1:8081/file/bot"
    assert file_url("http://127.0.0.1:8081/api/{token}/") == "http://127.0.0.1:8081/file/bot"
