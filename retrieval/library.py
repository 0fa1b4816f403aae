"""The one answer path every surface uses: `Library.ask(question, current)` -> `Answer`.

Telegram, the terminal chat and `paperbot ask` all call this; they differ only in formatting.
CPU-bound (encoding, FAISS): call it from a worker thread on an event loop.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from dataclasses import replace

from retrieval.answer import Answer, cite_line, label
from retrieval.card import Card, build_card
from retrieval.cite import cite
from retrieval.compose import (
    FACET_WORDS,
    NEAREST_KIND,
    also,
    answer_from_paper,
    answer_topic,
    compare,
    first_sentence,
    paper_passages,
)
from retrieval.embed import Embedder, Vectors
from retrieval.facets import (
    asks_back,
    asks_for_papers,
    carries_on,
    compared_with,
    detect_facet,
    is_follow_up,
    is_question,
    is_topic_question,
    known_words,
    points_back,
    unknown_words,
)
from retrieval.intent import facet_probabilities, guess_facet
from retrieval.paper import Paper, normalise_id
from retrieval.passages import split_sentences
from retrieval.resolve import (
    Subject,
    described_words,
    description,
    is_name,
    name_glossed,
    named_loosely,
    namesakes,
    resolve,
    resolve_all,
    resolve_named,
    title_spans,
    unlatex,
)
from retrieval.roles import RoleTagger
from retrieval.search import Hit, fts_query, fts_words, search, similar_papers
from retrieval.spelling import correct_spelling
from retrieval.store import Store
from retrieval.terms import key_terms, paper_terms
from retrieval.writer import AnswerWriter

log = logging.getLogger(__name__)
MAX_QUESTION = 2000  # characters looked at; the rest of a huge message is ignored
MIN_DENSE_SCORE = 0.25  # below this, and with no word in common, nothing matches
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff]")
HELP = (
    'Ask me about a paper: name it by arXiv id, link or title, e.g. "What is 2405.08597 about?", '
    "\"What method does 'Attention Is All You Need' use?\" — or ask for papers on a topic: "
    '"Any papers on KV-cache compression?"'
)

Fetcher = Callable[[str], Paper | None]
TOPIC_PASSAGES = 5  # search hits a generated topic answer may draw on (the ones the list shows)
ROLES_KEPT = 256  # papers whose sentence roles are cached
STORE_FACETS = frozenset({"cite", "key_terms", "similar", "compare"})
NEVER_INFERRED = frozenset({"limitations", "future_work"})  # "not stated" here is never handed to a model
SAYS_PAPER = re.compile(r"\b(paper|study|preprint|article)\b", re.IGNORECASE)
NAMESAKE_RANKS = 50  # search hits looked through for one of the papers a shared name may mean
MIN_DESCRIBED_LEAD = 1.5  # fused z lead of a described paper over the next (A-M: no wrong lead above 1.49)
# ... of one described as "the ... paper" (or study) with nothing else to go on, which is then answered with the
# runner-up named. On sets A-U such questions lead by 0.76-1.42 when the first hit is right, 0.31 at most when not.
MIN_SAID_PAPER_LEAD = 0.5
# How sure retrieval/intent.py must be to overrule the facet a wording rule names. On sets ZL-ZN with the
# fine-tuned model trained without them (`bench/train_intent.py --leave-out ZL,ZM,ZN`): rules then the model 91.2%
# right, the model alone 96.2%, overruled from 0.7 95.7% (0.5 and 0.8 the same within a question or two).
# Record facets such as dates are never overruled (the model does not know them), nor "compare A with B" once it
# names two papers (settled before); similar papers and citations only when the model is very sure.
OVERRULED = {facet: 0.7 for facet in FACET_WORDS} | {"similar": 0.9, "cite": 0.9}
MAX_ASKED_BACK_WORDS = 6  # words the current paper does not use, in a question that points back ("they")
MAX_ASKED_WORDS = 4  # ... in one that does not
MIN_ASKED_BACK_LEAD = 1.0  # fused z lead of another paper that makes such a question a search
TOPIC_SCORE = 4.0  # ... or its fused z alone (topic questions: median 6.2; such follow-ups on A-M: 3.7 at most)
# ... when the question points back ("what does it give you beyond a pass/fail score") or carries on ("so are
# SAEs worth using, bottom line?"): a follow-up in all but name, however well another paper matches its words.
# With these (and "the report" pointing back), 7 questions of sets X and ZF-ZH (read) that went to a search stay
# with their paper; no question of sets A-ZH leaves it; topic evals unchanged (2026-11-30).
MIN_CARRIED_ON_LEAD = 2.5
CARRIED_ON_TOPIC_SCORE = 6.0
# A question that asks the authors of one paper something ("do they mention any downsides?", "what did the
# ... authors leave open?") but names it by no id, title or description: the top search hit, when it leads by
# this much. On sets A-U: 4 such questions found, none wrong; none of the 250 topic questions is taken so.
MIN_ASKED_OF_LEAD = 2.0
MIN_ASKED_OF_GUESS = 0.7  # how sure retrieval/intent.py must be of the facet, when no wording rule names one
ASKS_AUTHORS = re.compile(
    r"\b(do|did|does|have|had|are|were|can|could|would|will) (they|the authors)\b|\b(they|authors) (mention|admit"
    r"|acknowledge|propose|build|built|use|used|train|trained|find|found|leave|left|plan|say|said|claim|report"
    r"|show|showed)\b",
    re.IGNORECASE,
)
# "there's a paper on an LLM email dispatcher ..., what's it about", "that paper asking if neural nets can discover
# zero - what's it about": one paper, described in words and asked about as "it"
ASKS_OF_IT = re.compile(r"\b(what('?s| is| was) it|(is|does|did|can|could|will|would) it)\b", re.IGNORECASE)
# A question the facet model also reads as another facet of the paper's text, with at least this probability,
# is answered both ways ("is the LLM's stated confidence meaningful at all?": limitations 0.46, results 0.24).
# On sets ZF-ZH, with the logistic facet model of the time at 0.2 (2026-11-30): the answer holds the labelled fact
# for 92.0% of the 600 questions against 90.0% without. The fine-tuned model is surer, so the bar is lower: on ZL-ZN
# with it trained without them, 22 of 600 answers add a facet at 0.05 (6 at 0.2), text 92.0 -> 92.7%.
ALSO_ASKED = 0.05
MIN_FOLLOW_UP_GUESS = 0.5  # how sure retrieval/intent.py must be to make "practical upshot?" a follow-up


def clean_question(question: str) -> str:
    return unlatex(" ".join(_CONTROL.sub(" ", question[: MAX_QUESTION * 2]).split())[:MAX_QUESTION])


def leave_out(text: str, mentions: tuple[str, ...]) -> str:
    """The question without the words that named the paper, so a title's "failure" is not asked about."""
    for mention in sorted(mentions, key=len, reverse=True):
        at = text.lower().find(mention.lower())
        if at >= 0:
            text = f"{text[:at]} {text[at + len(mention) :]}"
    return " ".join(text.split())  # "How did team  do": one space where a name was


