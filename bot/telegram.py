"""The Telegram surface: handlers, the Application they run in, and polling (`paperbot run`).

A handler parses the message, makes one call to the library (on a worker thread: it is CPU-bound)
and replies with rendered HTML. Private chats get an answer for every text message; groups only
for messages addressed to the bot (an @mention, a reply to the bot, or /ask). Anything a handler
raises goes to `report_error`, which logs it and apologises.
"""

from __future__ import annotations

import asyncio
import logging
import os
from typing import Any, cast
from urllib.parse import urlsplit

from telegram import BotCommand, LinkPreviewOptions, Message, MessageEntity, ReplyParameters, Update
from telegram.constants import ChatAction, ChatType
from telegram.error import Forbidden, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.cardview import render_card_html
from bot.render import Library, escape, render_html, split_html
from retrieval.cite import FORMATS, cite
from retrieval.errors import PaperbotError
from retrieval.settings import Settings

logger = logging.getLogger(__name__)
logging.getLogger("httpx").setLevel(logging.WARNING)  # httpx logs request URLs, which hold the token

CURRENT = "current_paper"  # chat_data key: id of the paper the chat is about
MAX_MESSAGE_CHARS = 4000  # longer questions are refused
MAX_QUESTION_CHARS = 1000  # the library sees at most this much of a question
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
COMMANDS = [
    BotCommand("ask", "Ask a question about papers (works in groups)"),
    BotCommand("paper", "Show a paper's card: /paper 2405.08597"),
    BotCommand("cite", "A paper's citation: /cite 2405.08597 [bibtex|ris]"),
    BotCommand("help", "What I can do"),
]
HELP = (
    "I answer questions about research papers, grounded in their abstracts and summaries; "
    "every answer names its sources.\n\n"
    "<b>Try</b>\n"
    "• what is 2405.08597 about?\n"
    "• what method did they use?  (follows up on the last paper)\n"
    "• what are the limitations?\n"
    "• any papers on KV-cache compression?\n\n"
    "<b>Commands</b>\n"
    "/paper ID — a paper's card, e.g. /paper 2405.08597\n"
    "/cite ID [bibtex|ris] — a paper's citation\n"
    "/ask QUESTION — ask in a group (or @mention me, or reply to me)\n"
    "/help — this message"
)
EMPTY = "Ask me about a paper, e.g. “what is 2405.08597 about?” — or send /help."
TOO_LONG = f"That is too long for a question: please keep it under {MAX_MESSAGE_CHARS} characters."
APOLOGY = "Sorry, something went wrong while answering. Please try again later."

Context = ContextTypes.DEFAULT_TYPE


async def start(update: Update, context: Context) -> None:
    """Greet the user and say what the bot does."""
    await reply_html(_message(update), f"Hello! {HELP}")


async def help_command(update: Update, context: Context) -> None:
    """Explain what the bot does, with example questions and the commands."""
    await reply_html(_message(update), HELP)


async def paper(update: Update, context: Context) -> None:
    """Show a paper's card and make it the chat's current paper: /paper 2405.08597."""
    message = _message(update)
    if not context.args:
        await message.reply_text("Usage: /paper 2405.08597")
        return
    card = await asyncio.to_thread(_library(context).card, context.args[0][:200])
    if card is None:
        await message.reply_text("I don't have that paper.")
        return
    _chat_data(context)[CURRENT] = card.paper.id
    await reply_html(message, render_card_html(card))


async def cite_command(update: Update, context: Context) -> None:
    """Reply with a paper's citation: /cite 2405.08597 [bibtex|ris]."""
    message = _message(update)
    args = context.args or []
    style = args[1].lower() if len(args) > 1 else "bibtex"
    if not args or style not in FORMATS:
        await message.reply_text("Usage: /cite 2405.08597 [bibtex|ris]")
        return
    found = await asyncio.to_thread(_library(context).get_paper, args[0][:200])
    if found is None:
        await message.reply_text("I don't have that paper.")
        return
    await reply_html(message, f"<pre>{escape(cite(found, style))}</pre>")


async def ask(update: Update, context: Context) -> None:
    """Answer the question after /ask, in any chat."""
    message = _message(update)
    parts = (message.text or "").split(maxsplit=1)
    await answer(message, context, parts[1] if len(parts) > 1 else "")


async def question(update: Update, context: Context) -> None:
    """Answer free text: always in private chats, in groups only when it is addressed to the bot."""
    message = _message(update)
    text = message.text or ""
    if message.chat.type != ChatType.PRIVATE:
        addressed = addressed_text(message, context.bot.username, context.bot.id)
        if addressed is None:
            return
        text = addressed
    await answer(message, context, text)


async def answer(message: Message, context: Context, text: str) -> None:
    """Ask the library and reply with the rendered answer; the chat follows the answer's paper."""
    text = text.strip()
    if not text:
        await message.reply_text(EMPTY)
        return
    if len(text) > MAX_MESSAGE_CHARS:
        await message.reply_text(TOO_LONG)
        return
    await message.reply_chat_action(ChatAction.TYPING)
    chat_data = _chat_data(context)
    result = await asyncio.to_thread(_library(context).ask, text[:MAX_QUESTION_CHARS], chat_data.get(CURRENT))
    if result.paper is not None:
        chat_data[CURRENT] = result.paper.id
    await reply_html(message, render_html(result))


