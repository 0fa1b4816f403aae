"""Short grounded answers: sentences taken from a paper's own text, or a list of papers for a topic.

Nothing here invents text: every sentence of an answer is a sentence of the paper (or of a summary
ingested with it, labelled as machine-written), or a fixed phrase saying what is missing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from retrieval.answer import Answer, Source, label
from retrieval.embed import Vectors
from retrieval.facets import (
    ASKING_WORDS,
    ASKS_RELEASE,
    CUE_ONLY_FACETS,
    CUES,
    EARLIER_WORK,
    EXPLICIT,
    NAMED,
    PRIOR_WORK,
    RELEASE_FACETS,
    RELEASE_NOTE,
    RELEASE_NOTE_CHARS,
    ROLE_BONUS,
    SELF_LABELLED,
    STRICT_FACETS,
    SUMMARY_FACETS,
)
from retrieval.metadata import METADATA_FACETS, describe
from retrieval.paper import Paper
from retrieval.passages import split_sentences
from retrieval.ranking import has_learned, learned_scores
from retrieval.resolve import is_name
from retrieval.search import STOPWORDS, Hit, fts_words

CUE_BONUS = 0.2
LEARNED_SCALE = 0.1  # log-odds of retrieval/ranking.py onto the scale KEEP_WITHIN is set for
MAX_SENTENCES = 3
# The learned ranker answers with its best RANKED_SENTENCES sentences (2 from an abstract shorter than
# MIN_SENTENCES_FROM). Its second and third are often what a reader calls the answer: left out a set at a
# time, this answered 93.0% of the labelled questions against 90.3% for the cue and position rules of
# choose() (bench/train_facets.py --check).
RANKED_SENTENCES = 3
KEEP_WITHIN = 0.2  # further sentences must score within this of the best one
MIN_SENTENCES = 2  # an answer from an abstract of MIN_SENTENCES_FROM sentences or more has at least this many
MIN_SENTENCES_FROM = 5
# The learned log-odds a sentence needs to state these facets, else "not stated". On our sets the best
# sentence of a stated result never scores below -0.1, while 6 of the 10 results labelled "not stated"
# (position, protocol and survey papers) score below -1.
STATED_LOGIT = {"limitations": -1.0, "future_work": -1.0, "results": -1.0}
# When an abstract states no limitation (future work) in so many words, a question about them is told so and
# shown the sentence the ranker scores highest, if it scores at least this: often a caveat said in other words
# ("performance degrades under domain shift"). On sets A-R (asked as `paperbot ask` does, at 5144fde) it shows
# the labelled sentence for 37 limitation and 28 future-work questions of the 67 and 36 the cues alone had
# answered "not stated", and a sentence for 58 (55) whose labellers found none; each still says "does not state".
# Lowered from -1.5 and -2.0 (2026-11-30): of the questions on sets A-Z and ZA (the ranker trains on them)
# answered "not stated" whose abstract the labellers found a limitation (future work) in, the sentence shown is a
# labelled one for 85 of 116 (50 of 55) rather than 74 (36), a wrong one for 27 (3) rather than 18 (2); most
# abstracts with none now show one.
NEAREST_LOGIT = {"limitations": -2.5, "future_work": -2.5}
# ... and the next best beside it. The best alone is a labelled sentence for fewer questions than both: over sets
# A-ZH (2026-11-30, both models trained on them), 27 of the 756 questions answered so hold their labelled fact only
# with the second sentence; none loses it.
NEAREST_SENTENCES = 2
# A sentence that says it outperforms, is faster by orders of magnitude or gives a percentage reports a result,
# even where the role tagger calls it a method and the ranker scores it under STATED_LOGIT. Of the 37 results
# questions of sets A-W, Z and ZA answered "not stated" at 8bbf3fd, the 7 whose abstract has such a sentence
# were all labelled stated; none of the 23 labelled "not stated" has one. So does "we find" or "our findings
# reveal" (a survey's "Our findings reveal that structure-guided methods ..." was answered "not stated", ZB).
REPORTS_RESULT = re.compile(
    r"\b(outperform\w*|surpass\w*|speed-?ups?|orders? of magnitude|state-of-the-art|sota|beats?)\b"
    r"|\b(we find|our (findings|results|experiments|analysis) (show|reveal|indicate|demonstrate|suggest)"
    r"|(findings|results|experiments) (show|reveal|indicate|demonstrate))\b"
    r"|\d+(\.\d+)?\s?(%|x\b|×)",
    re.IGNORECASE,
)
NEAREST_KIND = "abstract:nearest"  # the Source kind of such a sentence: from the abstract, not claimed to state it
FACET_WORDS = {  # how "The abstract does not state its ..." names a facet
    "about": "subject",
    "method": "method",
    "results": "results",
    "significance": "significance",
    "contributions": "contributions",
    "novelty": "novelty",
    "limitations": "limitations",
    "future_work": "future work",
}


@dataclass(frozen=True)
class Candidate:
    text: str
    position: int
    label: str  # "abstract" or "machine-written summary (<facet>)"
    kind: str = "abstract"  # the Source kind: "abstract" or "summary:<facet>"


def candidates(paper: Paper, facet: str) -> list[Candidate]:
    found = [Candidate(s, i, "abstract") for i, s in enumerate(split_sentences(paper.abstract))]
    wanted = SUMMARY_FACETS.get(facet)
    for summary_facet, text in paper.summaries:
        if summary_facet == wanted:
            found.append(
                Candidate(text, len(found), f"machine-written summary ({summary_facet})", f"summary:{summary_facet}")
            )
    return found


def score_candidates(
    cands: Sequence[Candidate],
    facet: str,
    similarity: Vectors,
    roles: Sequence[str] = (),
    vectors: Vectors | None = None,
    asked: str = "",
) -> list[float]:
    if all(c.kind == "abstract" for c in cands):
        learned = learned_scores(facet, [c.text for c in cands], roles, similarity, vectors, asked)
        if learned is not None:
            return [score * LEARNED_SCALE for score in learned]
    return hand_scores(cands, facet, similarity, roles)


def hand_scores(cands: Sequence[Candidate], facet: str, similarity: Vectors, roles: Sequence[str]) -> list[float]:
    """Similarity plus role, cue and position bonuses: when no learned ranker applies (summaries, no weights)."""
    cue = CUES.get(facet)
    bonus = ROLE_BONUS.get(facet, {})
    scores = []
    for cand, sim in zip(cands, similarity.tolist(), strict=True):
        score = float(sim)
        if cand.kind == "abstract" and cand.position < len(roles):
            score += bonus.get(roles[cand.position], 0.0)
        if cue is not None and cue.search(cand.text):
            score += CUE_BONUS
        if cand.position == 0:  # an abstract's first sentence is mostly background: good for "about" only
            score += 0.1 if facet == "about" else -0.05
        if facet in {"results", "significance"}:
            score += 0.05 * cand.position / max(len(cands), 1)
        scores.append(score)
    return scores


def choose(
    cands: Sequence[Candidate],
    scores: Sequence[float],
    facet: str,
    floor: float | None = None,
    release: bool = False,
) -> list[Candidate]:
    """The best 1-3 candidates (2-3 from an abstract of MIN_SENTENCES_FROM sentences, unless cue-only), in
    the paper's order; for strict facets only those that carry the cue, and none scoring below `floor`."""
    cue = CUES.get(facet)
    order = sorted(range(len(cands)), key=lambda i: -scores[i])
    if floor is not None:
        explicit = EXPLICIT.get(facet)
        order = [i for i in order if scores[i] >= floor or (explicit and explicit.search(cands[i].text))]
    if facet not in RELEASE_FACETS:
        order = [i for i in order if not is_release_note(cands[i].text)] or order
    if facet == "novelty":  # what is new is the paper's own, not what earlier work did
        order = [i for i in order if not EARLIER_WORK.search(cands[i].text)] or order
    if facet in STRICT_FACETS and cue is not None:
        cued = [i for i in order if cue.search(cands[i].text)]
        order = cued if cued or facet in CUE_ONLY_FACETS else order[:MIN_SENTENCES]
    if release and facet in RELEASE_FACETS:  # "is the code out?": where it is, first
        notes = [i for i in range(len(cands)) if is_release_note(cands[i].text)]
        order = notes + [i for i in order if i not in notes]
    if facet == "limitations":  # the paper's own: not a sentence about earlier work, not its opening
        order = [i for i in order if not PRIOR_WORK.search(cands[i].text) and cands[i].position >= len(cands) / 3]
    if facet == "significance" and len(cands) >= MIN_SENTENCES_FROM:
        return problem_and_payoff(cands, scores)
    if facet == "novelty" and len(cands) >= MIN_SENTENCES_FROM:
        return new_against_old(cands, scores, order)
    if not order:
        return []
    top = scores[order[0]]
    least = MIN_SENTENCES if facet not in CUE_ONLY_FACETS and len(cands) >= MIN_SENTENCES_FROM else 1
    picked = [i for n, i in enumerate(order[:MAX_SENTENCES]) if n < least or scores[i] >= top - KEEP_WITHIN]
    return [cands[i] for i in sorted(picked, key=lambda i: cands[i].position)]


