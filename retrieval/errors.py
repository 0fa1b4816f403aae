"""The errors paperbot raises on purpose. Each carries the sentence a user is shown.

PaperbotError            -- base; `user_message` is safe to show, `str()` is for logs
+-- StoreMissing         -- no store under --home yet (run `paperbot ingest` first)
+-- StoreCorrupt         -- the store exists but cannot be read
+-- SourceError          -- an input file or feed could not be read
|   +-- ArxivError       -- arXiv answered with an error feed, or not at all after retries
+-- ModelUnavailable     -- the configured language model failed, timed out or replied malformed
"""

from __future__ import annotations


class PaperbotError(Exception):
    user_message = "Something went wrong."

    def __init__(self, detail: str = "", user_message: str | None = None) -> None:
        super().__init__(detail or self.user_message)
        if user_message is not None:
            self.user_message = user_message


class StoreMissing(PaperbotError):
    user_message = "No papers have been ingested yet: run `paperbot ingest SOURCE` first."


class StoreCorrupt(PaperbotError):
    user_message = "The paper store cannot be read; re-run `paperbot ingest` to rebuild it."


class SourceError(PaperbotError):
    user_message = "That source could not be read."


class ArxivError(SourceError):
    user_message = "arXiv could not be reached or refused the request."


class ModelUnavailable(PaperbotError):
    user_message = "The language model could not answer; the answer is taken from the paper's text instead."
