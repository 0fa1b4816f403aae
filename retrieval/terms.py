"""Weighted key terms of a paper: TF-IDF over the store, phrases of up to three words, no duplicates.

Candidate terms are runs of content words (split at stop words and punctuation) and their 1-3-word
n-grams; LaTeX markup is dropped. Weights are L2-normalised TF-IDF, as ArxivLens shows them
(`ai (0.343)`); a term is left out when it shares a word (up to a plural) with a heavier term already
chosen ("model" under "language model"), and a phrase must be used again, in the paper or another one.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping

from retrieval.paper import Paper
from retrieval.search import STOPWORDS

MAX_N = 3
TITLE_WEIGHT = 2  # a term in the title counts as this many occurrences
_LATEX = re.compile(r"\\[a-zA-Z]+\*?|[{}$^_~\\]")
_CHUNK = re.compile(r"[a-z0-9][a-z0-9\-']*")
_EXTRA_STOP = frozenset(
    """we our propose proposed present presents introduce introduces show shows shown results result method methods
    approach approaches based using use used new novel existing various different several however while well also
    paper work via across within without among many much first two three one can may might often more less
    significantly substantially respectively achieve achieves achieving demonstrate demonstrates large small""".split()
)
STOP = STOPWORDS | _EXTRA_STOP


def candidate_terms(text: str) -> list[str]:
    """Every 1-3-word term of `text`, in order, with repeats (the counts are the term frequencies)."""
    terms: list[str] = []
    for chunk in re.split(r"[.,;:!?()\[\]\"]+", _LATEX.sub(" ", text.lower())):
        run: list[str] = []
        for word in [*_CHUNK.findall(chunk), ""]:
            word = word.strip("-'")
            if word and word not in STOP and not word.isdigit() and len(word) > 1:
                run.append(word)
                continue
            terms.extend(" ".join(run[i : i + n]) for n in range(1, MAX_N + 1) for i in range(len(run) - n + 1))
            run = []
    return terms


def paper_terms(paper: Paper) -> Counter[str]:
    counts = Counter(candidate_terms(paper.abstract))
    for term in candidate_terms(paper.title):
        counts[term] += TITLE_WEIGHT
    return counts


def document_frequencies(papers: Iterable[Paper]) -> tuple[Counter[str], int]:
    """How many papers use each term (terms used by one paper only are dropped: their df is 1)."""
    df: Counter[str] = Counter()
    count = 0
    for paper in papers:
        df.update(set(paper_terms(paper)))
        count += 1
    return Counter({term: n for term, n in df.items() if n > 1}), count


def key_terms(paper: Paper, df: Mapping[str, int], n_docs: int, k: int = 8) -> list[tuple[str, float]]:
    """The `k` heaviest distinct terms of `paper`, as (term, L2-normalised TF-IDF weight)."""
    counts = paper_terms(paper)
    in_abstract = Counter(candidate_terms(paper.abstract))
    weights = {
        t: tf * (math.log((n_docs + 1) / (df.get(t, 1) + 1)) + 1)
        for t, tf in counts.items()
        if " " not in t or df.get(t, 1) > 1 or in_abstract[t] > 1  # a phrase is a term: used again
    }
    norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
    chosen: list[tuple[str, float]] = []
    for term, weight in sorted(weights.items(), key=lambda item: (-item[1], item[0])):
        if not any(_overlaps(term, other) for other, _ in chosen):
            chosen.append((term, round(weight / norm, 3)))
        if len(chosen) == k:
            break
    return chosen


def _stem(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def _overlaps(a: str, b: str) -> bool:
    """Terms sharing a word up to plurals ("model", "language models"): one of them is enough."""
    return bool({_stem(w) for w in a.split()} & {_stem(w) for w in b.split()})