def top_ranked(
    cands: Sequence[Candidate], scores: Sequence[float], facet: str, floor: float | None, release: bool
) -> list[Candidate]:
    """The learned ranker's best sentences, in the paper's order; none when the best scores under `floor`
    (a result, say, that a position paper does not report). A release note ("code is at ...") answers only
    a question whether the code is out, and then comes first."""
    order = sorted(range(len(cands)), key=lambda i: -scores[i])
    notes = [i for i in order if is_release_note(cands[i].text)]
    order = [i for i in order if i not in notes] or order
    if release and facet in RELEASE_FACETS:
        order = notes + [i for i in order if i not in notes]
    if not order or (floor is not None and scores[order[0]] < floor):
        return []
    wanted = RANKED_SENTENCES if len(cands) >= MIN_SENTENCES_FROM else MIN_SENTENCES
    return [cands[i] for i in sorted(order[:wanted], key=lambda i: cands[i].position)]


def problem_and_payoff(cands: Sequence[Candidate], scores: Sequence[float]) -> list[Candidate]:
    """Why a paper matters, told both ways an abstract tells it: the best sentence of its opening third (the
    problem it takes on) and the best after that (what its answer makes possible)."""
    ranked = [i for i in sorted(range(len(cands)), key=lambda i: -scores[i]) if not is_release_note(cands[i].text)]
    opening = [i for i in ranked if cands[i].position < len(cands) / 3][:1]
    payoff = [i for i in ranked if cands[i].position >= len(cands) / 3][:1]
    return [cands[i] for i in sorted(opening + payoff, key=lambda i: cands[i].position)]


