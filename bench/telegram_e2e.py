"""The real bot process against a Bot API server that validates like Telegram, end to end.

    python bench/telegram_e2e.py --home DIR [--fake-llm]    (a store holding the 2026-06 month)

Starts the fake Bot API of tests/fake_botapi.py on 127.0.0.1 (it refuses bad HTML entities and messages
over 4096 characters, as Telegram does), runs `paperbot run` as a separate process pointed at it, sends
private questions by id, title and topic, a group @mention, a reply to the bot, group chatter and /paper,
then checks each reply, that no send was rejected, that the chatter got nothing, and that the token
appears nowhere in the bot's output. Prints one line per check; exit status 1 if any failed.
`--fake-llm` also starts tests/fake_llm.py (a careless chat-completions model) and points
PAPERBOT_LLM_URL and an API key at it: the same checks must pass with generated answers, the model must
have been asked, and the key must appear nowhere in the bot's output either.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.fake_botapi import BOT_USERNAME, FakeBotApi
from tests.fake_llm import FakeLLM

LLM_KEY = "sk-e2e-fake-llm-key"

USER, GROUP = 5001, -1005001
CASES = [  # (chat, chat type, text, what the reply must start with or contain)
    (USER, "private", "What is arXiv:2605.30580v1 about?", "Speculative Decoding Across Languages (2605.30580)"),
    (USER, "private", "what did they find?", "Speculative Decoding Across Languages (2605.30580)"),
    (USER, "private", "key results of 'Probing the Prompt KV Cache: Where It Becomes Dispensable'?",
     "Probing the Prompt"),
    (USER, "private", "what is steering llms? actually, sparse autoencoders can outperfom simple baselines about?",
     "Steering LLMs? Actually, Sparse Autoencoders"),
    (USER, "private", "Any papers on keeping a video editing diffusion model fast enough for live streams?",
     "2605.30409"),
    (USER, "private", "What is 2601.99999 about?", "I don't have arXiv:2601.99999"),
    (USER, "private", "<b>bold</b> & <script>alert(1)</script>", ""),
    (GROUP, "supergroup", f"@{BOT_USERNAME} who wrote https://arxiv.org/abs/2605.30574?", "Written by Vinayshekhar"),
    (USER, "private", "/paper 2605.30580", "Speculative Decoding Across Languages\narXiv:2605.30580"),
]  # fmt: skip


def check(name: str, ok: bool, detail: str = "") -> bool:
    print(f"{'ok  ' if ok else 'FAIL'} {name}{'' if ok else ': ' + detail[:300]}", flush=True)
    return ok


def ask(fake: FakeBotApi, chat: int, kind: str, text: str, expect: str) -> bool:
    before = len(fake.sent(chat))
    fake.send_text(text, chat_id=chat, chat_type=kind)
    fake.wait_for(lambda f: len(f.sent(chat)) > before, timeout=120)
    shown = fake.sent(chat)[before].shown
    ok = shown.startswith(expect) or expect in "\n".join(shown.splitlines()[:7])  # header + top 3 papers
    return check(f"{kind} {text[:60]!r}", ok, f"got {shown[:200]!r}")


def run_checks(fake: FakeBotApi, bot: subprocess.Popen[str]) -> list[bool]:
    fake.wait_for(lambda f: any(c.method == "getUpdates" for c in f.calls), timeout=120)
    results = [ask(fake, chat, kind, text, expect) for chat, kind, text, expect in CASES]
    reply_to = fake.sent(GROUP)[-1].result
    before = len(fake.sent(GROUP))
    fake.send_text("and when was it published?", chat_id=GROUP, chat_type="supergroup", reply_to=reply_to)
    fake.wait_for(lambda f: len(f.sent(GROUP)) > before, timeout=120)
    shown = fake.sent(GROUP)[-1].shown
    results.append(check("reply to the bot in a group", "Announced 2026-06-01" in shown, shown))
    group_before = len([c for c in fake.calls if c.params.get("chat_id") == GROUP])
    fake.send_text("has anyone read 2605.30580 yet?", chat_id=GROUP, chat_type="supergroup")
    fake.send_text("lunch at noon?", chat_id=GROUP, chat_type="group")
    ask(fake, USER, "private", "hello", "")  # handled after the chatter
    group_after = len([c for c in fake.calls if c.params.get("chat_id") == GROUP])
    results.append(check("group chatter is ignored", group_after == group_before))
    results.append(check("no send was rejected", not fake.rejected(), str([c.description for c in fake.rejected()])))
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", required=True)
    parser.add_argument("--paperbot", default=str(Path(sys.executable).with_name("paperbot")))
    parser.add_argument("--fake-llm", action="store_true", help="answers written by a local fake model")
    args = parser.parse_args()
    with FakeBotApi() as fake, contextlib.ExitStack() as stack:
        env = {**os.environ, "PAPERBOT_TELEGRAM_TOKEN": fake.token, "PAPERBOT_TELEGRAM_API_URL": fake.base_url,
               "PAPERBOT_FETCH_MISSING": "0"}  # fmt: skip
        llm = stack.enter_context(FakeLLM()) if args.fake_llm else None
        if llm is not None:
            env.update({"PAPERBOT_LLM_URL": llm.url, "PAPERBOT_LLM_API_KEY": LLM_KEY, "PAPERBOT_LLM_MODEL": "fake"})
        started = time.monotonic()
        bot = subprocess.Popen([args.paperbot, "run", "--home", args.home], env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)  # fmt: skip
        try:
            results = run_checks(fake, bot)
        finally:
            bot.send_signal(signal.SIGINT)
            output, _ = bot.communicate(timeout=60)
        results.append(check("the bot stopped cleanly on Ctrl-C", bot.returncode == 0, f"exit {bot.returncode}"))
        leaked = fake.token in output or fake.token.split(":")[1] in output
        results.append(check("the token appears nowhere in the bot's output", not leaked))
        if llm is not None:
            asked = len(llm.requests)
            results.append(check("the model wrote answers", asked > 0, f"{asked} requests"))
            results.append(check("the model's API key appears nowhere in the bot's output", LLM_KEY not in output))
        print(f"{sum(results)} passed, {len(results) - sum(results)} failed in {time.monotonic() - started:.0f}s")
        print(f"bot output: {len(output.splitlines())} lines; last: {output.strip().splitlines()[-1:]}")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
