"""Optional generated answers: an OpenAI-compatible chat model rewrites an answer from given passages only.

Used only when `PAPERBOT_LLM_URL` is set; the default is fully local and extractive. The model sees numbered
passages (the paper's abstract sentences and ingested summaries, or the top search hits) and must end every
sentence with the numbers of the passages it used, like [2]. A sentence is kept only if it cites passages it
was given and its numbers and most of its content words are found in those passages; every other sentence is
dropped. When nothing is kept, or the model fails, times out or replies malformed (`ModelUnavailable`), the
extractive answer stands. Talking to the endpoint is not done here: a `Complete` function is passed in
(bot/llm.py speaks the OpenAI chat-completions protocol), so retrieval stays free of network code.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from retrieval.answer import Answer, Source
from retrieval.errors import ModelUnavailable
from retrieval.passages import split_sentences

log = logging.getLogger(__name__)
Message = dict[str, str]
Complete = Callable[[list[Message]], str]  # chat messages -> the model's reply; raises ModelUnavailable
MAX_SENTENCES = 3
MIN_COVERAGE = 0.6  # share of a sentence's content words that must occur in the passages it cites
NOT_STATED = "NOT STATED"
SYSTEM = (
    "You answer questions about research papers using ONLY the numbered passages you are given. "
    f"Write at most {MAX_SENTENCES} short sentences in plain text. End every sentence with the number of the "
    "passage it is based on in square brackets, like [2] or [1][3]. Never add facts, numbers or names that "
    f"are not in the passages. If the passages do not answer the question, reply exactly: {NOT_STATED}"
)
_REFS = re.compile(r"\[\s*(\d+(?:\s*[,;]\s*\d+)*)\s*\]")
_LEADING_REFS = re.compile(r"^((?:\s*\[\s*\d+(?:\s*[,;]\s*\d+)*\s*\])+)\s*")
_WORD = re.compile(r"[a-z][a-z0-9\-]+|\d+(?:[.,]\d+)*%?")
_NUMBER = re.compile(r"\d")
_STOP = frozenset(
    "the and for with from that this these those their its are was were been being has have had not but also "
    "into onto than then such can could may might will would should which who whom whose what when where how "
    "our they them there here about over under more most less very using used use based paper study work "
    "authors author propose proposes proposed present presents show shows shown".split()
)


@dataclass(frozen=True)
class Written:
    """What the model wrote, after checking: kept sentences with renumbered citations, and the cited passages."""

    text: str
    sources: tuple[Source, ...]
    dropped: int  # sentences removed as uncited, wrongly cited or not found in their passages


class AnswerWriter:
    """Asks a model through `complete`; `improve` never raises and never makes an answer less grounded."""

    def __init__(self, complete: Complete, model: str) -> None:
        self.complete = complete
        self.model = model  # named under every answer the model wrote

    def improve(self, answer: Answer, passages: Sequence[Source], renumber: bool = True) -> Answer:
        """`answer` rewritten by the model from `passages`, or `answer` itself when that cannot be done well.

        With `renumber` the answer's sources become the cited passages, numbered as cited; without it (a list
        of search hits) the sources stay as given and the marks keep their numbers."""
        if not passages:
            return answer
        try:
            reply = self.complete(prompt(answer.question, answer.paper.title if answer.paper else "", passages))
        except ModelUnavailable as exc:
            log.warning("generated answer failed (%s); the extractive answer is used", exc)
            return answer
        written = check(reply, passages, renumber)
        if written is None:
            return answer
        if written.dropped:
            log.info("generated answer: %d sentence(s) dropped as uncited or unsupported", written.dropped)
        return replace(answer, text=written.text, sources=written.sources, generated_by=self.model)


def prompt(question: str, title: str, passages: Sequence[Source]) -> list[Message]:
    """The chat messages: the rules, then the numbered passages (with paper titles for a topic) and the question."""
    numbered = "\n".join(f"[{n}] {'' if title else p.title + ': '}{p.passage}" for n, p in enumerate(passages, 1))
    about = f'The question is about the paper "{title}".\n' if title else ""
    return [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": f"{about}Passages:\n{numbered}\n\nQuestion: {question}"},
    ]


def check(reply: str, passages: Sequence[Source], renumber: bool = True) -> Written | None:
    """Keep the reply's sentences that cite given passages and are supported by them; None if none is."""
    if reply.strip().upper().startswith(NOT_STATED):
        return None
    kept: list[tuple[str, list[int]]] = []
    dropped = 0
    for sentence, refs in cited_sentences(reply):
        if refs and all(1 <= r <= len(passages) for r in refs) and supported(sentence, [passages[r - 1] for r in refs]):
            kept.append((sentence, refs))
        else:
            dropped += 1
    kept = kept[:MAX_SENTENCES]
    if not kept:
        return None
    if renumber:
        order = list(dict.fromkeys(r for _, refs in kept for r in refs))  # passages in order of first citation
        number = {old: new for new, old in enumerate(order, 1)}
        sources = tuple(passages[r - 1] for r in order)
    else:
        number, sources = {r: r for r in range(1, len(passages) + 1)}, tuple(passages)
    marks = ["".join(f"[{number[r]}]" for r in dict.fromkeys(refs)) for _, refs in kept]
    text = " ".join(f"{s[:-1]} {mark}{s[-1]}" for (s, _), mark in zip(kept, marks, strict=True))
    return Written(text, sources, dropped)


def cited_sentences(reply: str) -> list[tuple[str, list[int]]]:
    """Each sentence of the reply without its citation marks, and the passage numbers it cites."""
    sentences = split_sentences(" ".join(reply.split()))
    out: list[tuple[str, list[int]]] = []
    for sentence in sentences:
        leading = _LEADING_REFS.match(sentence)
        if leading and out:  # "... found X. [2] Next ..." : the marks belong to the sentence before
            out[-1][1].extend(_numbers(leading.group(1)))
            sentence = sentence[leading.end() :]
        refs = _numbers(sentence)
        text = " ".join(_REFS.sub(" ", sentence).split())
        text = re.sub(r"\s+([.,;:!?])", r"\1", text).strip()
        if re.search(r"\w", text):
            out.append((text if text[-1] in ".!?" else text + ".", refs))
    return out


def supported(sentence: str, cited: Sequence[Source]) -> bool:
    """Every number of the sentence, and most of its content words, occur in the cited passages."""
    source_words = {_stem(w) for p in cited for w in _WORD.findall(f"{p.title} {p.passage}".lower())}
    words = [w for w in _WORD.findall(sentence.lower()) if w not in _STOP and (len(w) > 2 or _NUMBER.search(w))]
    if not words:
        return False
    numbers = [w for w in words if _NUMBER.search(w)]
    if any(_stem(n) not in source_words for n in numbers):
        return False
    found = sum(_stem(w) in source_words for w in words)
    return found / len(words) >= MIN_COVERAGE


def _stem(word: str) -> str:
    word = word.rstrip("%").replace(",", "")
    return word if _NUMBER.search(word) else word[:6]


def _numbers(text: str) -> list[int]:
    return [int(n) for group in _REFS.findall(text) for n in re.split(r"\s*[,;]\s*", group)]