def new_against_old(cands: Sequence[Candidate], scores: Sequence[float], order: list[int]) -> list[Candidate]:
    """What is new, told against what it replaces: the best sentence of the paper's own (`order`) and the best
    about earlier work ("existing benchmarks assess VLMs on clean images"), or the next best of its own."""
    own = order[:1]
    earlier = [i for i in sorted(range(len(cands)), key=lambda i: -scores[i]) if EARLIER_WORK.search(cands[i].text)]
    picked = own + (earlier[:1] or order[1:2])
    return [cands[i] for i in sorted(set(picked), key=lambda i: cands[i].position)]


def is_release_note(text: str) -> bool:
    return len(text) < RELEASE_NOTE_CHARS and bool(RELEASE_NOTE.search(text))


@dataclass(frozen=True)
class Finding:
    """What a paper's own text says for one facet: up to three sentences, or nothing (not stated)."""

    facet: str
    picked: tuple[Candidate, ...]
    scores: tuple[float, ...]  # one per picked sentence
    nearest: tuple[Candidate, ...] = ()  # not stated: the sentences that come closest, if any comes close enough
    nearest_scores: tuple[float, ...] = ()

    @property
    def stated(self) -> bool:
        return bool(self.picked)

    @property
    def best(self) -> Candidate | None:
        """The picked sentence that scored highest (picked are in the paper's order), if any."""
        ranked = sorted(zip(self.picked, self.scores, strict=True), key=lambda pair: -pair[1])
        return ranked[0][0] if ranked else None

    @property
    def text(self) -> str:
        if not self.picked:
            return f"The abstract does not state its {FACET_WORDS.get(self.facet, self.facet)}."
        return " ".join(c.text if c.label == "abstract" else f"[{c.label}] {c.text}" for c in self.picked)

    @property
    def provenance(self) -> str:
        return " and ".join(dict.fromkeys(c.label for c in self.picked)) or "not stated in the abstract"