async def reply_html(message: Message, html: str) -> None:
    """Send HTML as one or more replies to `message`, each within Telegram's limit, no link previews."""
    reply_to = ReplyParameters(message_id=message.message_id, allow_sending_without_reply=True)
    for chunk in split_html(html):
        await message.reply_html(chunk, link_preview_options=NO_PREVIEW, reply_parameters=reply_to)


def addressed_text(message: Message, username: str, bot_id: int) -> str | None:
    """The question in a group message addressed to the bot, without the @mention; None otherwise."""
    text = message.text or ""
    mentions = [
        entity
        for entity, value in message.parse_entities([MessageEntity.MENTION, MessageEntity.TEXT_MENTION]).items()
        if value.lower() == f"@{username}".lower() or (entity.user is not None and entity.user.id == bot_id)
    ]
    replied = message.reply_to_message
    if not mentions and (replied is None or replied.from_user is None or replied.from_user.id != bot_id):
        return None
    units = text.encode("utf-16-le")
    for entity in sorted(mentions, key=lambda e: e.offset, reverse=True):
        units = units[: 2 * entity.offset] + " ".encode("utf-16-le") + units[2 * (entity.offset + entity.length) :]
    return units.decode("utf-16-le")


async def report_error(update: object, context: Context) -> None:
    """Log an error a handler raised and apologise in the chat; a chat that blocked us gets nothing."""
    error = context.error
    if isinstance(error, Forbidden):
        logger.info("Cannot write to the chat (blocked or removed): %s", error)
        return
    update_id = update.update_id if isinstance(update, Update) else None
    logger.error("Handling update %s failed", update_id, exc_info=error)
    chat = update.effective_chat if isinstance(update, Update) else None
    if chat is None:
        return
    text = error.user_message if isinstance(error, PaperbotError) else APOLOGY
    try:
        await context.bot.send_message(chat.id, text)
    except TelegramError as exc:
        logger.warning("Could not send the apology: %s", exc)


async def set_commands(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Publish the command list Telegram shows in its menu."""
    await application.bot.set_my_commands(COMMANDS)


def build_application(settings: Settings, library: Library) -> Application[Any, Any, Any, Any, Any, Any]:
    """The bot with its handlers, talking to `settings.telegram_api_url` (Telegram's or a local one)."""
    if not settings.telegram_token:
        raise PaperbotError("no telegram token", "Set PAPERBOT_TELEGRAM_TOKEN to the token @BotFather gave you.")
    # Opt in to PTB's timedelta periods; otherwise every 429 raises a deprecation warning in PTB itself.
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    _REDACT.tokens.add(settings.telegram_token)
    for name in _URL_LOGGERS:  # they log the Bot API URL, token included, when the bot is built
        logging.getLogger(name).addFilter(_REDACT)
    application = (
        ApplicationBuilder()
        .token(settings.telegram_token)
        .base_url(settings.telegram_api_url)
        .base_file_url(file_url(settings.telegram_api_url))
        .rate_limiter(AIORateLimiter(max_retries=3))
        .post_init(set_commands)
        .build()
    )
    application.bot_data["library"] = library
    new = filters.UpdateType.MESSAGE
    application.add_handler(CommandHandler("start", start, filters=new))
    application.add_handler(CommandHandler("help", help_command, filters=new))
    application.add_handler(CommandHandler("paper", paper, filters=new))
    application.add_handler(CommandHandler("ask", ask, filters=new))
    application.add_handler(CommandHandler("cite", cite_command, filters=new))
    application.add_handler(MessageHandler(new & filters.TEXT & ~filters.COMMAND, question))
    application.add_error_handler(report_error)
    return application


def run_bot(settings: Settings, library: Library) -> None:
    """Run the bot until Ctrl-C, polling for updates."""
    application = build_application(settings, library)
    for handler in logging.getLogger().handlers:  # whatever else may show it: repr(bot) holds the token
        handler.addFilter(_REDACT)
    application.run_polling(allowed_updates=Update.ALL_TYPES)


def file_url(api_url: str) -> str:
    """The file download base next to a Bot API base: `https://h/bot` -> `https://h/file/bot`."""
    if api_url.rstrip("/").endswith("/bot"):
        return api_url.rstrip("/")[: -len("/bot")] + "/file/bot"
    parts = urlsplit(api_url)
    return f"{parts.scheme}://{parts.netloc}/file/bot"


class RedactToken(logging.Filter):
    """Replaces bot tokens in log records, tracebacks included, with `[token]`."""

    def __init__(self) -> None:
        super().__init__()
        self.tokens: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        message = record.getMessage()
        for token in filter(None, self.tokens):
            if token in message:
                message = message.replace(token, "[token]")
                record.msg, record.args = message, None
            if record.exc_text:
                record.exc_text = record.exc_text.replace(token, "[token]")
        return True


_REDACT = RedactToken()
_URL_LOGGERS = ("telegram.Bot", "telegram.ext.ExtBot")


def _message(update: Update) -> Message:
    if update.effective_message is None:  # the filters only let message updates through
        raise ValueError("update without a message")
    return update.effective_message


def _library(context: Context) -> Library:
    return cast(Library, context.bot_data["library"])


def _chat_data(context: Context) -> dict[Any, Any]:
    if context.chat_data is None:
        raise ValueError("update without a chat")
    return context.chat_data
