"""One settings object for every part of paperbot, read from `PAPERBOT_*` environment variables.

Built once in the entry point (bot/cli.py) and passed down; nothing else reads the environment.
The token is kept out of `repr()` so a logged settings object never shows it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path


def default_home() -> Path:
    data = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(data) / "paperbot"


@dataclass(frozen=True)
class Settings:
    home: Path = field(default_factory=default_home)
    telegram_token: str = field(default="", repr=False)
    telegram_api_url: str = "https://api.telegram.org/bot"
    arxiv_api_url: str = "https://export.arxiv.org/api/query"
    arxiv_rss_url: str = "https://rss.arxiv.org/rss/"
    arxiv_oai_url: str = "https://oaipmh.arxiv.org/oai"
    arxiv_min_interval: float = 3.0  # seconds between two arXiv requests (arXiv's terms)
    fetch_missing: bool = True  # look up ids the store lacks on arXiv when answering
    sources: tuple[str, ...] = ("arxiv:cat:cs.CL",)  # what `scripts/run` ingests before starting
    poll_seconds: float | None = None
    batch_size: int = 64  # sentences per encoding batch
    llm_url: str = ""  # an OpenAI-compatible endpoint; empty = extractive answers only (the default)
    llm_api_key: str = field(default="", repr=False)
    llm_model: str = ""
    llm_timeout: float = 20.0  # seconds; after that the extractive answer is used

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, home: str | None = None) -> Settings:
        env = os.environ if env is None else env
        defaults = cls()
        poll = env.get("PAPERBOT_POLL_SECONDS", "").strip()
        sources = env.get("PAPERBOT_SOURCES", "").split()
        return cls(
            home=Path(home or env.get("PAPERBOT_HOME") or defaults.home).expanduser(),
            telegram_token=env.get("PAPERBOT_TELEGRAM_TOKEN", "").strip(),
            telegram_api_url=env.get("PAPERBOT_TELEGRAM_API_URL", defaults.telegram_api_url),
            arxiv_api_url=env.get("PAPERBOT_ARXIV_API_URL", defaults.arxiv_api_url),
            arxiv_rss_url=env.get("PAPERBOT_ARXIV_RSS_URL", defaults.arxiv_rss_url),
            arxiv_oai_url=env.get("PAPERBOT_ARXIV_OAI_URL", defaults.arxiv_oai_url),
            arxiv_min_interval=float(env.get("PAPERBOT_ARXIV_MIN_INTERVAL", defaults.arxiv_min_interval)),
            fetch_missing=env.get("PAPERBOT_FETCH_MISSING", "1").strip().lower() not in {"0", "false", "no"},
            sources=tuple(sources) or defaults.sources,
            poll_seconds=float(poll) if poll else None,
            batch_size=int(env.get("PAPERBOT_BATCH_SIZE", defaults.batch_size)),
            llm_url=env.get("PAPERBOT_LLM_URL", "").strip(),
            llm_api_key=env.get("PAPERBOT_LLM_API_KEY", "").strip(),
            llm_model=env.get("PAPERBOT_LLM_MODEL", "").strip(),
            llm_timeout=float(env.get("PAPERBOT_LLM_TIMEOUT", defaults.llm_timeout)),
        )