def find_facet(
    paper: Paper,
    facet: str,
    similarity: Callable[[Sequence[Candidate]], Vectors] | None = None,
    roles: Sequence[str] = (),
    release: bool = False,
    vectors: Vectors | None = None,
    pointed: Callable[[Sequence[Candidate]], int | None] | None = None,
    asked: str = "",
) -> Finding:
    """The sentences of `paper` that answer `facet`, ranked by cues, sentence roles (one per abstract
    sentence, from retrieval/roles.py), position and `similarity` to the question (if given). `release`: the
    question asks whether code or data is out, so a release note answers first. `vectors`: the abstract
    sentences' MiniLM vectors, which the learned ranker reads when given. `pointed`: the position of a sentence
    the question points at (`pointed_sentence`), answered in place of the weakest of the others. `asked`: the
    question beyond the paper's name, whose words the learned ranker looks for in each sentence."""
    cands = candidates(paper, facet)
    if not cands:
        return Finding(facet, (), ())
    sims = similarity(cands) if similarity else np.zeros(len(cands), dtype=np.float32)
    scores = score_candidates(cands, facet, sims, roles, vectors, asked)
    learned = all(c.kind == "abstract" for c in cands) and has_learned(facet)
    floor = STATED_LOGIT[facet] * LEARNED_SCALE if learned and facet in STATED_LOGIT else None
    if facet == "results" and any(REPORTS_RESULT.search(c.text) for c in cands):
        floor = None  # "report speedups of multiple orders of magnitude": stated, however the ranker scores it
    if learned and facet not in CUE_ONLY_FACETS:
        picked = top_ranked(cands, scores, facet, floor, release)
    else:  # limitations and future work only from sentences that say so; summaries by similarity and cues
        picked = choose(cands, scores, facet, floor, release)
    at = pointed(cands) if pointed is not None and picked else None
    if at is None and picked and facet in SELF_LABELLED:  # "Our main result is that ...": the answer, said so
        at = next((c.position for c in cands if c.kind == "abstract" and SELF_LABELLED[facet].search(c.text)), None)
    if at is not None and cands[at] not in picked:
        kept = sorted(picked, key=lambda c: -scores[c.position])[: MAX_SENTENCES - 1]
        picked = sorted([cands[at], *kept], key=lambda c: c.position)
    best = {c.text: score for c, score in zip(cands, scores, strict=True)}
    near = closest(cands, scores, facet) if learned and not picked and facet in NEAREST_LOGIT else []
    return Finding(
        facet, tuple(picked), tuple(best[c.text] for c in picked), tuple(near), tuple(best[c.text] for c in near)
    )


def closest(cands: Sequence[Candidate], scores: Sequence[float], facet: str) -> list[Candidate]:
    """The NEAREST_SENTENCES sentences the learned ranker scores highest for a facet no sentence states in so
    many words, in the paper's order, if the best scores at least NEAREST_LOGIT: past the opening third
    (background), not release notes, and for limitations not about earlier work."""
    allowed = [
        i
        for i, cand in enumerate(cands)
        if cand.position >= len(cands) / 3
        and not is_release_note(cand.text)
        and not (facet == "limitations" and PRIOR_WORK.search(cand.text))
    ]
    ranked = sorted(allowed, key=lambda i: -scores[i])
    if not ranked or scores[ranked[0]] < NEAREST_LOGIT[facet] * LEARNED_SCALE:
        return []
    return [cands[i] for i in sorted(ranked[:NEAREST_SENTENCES])]


# "what is PHI", "MindClaw, what is it?", "explain the step-level scaling law": the question asks what a thing the
# abstract names is, and the sentence that names it answers, whatever else the ranker picks for the facet.
ASKS_WHAT_IT_IS = re.compile(r"\b(what('?s| is| are)|whats|explain|define|definition of|meaning of)\b", re.I)
POINTED_FACETS = frozenset({"about", "method", "contributions"})
MAX_POINTED = 2  # words said in more abstract sentences than this are what the whole abstract is about
_SPAN_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-]*[A-Za-z0-9]|[A-Za-z0-9]")


