"""`paperbot` command line and composition root: builds settings, store, embedder and library, once.

The only module of `bot` that may import `ingest` (for `paperbot ingest` and fetching missing ids).
Contract (DESIGN.md): ingest, ask, search, run, chat, card; exit 0 unless the store is unusable.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections.abc import Iterator, Sequence

from retrieval.answer import Answer
from retrieval.errors import ArxivError, PaperbotError, StoreMissing
from retrieval.library import Fetcher, Library
from retrieval.paper import Paper
from retrieval.settings import Settings
from retrieval.store import Store
from retrieval.writer import AnswerWriter

log = logging.getLogger("paperbot")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="paperbot", description="Answers questions about research papers.")
    sub = parser.add_subparsers(dest="command", required=True)
    home = argparse.ArgumentParser(add_help=False)
    home.add_argument("--home", help="store directory (default: $PAPERBOT_HOME or ~/.local/share/paperbot)")
    ingest = sub.add_parser("ingest", parents=[home], help="add papers from files or live arXiv queries")
    ingest.add_argument(
        "sources",
        nargs="*",
        metavar="SOURCE",
        help="file (.jsonl/.json/.xml) or arxiv:id:ID / arxiv:cat:CAT (default: $PAPERBOT_SOURCES or arxiv:cat:cs.CL)",
    )
    ask = sub.add_parser("ask", parents=[home], help="answer questions (one per stdin line without QUESTION)")
    ask.add_argument("--json", action="store_true", help="one JSON object per line")
    ask.add_argument("question", nargs="?")
    search = sub.add_parser("search", parents=[home], help="find papers (one query per stdin line without QUERY)")
    search.add_argument("--json", action="store_true", help="one JSON object per line")
    search.add_argument("-k", type=int, default=10, help="papers per query (default 10)")
    search.add_argument("query", nargs="?")
    card = sub.add_parser("card", parents=[home], help="a paper's card")
    card.add_argument("--json", action="store_true")
    card.add_argument("paper_id", metavar="ID")
    cite = sub.add_parser("cite", parents=[home], help="a paper's citation")
    cite.add_argument("paper_id", metavar="ID")
    cite.add_argument("--format", choices=("bibtex", "ris"), default="bibtex")
    classify = sub.add_parser("classify", help="sentence roles: one JSON list of sentences per stdin line")
    classify.add_argument("--json", action="store_true", help="one JSON list of labels per line (the default)")
    sub.add_parser("run", parents=[home], help="the Telegram bot (token from PAPERBOT_TELEGRAM_TOKEN)")
    sub.add_parser("chat", parents=[home], help="the same bot in the terminal")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.command == "run" else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)  # fmt: skip
    logging.getLogger("httpx").setLevel(logging.WARNING)  # it logs request URLs, which hold the bot token
    settings = Settings.from_env(home=getattr(args, "home", None))
    try:
        return COMMANDS[args.command](args, settings)
    except PaperbotError as exc:
        log.debug("failed", exc_info=True)
        print(f"paperbot: {exc.user_message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `paperbot ... | head`: the reader left, nothing more to say
        sys.stderr.close()
        return 0


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    from ingest.pipeline import ingest
    from retrieval.embed import Embedder

    store = Store.open_writable(settings.home)
    try:
        report = ingest(
            store, args.sources or settings.sources, settings, Embedder(settings.batch_size).encode, stderr=sys.stderr
        )
    finally:
        store.close()
    print(report.summary())
    return 0


def open_library(settings: Settings, fetch: bool = True) -> Library:
    from retrieval.embed import Embedder

    store = Store.open_readonly(settings.home)
    if store.count_papers() == 0:
        raise StoreMissing(f"the store at {settings.home} holds no papers")
    fetcher = make_fetcher(settings) if fetch and settings.fetch_missing else None
    return Library(store, Embedder(settings.batch_size), fetcher, writer=make_writer(settings))


def make_writer(settings: Settings) -> AnswerWriter | None:
    """The model that writes answers from passages, only when `PAPERBOT_LLM_URL` names one."""
    if not settings.llm_url:
        return None
    from bot.llm import ChatCompletions

    chat = ChatCompletions(settings.llm_url, settings.llm_api_key, settings.llm_model, settings.llm_timeout)
    return AnswerWriter(chat, chat.model)


def make_fetcher(settings: Settings) -> Fetcher:
    """Looks a missing id up on arXiv once, quickly; after a failure arXiv is left alone for 10 minutes.

    One client for the whole process, so its 3-second spacing between requests holds across questions.
    """
    from ingest.arxiv import ArxivClient

    client = ArxivClient(settings.arxiv_api_url, min_interval=settings.arxiv_min_interval, max_retries=0, timeout=8.0)
    failed_at = [-1e9]

    def fetch(paper_id: str) -> Paper | None:
        if time.monotonic() - failed_at[0] < 600:
            return None
        try:
            found = client.fetch_ids([paper_id])
        except ArxivError:
            failed_at[0] = time.monotonic()
            return None
        return found[0] if found else None

    return fetch


def read_lines(single: str | None) -> Iterator[str]:
    if single is not None:
        yield single
        return
    for line in sys.stdin:
        yield line.rstrip("\n")


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    from bot.render import render_text

    library = open_library(settings)
    current: str | None = None  # lines are one conversation: "what did they find?" follows the line before
    for question in read_lines(args.question):
        if args.question is None and not question.strip() and not args.json:
            continue
        answer = ask_safely(library, question, current)
        current = answer.paper.id if answer.paper else None
        out = json.dumps(answer.to_json(), ensure_ascii=False) if args.json else render_text(answer) + "\n"
        print(out, flush=True)
    return 0


def ask_safely(library: Library, question: str, current: str | None) -> Answer:
    """One question's answer; a bug answers "sorry" for that question (traceback in the log), not for all."""
    try:
        return library.ask(question, current)
    except PaperbotError as exc:
        return Answer(question, "error", exc.user_message)
    except Exception:
        log.exception("answering %r failed", question[:80])
        return Answer(question, "error", "Sorry, something went wrong while answering that question.")


def cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    library = open_library(settings, fetch=False)
    k = max(1, min(args.k, 1000))
    for query in read_lines(args.query):
        hits = library.search(query, k)
        papers = library.store.get_papers(h.paper_id for h in hits)
        rows = [{"id": h.paper_id, "title": papers[h.paper_id].title, "score": round(h.score, 6)} for h in hits]
        if args.json:
            print(json.dumps({"query": query, "results": rows}, ensure_ascii=False), flush=True)
        else:
            print("\n".join(f"{r['score']:.4f}  {r['id']}  {r['title']}" for r in rows) + "\n", flush=True)
    return 0


def cmd_card(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cardview import render_card_text
    from retrieval.card import card_json

    card = open_library(settings, fetch=False).card(args.paper_id)
    if card is None:
        print(f"paperbot: I don't have {args.paper_id} in my library.", file=sys.stderr)
        return 1
    print(json.dumps(card_json(card), ensure_ascii=False) if args.json else render_card_text(card))
    return 0


def cmd_cite(args: argparse.Namespace, settings: Settings) -> int:
    from retrieval.cite import cite

    paper = open_library(settings, fetch=False).get_paper(args.paper_id)
    if paper is None:
        print(f"paperbot: I don't have {args.paper_id} in my library.", file=sys.stderr)
        return 1
    print(cite(paper, args.format))
    return 0


def cmd_classify(args: argparse.Namespace, settings: Settings) -> int:
    """Label each sentence background / objective / method / result / other, abstract by abstract."""
    from retrieval.embed import Embedder
    from retrieval.roles import RoleTagger

    tagger, embedder = RoleTagger(), Embedder(settings.batch_size)
    batch: list[list[str]] = []
    for line in sys.stdin:
        batch.append(parse_sentences(line))
        if len(batch) == CLASSIFY_BATCH:
            print_labels(tagger.tag(batch, embedder.encode))
            batch = []
    print_labels(tagger.tag(batch, embedder.encode))
    return 0


CLASSIFY_BATCH = 64  # abstracts encoded together


def parse_sentences(line: str) -> list[str]:
    """One abstract as a JSON list of sentences; anything else is an empty abstract (and a warning)."""
    try:
        value = json.loads(line) if line.strip() else []
    except json.JSONDecodeError:
        value = None
    if not isinstance(value, list):
        log.warning("not a JSON list of sentences: %.80r", line)
        return []
    return [str(item) for item in value]


def print_labels(labels: list[list[str]]) -> None:
    for row in labels:
        print(json.dumps(row), flush=True)


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.telegram import run_bot

    if not settings.telegram_token:
        print(
            "paperbot: set PAPERBOT_TELEGRAM_TOKEN to run the Telegram bot (or try `paperbot chat`).",
            file=sys.stderr,
        )
        return 2
    run_bot(settings, open_library(settings))
    return 0


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    from bot.chat import run_chat

    run_chat(open_library(settings), sys.stdin, sys.stdout)
    return 0


COMMANDS = {
    "ingest": cmd_ingest,
    "ask": cmd_ask,
    "search": cmd_search,
    "card": cmd_card,
    "cite": cmd_cite,
    "classify": cmd_classify,
    "run": cmd_run,
    "chat": cmd_chat,
}


if __name__ == "__main__":
    sys.exit(main())
