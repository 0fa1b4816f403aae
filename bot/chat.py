"""The terminal chat (`paperbot chat`): the bot's question path without Telegram, for a first try.

One question per line, answered through the same `library.ask` the Telegram handlers call, with the
same follow-up context (the current paper). Ends on /quit, end of input or Ctrl-C.
"""

from __future__ import annotations

import logging
from typing import TextIO

from bot.cardview import render_card_text
from bot.render import Library, render_text
from retrieval.errors import PaperbotError

logger = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 1000
GREETING = "paperbot: ask about a paper (e.g. what is 2405.08597 about?). /help for commands, /quit to leave."
HELP = """Ask a question in plain words; follow-ups refer to the last paper.
  what is 2405.08597 about?
  what method did they use?
  any papers on KV-cache compression?
Commands:
  /paper ID   a paper's card (it becomes the current paper)
  /help       this text
  /quit       leave (also Ctrl-D or Ctrl-C)"""


def run_chat(library: Library, stdin: TextIO, stdout: TextIO) -> None:
    """Answer questions read from `stdin` on `stdout` until /quit, end of input or Ctrl-C."""
    print(GREETING, file=stdout)
    current: str | None = None
    try:
        while True:
            stdout.write("> ")
            stdout.flush()
            line = stdin.readline()
            if not line or line.strip() in ("/quit", "/exit"):
                break
            if line.strip():
                reply, current = respond(library, line.strip(), current)
                print(reply, file=stdout)
    except KeyboardInterrupt:
        pass
    print("\nBye.", file=stdout)


def respond(library: Library, line: str, current: str | None) -> tuple[str, str | None]:
    """The reply to one input line, and the current paper after it."""
    command, _, argument = line.partition(" ")
    try:
        if command == "/help":
            return HELP, current
        if command == "/paper":
            return show_paper(library, argument.strip(), current)
        if command == "/ask":
            line = argument
        elif command.startswith("/"):
            return f"Unknown command {command}; /help lists them.", current
        if not line.strip():
            return "Ask me about a paper, e.g. what is 2405.08597 about?", current
        answer = library.ask(line.strip()[:MAX_QUESTION_CHARS], current)
    except PaperbotError as exc:
        logger.warning("Answering %r failed: %s", line[:80], exc)
        return exc.user_message, current
    except Exception:
        logger.exception("Answering %r failed", line[:80])
        return "Sorry, something went wrong while answering.", current
    return render_text(answer), answer.paper.id if answer.paper else current


def show_paper(library: Library, paper_id: str, current: str | None) -> tuple[str, str | None]:
    """A paper's card, which becomes the current paper."""
    if not paper_id:
        return "Usage: /paper 2405.08597", current
    card = library.card(paper_id)
    if card is None:
        return "I don't have that paper.", current
    return render_card_text(card), card.paper.id