def pointed_sentence(question: str, cands: Sequence[Candidate], title: str = "", titled: bool = True) -> int | None:
    """The position of the abstract sentence that first names what a "what is X" question asks about: X is a
    coined name (PHI, DPVR-LF, MindClaw) or 2-4 words said in one or two sentences of the abstract ("step-level
    scaling law"), or a quoted phrase. The longest such, and a name the `title` does not say before one it does
    (the question may name the paper by its title: "Can Post-Training Turn LLMs into ...? - what is PHI"), and
    only one it does not if not `titled` ("explain the RegNetMamba-2 method" asks for the method, not where the
    abstract names it); None when the question asks no such thing."""
    if not ASKS_WHAT_IT_IS.search(question) or any(named.search(question) for named in NAMED.values()):
        return None  # "explain the RegNetMamba-2 registration method" asks for the method, not what it is
    texts = [c.text.lower() for c in cands if c.kind == "abstract"]
    quoted = re.search(r"""(?:(?<=\s)|^)['"“‘]([^'"”’]{3,60})['"”’](?!\w)""", question)
    if quoted:  # "what's the 'Lost at the End' effect?", though the title says it too
        said = [k for k, text in enumerate(texts) if quoted.group(1).lower() in text]
        if said:
            return said[0]
    title = title.lower()
    tokens = _SPAN_TOKEN.findall(question)
    found: list[tuple[bool, int, int]] = []  # (said in the title, -length in characters, sentence position)
    for n in range(1, 5):
        for i in range(len(tokens) - n + 1):
            words = tokens[i : i + n]
            if n == 1 and not (is_name(words[0]) or (words[0].isupper() and len(words[0]) >= 3)):
                continue
            if n > 1 and any(w.lower() in STOPWORDS or w.lower() in ASKING_WORDS for w in (words[0], words[-1])):
                continue
            span = " ".join(words).lower()
            pattern = re.compile(rf"(?<![\w-]){re.escape(span)}(?![\w-])")
            in_title = bool(pattern.search(title))
            if in_title and (n > 1 or not titled):
                continue
            at = [k for k, text in enumerate(texts) if pattern.search(text)]
            if at and (n == 1 or len(at) <= MAX_POINTED):
                found.append((in_title, -len(span), at[0]))
    return min(found)[2] if found else None


def answer_from_paper(
    question: str,
    facet: str,
    paper: Paper,
    focus: str,
    encode: Callable[[list[str]], Vectors],
    roles: Sequence[str] = (),
    vectors: Vectors | None = None,
) -> Answer:
    """Answer `facet` of `paper` with its sentences closest to `focus` (the question minus the paper's name).
    `roles` and `vectors`: the abstract sentences' roles and MiniLM vectors (retrieval/roles.py), if read."""
    if facet in METADATA_FACETS:
        text, value = describe(paper, facet)
        source = (_source(paper, 1.0, value, "metadata"),) if value else ()
        return Answer(question, facet, text, paper, source)
    if not paper.abstract and not paper.summaries:
        return Answer(question, facet, "I have only the title of this paper.", paper, ())
    release = bool(ASKS_RELEASE.search(focus))

    def point(cands: Sequence[Candidate]) -> int | None:  # "what is PHI?": the sentence that names it
        return pointed_sentence(question, cands, paper.title, facet == "about")

    finding = find_facet(
        paper,
        facet,
        lambda cands: similarity_to(focus, cands, encode, vectors),
        roles,
        release,
        vectors,
        point if facet in POINTED_FACETS else None,
        focus,
    )
    sources = tuple(
        _source(paper, score, c.text, c.kind) for c, score in zip(finding.picked, finding.scores, strict=True)
    )
    if finding.nearest:
        word = FACET_WORDS.get(facet, facet)
        said = " ".join(c.text for c in finding.nearest)
        closest_ = "sentence that comes" if len(finding.nearest) == 1 else "sentences that come"
        text = f"The abstract does not state its {word} outright. The {closest_} closest: {said}"
        sources = tuple(
            _source(paper, score, c.text, NEAREST_KIND)
            for c, score in zip(finding.nearest, finding.nearest_scores, strict=True)
        )
        return Answer(question, facet, text, paper, sources)
    return Answer(question, facet, finding.text, paper, sources)