class Library:
    """A read-only view of the store that answers questions and searches."""

    def __init__(
        self,
        store: Store,
        embedder: Embedder,
        fetch_missing: Fetcher | None = None,
        tagger: RoleTagger | None = None,
        writer: AnswerWriter | None = None,
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.fetch_missing = fetch_missing
        self.tagger = tagger or RoleTagger()
        self.writer = writer  # when set, paper and topic answers are written by a model from their passages
        self._read: dict[str, tuple[list[str], Vectors]] = {}  # paper id -> roles and vectors (a small cache)
        self._read_lock = threading.Lock()

    def roles_of(self, paper: Paper) -> list[str]:
        """The role of each sentence of the paper's abstract (retrieval/roles.py)."""
        return self.read(paper)[0]

    def read(self, paper: Paper) -> tuple[list[str], Vectors]:
        """The role and the MiniLM vector of each sentence of the paper's abstract, read once per paper and kept
        for a while."""
        with self._read_lock:
            known = self._read.get(paper.id)
        if known is None:
            known = self.tagger.read([split_sentences(paper.abstract)], self.embedder.encode)[0]
            with self._read_lock:
                if len(self._read) >= ROLES_KEPT:
                    self._read.pop(next(iter(self._read)))
                self._read[paper.id] = known
        return known

    def get_paper(self, paper_id: str) -> Paper | None:
        return self.store.get_paper(normalise_id(paper_id))

    def card(self, paper_id: str) -> Card | None:
        """The paper's page (summary, Quick Answers, Key Findings, key terms, similar papers), if stored."""
        paper = self.get_paper(paper_id)
        return build_card(self.store, paper, *self.read(paper)) if paper else None

    def search(self, query: str, k: int = 10) -> list[Hit]:
        query = clean_question(query)
        return search(self.store, query, self.embedder.encode_one(query), k) if query else []

    def ask(self, question: str, current: str | None = None) -> Answer:
        text = correct_spelling(clean_question(question))
        if not re.search(r"\w", text):
            return Answer(question, "empty", HELP)
        subject = resolve(self.store, text, current)
        if subject.paper is None and not subject.missing_id:
            subject = (
                resolve_named(self.store, text)
                or self.named_any_case(text)
                or self.namesake(text)
                or self.searched(text, True)
                or self.asked_of(text)
                or subject
            )
        elif subject.how == "context":  # "UniBrain: what is it?" or "that paper using Serbian ..." after another
            subject = (
                resolve_named(self.store, text, coined=True)
                or self.described_other(text, subject)
                or self.coined_other(text, subject)
                or subject
            )
        if subject.paper is None and not subject.missing_id and current:
            subject = self.asked_back(text, current) or subject
        focus = leave_out(text, subject.mentions)
        facet = detect_facet(focus)
        if facet == "compare":  # two papers named ("compare A with B", "A vs B"): the side-by-side, never overruled
            named = resolve_all(self.store, text)
            if len(named) >= 2 or (len(named) == 1 and subject.paper and subject.paper != named[0]):
                first, second = (named[0], named[1]) if len(named) >= 2 else (subject.paper, named[0])
                return compare(question, first, second)  # type: ignore[arg-type]
            facet = detect_facet(text, skip="compare")  # "main finding about second price vs first price?"
        if not facet and (subject.paper or subject.missing_id or current) and is_question(focus):
            facet, subject = self.guess(focus, subject, current)
        elif facet in OVERRULED and subject.paper is not None:
            facet = self.second_opinion(focus, facet)
        if subject.paper is not None:
            if facet in STORE_FACETS:
                return self.taken_to_be(self.answer_from_store(question, facet, subject.paper, text), subject.runner_up)
            paper = subject.paper
            roles, vectors = self.read(paper)
            answer = answer_from_paper(question, facet or "about", paper, focus, self.embedder.encode, roles, vectors)
            written = self.written(answer, paper)
            other = self.also_asked(focus, answer.facet) if written is answer else ""
            if other:  # "is the stated confidence meaningful at all?": a result, or a limitation?
                written = also(
                    answer, answer_from_paper(question, other, paper, focus, self.embedder.encode, roles, vectors)
                )
            return self.taken_to_be(written, subject.runner_up)
        if subject.missing_id:
            return self.answer_missing(question, facet or "about", subject.missing_id)
        name, paper_ids = namesakes(self.store, text)
        if paper_ids:
            return self.which_namesake(question, facet or "about", name, paper_ids)
        if is_follow_up(text, fts_words(text)):
            return Answer(question, facet or "about", "Which paper do you mean? " + HELP)
        return self.answer_topic(question, text)

    def namesake(self, text: str) -> Subject | None:
        """The paper meant by a name several papers go by ("BehaviorBench -- what do they contribute?"): the
        one a search for the whole question ranks first of them, when the question says more than the name."""
        name, paper_ids = namesakes(self.store, text)
        if not paper_ids or not described_words(text) - known_words(name):  # "what is APEX?" says no more
            return None
        for hit in search(self.store, text, self.embedder.encode_one(text), NAMESAKE_RANKS):
            if hit.paper_id in paper_ids:
                paper = self.store.get_paper(hit.paper_id)
                return Subject(paper, how="alias", mentions=(name, *title_spans(text, paper.title))) if paper else None
        return None

    def which_namesake(self, question: str, facet: str, name: str, paper_ids: set[str]) -> Answer:
        """Asked back: the papers a name means, when nothing in the question tells which ("What is APEX?")."""
        papers = sorted(self.store.get_papers(paper_ids).values(), key=lambda paper: paper.id)
        rows = [f"{n}. {paper.title} ({label(paper)})" for n, paper in enumerate(papers, 1)]
        text = f"{len(rows)} papers in my library go by {name}:\n" + "\n".join(rows)
        return Answer(question, facet, text + "\nWhich one do you mean? Ask again with its id or title.")

    def searched(self, text: str, alone: bool = False) -> Subject | None:
        """The paper a question describes in words of its abstract rather than its title ("the McCormick
        relaxation JSAC waveform paper", "how much time did pre-annotation save in the steel microstructure
        paper?"): the best search hit for the whole question or for its describing words, when it is clearly
        ahead of the next. With nothing else to go on (`alone`), a question that says "paper" needs less: its
        best hit for the whole question is taken with the runner-up kept, to be named in the answer."""
        described = description(text)
        asks = detect_facet(text) or "?" in text or name_glossed(text) or SAYS_PAPER.search(text)
        if not described or not is_question(text) or not asks:  # "whats the idea behind the AOI paper" asks too
            return None
        for query in (text, " ".join(described)):
            hits = search(self.store, query, self.embedder.encode_one(query), 2)
            if hits and (len(hits) == 1 or hits[0].score - hits[1].score >= MIN_DESCRIBED_LEAD):
                paper = self.store.get_paper(hits[0].paper_id)
                return Subject(paper, how="described", mentions=described) if paper else None
            said = alone and query == text and SAYS_PAPER.search(text)
            if said and len(hits) == 2 and hits[0].score - hits[1].score >= MIN_SAID_PAPER_LEAD:
                paper, second = self.store.get_paper(hits[0].paper_id), self.store.get_paper(hits[1].paper_id)
                return Subject(paper, how="described", mentions=described, runner_up=second) if paper else None
        return None

    def asked_of(self, text: str) -> Subject | None:
        """The paper whose authors a question asks something of ("VG2GT voxel gaussian splatting transformer - do
        they mention any downsides?", "how do they train a VLA from unlabeled human egocentric videos?"), or that it
        asks about as "it" ("there's a paper on an LLM email dispatcher ..., what's it about"), without naming it,
        when a search for the question finds it far ahead and the question asks for a facet."""
        asks_of = ASKS_AUTHORS.search(text) or ASKS_OF_IT.search(text)
        if not asks_of or asks_for_papers(text) or not is_question(text):
            return None  # "is there a paper on ...?", "any papers on ...": a search
        if is_topic_question(text) and not SAYS_PAPER.search(text):
            return None
        vector = self.embedder.encode_one(text)
        if detect_facet(text) not in FACET_WORDS and guess_facet(text)[1] < MIN_ASKED_OF_GUESS:
            return None
        hits = search(self.store, text, vector, 2)
        if not hits or (len(hits) == 2 and hits[0].score - hits[1].score < MIN_ASKED_OF_LEAD):
            return None
        paper = self.store.get_paper(hits[0].paper_id)
        return Subject(paper, how="described", mentions=title_spans(text, paper.title)) if paper else None

    def named_any_case(self, text: str) -> Subject | None:
        """The paper a question names in other case than the paper writes it ("what is narration-of-thought
        prompting?" for "Narration-of-Thought: ..."), when a search for the question ranks it first."""
        if is_topic_question(text) or asks_for_papers(text) or not is_question(text):
            return None
        matches = named_loosely(self.store, text)
        if not matches:
            return None
        hits = search(self.store, text, self.embedder.encode_one(text), 1)
        named = [alias for alias, paper_id, _ in matches if hits and paper_id == hits[0].paper_id]
        paper = self.store.get_paper(hits[0].paper_id) if named else None
        return (
            Subject(paper, how="alias", mentions=(max(named, key=len), *title_spans(text, paper.title)))
            if paper
            else None
        )

    def coined_other(self, text: str, subject: Subject) -> Subject | None:
        """Another paper than the conversation's, named by a coined word the current paper never uses ("what's
        new in YOLO26 compared to older YOLO detectors?" after a paper on Mali), when a search for the question
        finds a paper that uses it far ahead of the rest."""
        current = subject.paper
        if current is None or points_back(text):  # "how do the existing LID systems do on it": this paper
            return None
        known = known_words(f"{current.title} {current.abstract}")
        asked = text[: len(text) - len(compared_with(text))]  # not "vs SIREN-style activations, what's new?"
        names = [t for t in re.findall(r"[A-Za-z0-9][\w-]*", asked) if is_name(t) and not known_words(t) <= known]
        if not names:
            return None
        ahead = self.other_ahead(text, current.id, MIN_CARRIED_ON_LEAD, CARRIED_ON_TOPIC_SCORE)
        paper = self.store.get_paper(ahead.paper_id) if ahead else None
        if paper is None:
            return None
        said = [name for name in names if name.lower() in f"{paper.title} {paper.abstract}".lower()]
        return Subject(paper, how="named", mentions=(said[0],)) if said else None

    @staticmethod
    def taken_to_be(answer: Answer, runner_up: Paper | None) -> Answer:
        """The answer about a paper picked from a close search, saying so and naming the one that came second."""
        if runner_up is None or answer.paper is None:
            return answer
        note = (
            f'Taking you to mean "{answer.paper.title}"; if you meant "{runner_up.title}" ({label(runner_up)}),'
            " ask again with its id."
        )
        return replace(answer, text=f"{note}\n{answer.text}")

    def described_other(self, text: str, subject: Subject) -> Subject | None:
        """Another paper than the conversation's, described as a paper ("that paper using Serbian Latin vs
        Cyrillic to test SAE labels, what do they ask?"), when a search finds it clearly ahead."""
        found = self.searched(text) if SAYS_PAPER.search(text) else None
        return found if found is not None and found.paper != subject.paper else None

    def asked_back(self, text: str, current: str) -> Subject | None:
        """The current paper, for a question that opens as one and says more than `is_follow_up` allows of
        words the paper does not use ("what direction do they suggest going forward", "so what's the practical
        upshot for people writing skill docs"), when a search for it finds no other paper clearly ahead."""
        paper = self.store.get_paper(current)
        opens, points_back = asks_back(text)
        if paper is None or not opens or is_topic_question(text) or asks_for_papers(text):
            return None
        extra = unknown_words(fts_words(text), known_words(f"{paper.title} {paper.abstract}"))
        if extra > (MAX_ASKED_BACK_WORDS if points_back else MAX_ASKED_WORDS):
            return None
        going_on = points_back or carries_on(text)  # "what does it give you", "so are SAEs ..."
        needed, topic = (
            (MIN_CARRIED_ON_LEAD, CARRIED_ON_TOPIC_SCORE) if going_on else (MIN_ASKED_BACK_LEAD, TOPIC_SCORE)
        )
        if self.other_ahead(text, paper.id, needed, topic):
            return None  # another paper stands out, or the question is a topic the library covers well
        return Subject(paper, how="context")

    def other_ahead(self, text: str, current: str, lead: float, score: float) -> Hit | None:
        """The first search hit for `text`, when it is another paper than `current` and leads the next by `lead`
        or scores `score` on its own."""
        hits = search(self.store, text, self.embedder.encode_one(text), 2)
        if not hits or hits[0].paper_id == current:
            return None
        ahead = hits[0].score - hits[1].score if len(hits) == 2 else hits[0].score
        return hits[0] if ahead >= lead or hits[0].score >= score else None

    def guess(self, focus: str, subject: Subject, current: str | None) -> tuple[str, Subject]:
        """The facet retrieval/intent.py sees in a question no wording rule names, and the subject: a short
        question like "practical upshot?" follows up on the current paper when the model is sure of it, or when
        every word it names is in that paper ("did the essays differ?")."""
        facet, probability = guess_facet(focus)
        if subject.paper is None and not subject.missing_id:
            paper = self.store.get_paper(current) if current else None
            if paper is None:
                return "", subject
            known, words = known_words(f"{paper.title} {paper.abstract}"), fts_words(focus)
            if not is_follow_up(focus, words, known, asks=True):
                return "", subject
            if probability < MIN_FOLLOW_UP_GUESS and unknown_words(words, known) and not points_back(focus):
                return "", subject  # unsure, and it names something the paper does not: a new search
            subject = Subject(paper, how="context")
        return facet, subject

    def second_opinion(self, focus: str, facet: str) -> str:
        """The facet retrieval/intent.py is sure of when a wording rule names another: the rules are exact on
        the wording they were written from, the model better on wording nobody wrote a rule for ("how many
        stages and what do they do" is the method, not results; "why does a compression challenge like this
        matter?" asks why it matters, not for similar papers), even where the question says a facet's own word
        ("what do they notice that earlier inversion methods overlooked?" asks what is new, not the method)."""
        guessed, probability = guess_facet(focus)
        return guessed if guessed and probability >= OVERRULED[facet] else facet

    def also_asked(self, focus: str, facet: str) -> str:
        """The other facet of the paper's text that retrieval/intent.py thinks `focus` may ask, when it gives
        it at least ALSO_ASKED: the answer then says both."""
        if facet not in FACET_WORDS:
            return ""
        probabilities = facet_probabilities(focus)
        other = next((f for f in probabilities if f != facet), "")
        return other if other in FACET_WORDS and probabilities[other] >= ALSO_ASKED else ""

    def answer_from_store(self, question: str, facet: str, paper: Paper, text: str) -> Answer:
        """Facets answered from the store around the paper: key terms, similar papers, citation, comparison."""
        if facet == "cite":
            return Answer(question, facet, cite(paper, "ris" if re.search(r"\bris\b", text, re.I) else "bibtex"), paper)
        if facet == "key_terms":
            df, n_docs = self.store.term_df(paper_terms(paper))
            terms = ", ".join(f"{term} ({weight:.3f})" for term, weight in key_terms(paper, df, n_docs))
            return Answer(question, facet, f"Key terms: {terms}." if terms else "No key terms stand out.", paper)
        if facet == "similar":
            hits = similar_papers(self.store, paper.id, 5)
            papers = self.store.get_papers(hit.paper_id for hit in hits)
            listed = answer_topic(question, hits, papers)
            return Answer(
                question, facet, listed.text.replace("Papers that match", "Similar papers"), paper, listed.sources
            )
        return Answer(question, facet, "Compare it with which paper? Name both by id or title.", paper)

    def answer_topic(self, question: str, text: str) -> Answer:
        vector = self.embedder.encode_one(text)
        closest = self.store.search_vectors(vector, 1)
        has_words = bool(self.store.match_bm25(fts_query(text), 1))
        if not has_words and not (closest and closest[0][1] >= MIN_DENSE_SCORE):
            return Answer(question, "search", "I found no papers about that in my library.")
        hits = search(self.store, text, vector, 10)
        papers = self.store.get_papers(hit.paper_id for hit in hits)
        answer = answer_topic(question, hits, papers)
        if self.writer is None or not answer.sources:
            return answer
        return self.writer.improve(answer, answer.sources[:TOPIC_PASSAGES], renumber=False)

    def written(self, answer: Answer, paper: Paper) -> Answer:
        """A paper answer rewritten by the model, if one is configured, from all of the paper's own text."""
        if self.writer is None or answer.facet not in FACET_WORDS:
            return answer
        if answer.facet in NEVER_INFERRED and all(source.kind == NEAREST_KIND for source in answer.sources):
            return answer  # not stated (perhaps with the sentences that come closest): nothing for a model to say
        return self.writer.improve(answer, paper_passages(paper, answer.facet))

    def answer_missing(self, question: str, facet: str, paper_id: str) -> Answer:
        text = f"I don't have arXiv:{paper_id} in my library."
        fetched = self._fetch(paper_id)
        if fetched is not None:
            text += f' arXiv lists it as "{fetched.title}": {first_sentence(fetched.abstract)} {cite_line(fetched)}'
        else:
            text += f" Add it with: paperbot ingest arxiv:id:{paper_id}"
        return Answer(question, facet, text, None, ())

    def _fetch(self, paper_id: str) -> Paper | None:
        if self.fetch_missing is None:
            return None
        try:
            return self.fetch_missing(paper_id)
        except Exception:  # arXiv being unreachable must never break an answer
            log.info("could not fetch %s from arXiv", paper_id, exc_info=True)
            return None