def also(answer: Answer, other: Answer) -> Answer:
    """`answer` and what `other` (the same question read as asking another facet) adds: its best sentence not
    said yet, or that the abstract does not state that facet."""
    word = FACET_WORDS.get(other.facet, other.facet)
    stated = [source for source in other.sources if source.kind != NEAREST_KIND]
    if not stated:
        if not answer.sources or all(source.kind == NEAREST_KIND for source in answer.sources):
            return answer  # neither stated: said once
        return replace(answer, text=f"{answer.text}\nThe abstract does not state its {word}.")
    best = max(stated, key=lambda source: source.score)
    if any(best.passage == source.passage for source in answer.sources):
        return answer
    return replace(answer, text=f"{answer.text}\nAs for its {word}: {best.passage}", sources=(*answer.sources, best))


def paper_passages(paper: Paper, facet: str) -> list[Source]:
    """Everything a generated answer about `facet` of `paper` may use: its abstract sentences and summaries."""
    return [_source(paper, 0.0, c.text, c.kind) for c in candidates(paper, facet)]


COMPARED = ("about", "method", "results")


def compare(question: str, first: Paper, second: Paper) -> Answer:
    """Side by side: what each paper is about, how it works and what it found, in its own sentences."""
    rows: list[str] = []
    sources: list[Source] = []
    for paper in (first, second):
        rows.append(f"{paper.title} ({label(paper)}):")
        for facet in COMPARED:
            finding = find_facet(paper, facet)
            shown = finding.picked[:1]
            rows.append(f"  {FACET_TITLES_SHORT[facet]}: {shown[0].text if shown else finding.text}")
            sources.extend(_source(paper, s, c.text, c.kind) for c, s in zip(shown, finding.scores, strict=False))
    return Answer(question, "compare", "\n".join(rows), first, tuple(sources))


FACET_TITLES_SHORT = {"about": "About", "method": "Method", "results": "Results"}


def answer_topic(question: str, hits: Sequence[Hit], papers: dict[str, Paper], lines: int = 5) -> Answer:
    """One line per paper found, best first."""
    found = [(hit, papers[hit.paper_id]) for hit in hits if hit.paper_id in papers]
    if not found:
        return Answer(question, "search", "I found no papers about that in my library.", None, ())
    rows = [
        f"{n}. {paper.title} ({label(paper)}{', ' + paper.date if paper.date else ''})"
        for n, (_, paper) in enumerate(found[:lines], 1)
    ]
    text = "Papers that match:\n" + "\n".join(rows)
    sources = tuple(_source(paper, hit.score, snippet(paper, question), "paper") for hit, paper in found)
    return Answer(question, "search", text, None, sources)


def snippet(paper: Paper, query: str) -> str:
    """The abstract sentence sharing most content words with the query (the earliest on a tie)."""
    words = set(fts_words(query))
    sentences = split_sentences(paper.abstract) or [paper.title]
    return max(sentences, key=lambda s: len(words & set(fts_words(s))))


def similarity_to(
    focus: str, cands: Sequence[Candidate], encode: Callable[[list[str]], Vectors], known: Vectors | None = None
) -> Vectors:
    """Cosine similarity of each candidate to what the question says beyond asking ("...about the loss?");
    `known`: the candidates' vectors, when already encoded.

    A bare "what is it about?" says nothing to compare with: then all are 0 and cues and position decide.
    """
    if not [word for word in fts_words(focus) if word not in ASKING_WORDS]:
        return np.zeros(len(cands), dtype=np.float32)
    if known is not None and len(known) == len(cands):
        similarity: Vectors = known @ encode([focus])[0]
        return similarity
    vectors = encode([focus, *(c.text for c in cands)])
    similarity = vectors[1:] @ vectors[0]
    return similarity


def first_sentence(text: str) -> str:
    sentences = split_sentences(text)
    return sentences[0] if sentences else ""


def _source(paper: Paper, score: float, passage: str, kind: str) -> Source:
    return Source(paper.id, paper.title, float(np.round(score, 4)), passage, kind)
