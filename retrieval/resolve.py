"""Which paper a question is about: an arXiv id or URL, a title (quoted or not, possibly misspelled),
or the chat's current paper for a follow-up ("what method did they use?").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from retrieval.facets import ASKING_WORDS, asks_for_papers, is_follow_up, is_question, is_topic_question, known_words
from retrieval.paper import Paper, find_ids
from retrieval.search import STOPWORDS, fts_query, fts_words
from retrieval.spelling import is_english
from retrieval.store import Store, title_key

TITLE_CANDIDATES = 30
MIN_TITLE_CHARS = 12
FUZZY_THRESHOLD = 93.0
MIN_DESCRIBED = 3  # title words a description must share with the title it names
DESCRIBED_SHARE = 0.75  # ... as a share of the question's content words
DESCRIBED_MARGIN = 2  # ... and this many more than any other title shares (1 when it holds all of 4 or more)
MIN_TITLE_START = 5  # words of a title's beginning that name the paper ("Mask to Concept: Auto-Promptable SAM3")
_QUOTED = re.compile(r"[\"“”«»„]([^\"“”«»„]{8,400})[\"“”«»„]|(?<![A-Za-z])['‘’]([^'‘’]{8,400})['‘’](?![A-Za-z])")


@dataclass(frozen=True)
class Subject:
    """What a question refers to. `paper` is set when resolved; `missing_id` when an id is not stored."""

    paper: Paper | None = None
    missing_id: str = ""
    how: str = ""  # "id", "title", "alias", "described", "named", "context" or ""
    mentions: tuple[str, ...] = ()  # the text that named the paper, so it can be left out of the question
    runner_up: Paper | None = None  # a described paper's close second, named in the answer in case it was meant


def resolve(store: Store, question: str, current: str | None = None) -> Subject:
    ids = find_ids(question)
    if ids:
        paper = store.get_paper(ids[0])
        return Subject(paper, "" if paper else ids[0], "id", (ids[0],))
    titled = resolve_title(store, question) or resolve_alias(store, question, current)
    if titled is not None:
        return titled
    described = resolve_described(store, question)
    paper = store.get_paper(current) if current else None
    if paper is not None:
        known = known_words(f"{paper.title} {paper.abstract}")
        other = described is not None and not described_words(question) <= known  # names another paper
        other = other or bool(namesakes(store, question)[1])  # "BehaviorBench -- what do they contribute?"
        if not other and is_follow_up(question, fts_words(question), known):
            return Subject(paper, how="context")
    return described or Subject()


def described_words(question: str) -> frozenset[str]:
    """The words a description of a paper is made of: the question's content words that do not just ask."""
    return known_words(" ".join(word for word in fts_words(question) if word not in ASKING_WORDS))


_SEGMENTS = re.compile(r"\s+[-–—:|]+\s+|[:?;]\s+|,\s+")


def resolve_described(store: Store, question: str) -> Subject | None:
    """The paper a question describes, in whole or in one of its parts ("3D kinematic monitoring of juvenile
    fish - is it the first to measure swimming speed?")."""
    parts = [question, *(part for part in _SEGMENTS.split(question) if part != question)]
    for part in parts:
        found = described_by(store, part)
        if found is not None:
            return found
    return None


def described_by(store: Store, question: str) -> Subject | None:
    """A paper described by words of its title ("the contaminated collaboration gender bias paper"): one
    title holds nearly all the question's content words, and clearly more of them than any other title.
    Words that only ask ("results", "algorithm") count when the title has them and are ignored otherwise."""
    if is_topic_question(question):
        return None
    words = known_words(" ".join(fts_words(question)))
    wanted = described_words(question)
    if len(words) < MIN_DESCRIBED:
        return None
    candidates = store.get_papers(pid for pid, _ in store.match_bm25(fts_query(question), TITLE_CANDIDATES, "title"))
    ranked = sorted(((len(words & title_words(p.title)), pid) for pid, p in candidates.items()), reverse=True)
    if not ranked:
        return None
    best, paper_id = ranked[0]
    second = ranked[1][0] if len(ranked) > 1 else 0
    paper = candidates[paper_id]
    considered = len(wanted | (words & title_words(paper.title)))
    clear = best - second >= DESCRIBED_MARGIN or (best == considered > MIN_DESCRIBED and best > second)
    if best >= MIN_DESCRIBED and best >= DESCRIBED_SHARE * considered and clear:
        return Subject(paper, how="described", mentions=title_spans(question, paper.title))
    return None


_TOKEN = re.compile(r"\S+")
_TITLE_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*")


def title_words(title: str) -> frozenset[str]:
    """A title's words, as `known_words` has them, and the acronyms of its runs of 2-4 words: "Safe
    Reinforcement Learning" is also "rl" and "srl"."""
    initials = [word[0].lower() for word in _TITLE_WORD.findall(title) if word.lower() not in STOPWORDS]
    acronyms = {"".join(initials[i : i + n]) for n in (2, 3, 4) for i in range(len(initials) - n + 1)}
    return known_words(title) | acronyms


def title_spans(question: str, title: str) -> tuple[str, ...]:
    """The stretches of the question that name the title ("failure-aware observability for multi-agent LLM
    systems"), so what the question asks can be read without them: runs of two or more title words, with the
    title's own small words and at most one other small word ("for") between them."""
    in_title = title_words(title)
    tokens = list(_TOKEN.finditer(question))
    kinds = []  # "T": a content word of the title; "t": a small word of the title; "s": another small word
    for token in tokens:
        words = re.findall(r"[a-z0-9]+", token.group().lower())
        content = [word for word in words if word not in STOPWORDS]
        if content:
            kinds.append("T" if known_words(" ".join(content)) <= in_title else "X")
        elif words:
            kinds.append("t" if known_words(" ".join(words)) <= in_title else "s")
        else:
            kinds.append("t")  # a dash or a lone symbol
    spans: list[str] = []
    i = 0
    while i < len(tokens):
        if kinds[i] != "T":
            i += 1
            continue
        start = end = i
        while end + 1 < len(tokens) and (
            kinds[end + 1] in "Tt" or (kinds[end + 1] == "s" and end + 2 < len(tokens) and kinds[end + 2] == "T")
        ):
            end += 1
        while start > 0 and kinds[start - 1] == "t":
            start -= 1
        while kinds[end] != "T":
            end -= 1
        if kinds[start : end + 1].count("T") >= 2:
            spans.append(question[tokens[start].start() : tokens[end].end()])
        i = end + 1
    return tuple(spans)


_HEAD = (
    r"(paper|work|study|article|preprint|survey|review|approach|framework|method|system|model|benchmark|dataset"
    r"|authors)"
)
_THE_X_PAPER = re.compile(
    r"\b(?:the|that|this)\s+((?:(?!(?:the|that|this)\b)[\w\-'.&+,=/*]+\s+){1,10}?)(?<!future )"
    + _HEAD
    + r"\b(?:\s+(?:on|about|with|for|from|in)\s+([^?,;:]+))?",
    re.IGNORECASE,
)
_X_PAPER_OPENS = re.compile(  # "Fox hallucination decoding paper - what's the new insight"
    r"^\W*((?:[\w\-'.&+]+\s+){2,8}?)(?:paper|study|survey|preprint)\s*[-–—:,]", re.IGNORECASE
)
_ASKING_ON = re.compile(
    r"\s[-–—]\s|\s(?:what|how|why|which)\b|\b(?:different|differs?|compared?) (?:from|to|with)\b", re.I
)
_THE_PAPER_THAT = re.compile(  # "that ICIP paper using nerf renders ...", "the study measuring ... attitudes"
    r"\b(?:the|that|this) (?:[\w\-]+ ){0,2}?(?:paper|work|study|article|preprint|one) (?:that|which|where|on|about"
    r"|with|(?!during\b|being\b|having\b)[a-z]+ing)\s+([^?,;:]+)",
    re.IGNORECASE,
)


def description(question: str) -> tuple[str, ...]:
    """The parts of a question that describe one paper: "the McCormick relaxation JSAC waveform paper", "the
    paper that has an LLM agent write handwriting as SVG strokes", "that CLIP fusion paper | on EMOTIC"; none
    when the question holds no such words or asks for papers ("is there a ...", "looking for ...")."""
    if is_topic_question(question) or asks_for_papers(question):
        return ()
    found = _THE_PAPER_THAT.search(question)
    if found:  # up to where the question goes on: "... on tissue - what does it do that MIL doesn't"
        return (_ASKING_ON.split(found.group(1))[0].strip(),)
    glossed = name_glossed(question)
    if glossed:
        return glossed
    for found in _THE_X_PAPER.finditer(question):
        if len([word for word in fts_words(found.group(1)) if word not in ASKING_WORDS]) >= 2:
            return tuple(part.strip() for part in found.group(1, 3) if part and part.strip())
    found = _X_PAPER_OPENS.search(question)
    if found and len([word for word in fts_words(found.group(1)) if word not in ASKING_WORDS]) >= 2:
        return (found.group(1).strip(),)
    return ()


_NAME_GLOSSED = re.compile(r"\b([A-Z][\w\-]+) \(([^()]{8,120})\)")  # "how does S3 (segment-level summarization
# via MCTS) differ", "Rhetor (multi-agent live product demos): what does it do"
_CAPITALISED_RUN = re.compile(r"\b[A-Z][A-Za-z0-9]*(?:[- ][A-Z][A-Za-z0-9]*){2,3}\b")  # three words or four


def name_glossed(question: str) -> tuple[str, str] | None:
    """A name and the words that gloss it ("S3 (segment-level summarization via MCTS)"), if the question has one."""
    found = _NAME_GLOSSED.search(question)
    if found and len([word for word in fts_words(found.group(2)) if word not in ASKING_WORDS]) >= 2:
        return found.group(1), found.group(2)
    return None


def resolve_named(store: Store, question: str, coined: bool = False) -> Subject | None:
    """A paper named by something only its text says: a coined name ("Lesion-DDPM", "CDDTLDA") or a run of
    capitalised words ("Causal Attribution Pruning") that occurs in exactly one stored paper. Only in a question:
    a description ("looking for a dataset of European Union legislation") is a search. `coined`: only a coined
    or all-caps name (no run of capitalised words) that the paper's title holds or its abstract uses twice (a
    baseline like "GPT-4" mentioned once is not the paper's name), as a follow-up needs before it leaves the
    current paper."""
    if is_topic_question(question) or not is_question(question):
        return None
    names = [
        token for token in _ALIAS_TOKEN.findall(question) if is_name(token) or (token.isupper() and len(token) >= 3)
    ]
    if not coined:
        names += [run for run in _CAPITALISED_RUN.findall(question) if not question.startswith(run)]
    for name in sorted(dict.fromkeys(names), key=len, reverse=True):
        words = re.findall(r"\w+", name.lower())
        found = store.match_bm25('"' + " ".join(words) + '"', 2) if words else []
        if len(found) == 1:
            paper = store.get_paper(found[0][0])
            if paper is not None and (not coined or _names_itself(paper, name)):
                return Subject(paper, how="named", mentions=(name,))
    return None


def _names_itself(paper: Paper, name: str) -> bool:
    said = re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w-])", re.IGNORECASE)
    return bool(said.search(paper.title)) or len(said.findall(paper.abstract)) >= 2


def resolve_title(store: Store, question: str) -> Subject | None:
    """A stored paper whose title the question quotes or contains, allowing a few typos."""
    for match in _QUOTED.finditer(question):
        quoted = match.group(1) or match.group(2)
        key = title_key(quoted)
        found = store.find_by_title_key(key)
        if not found and len(key) >= MIN_TITLE_CHARS:  # how only one title begins: "In 'Less Context, Better Agents'"
            starting = store.find_by_title_start(key)
            found = starting if len(starting) == 1 else []
        if not found and len(key) >= MIN_TITLE_CHARS:  # or its whole subtitle: 'Graph-based Policy ...' of GraphPO
            ending = store.find_by_title_end(key)
            subtitled = [pid for pid in ending if _subtitle_key(store.get_paper(pid)) == key]
            found = subtitled if len(ending) == 1 else []
        if found:
            paper = store.get_paper(found[0])
            return Subject(paper, how="title", mentions=(quoted,))
    key = title_key(question)
    best: tuple[float, str] = (0.0, "")
    begun: tuple[int, str] = (0, "")  # the longest title whose beginning the question quotes
    candidates = store.get_papers(pid for pid, _ in store.match_bm25(fts_query(question), TITLE_CANDIDATES, "title"))
    for paper_id, paper in candidates.items():
        candidate = title_key(paper.title)
        if len(candidate) >= MIN_TITLE_CHARS and len(candidate) <= len(key) + 3:
            best = max(best, (fuzz.partial_ratio(candidate, key), paper_id))
        begun = max(begun, (title_start(candidate.split(), key.split()), paper_id))
    if best[0] >= FUZZY_THRESHOLD:
        paper = candidates[best[1]]
        return Subject(paper, how="title", mentions=title_spans(question, paper.title))
    if begun[0] >= MIN_TITLE_START and not is_topic_question(question):
        paper = candidates[begun[1]]
        return Subject(paper, how="title", mentions=title_spans(question, paper.title))
    return None


def _subtitle_key(paper: Paper | None) -> str:
    """The `title_key` of what a title says after its name ("GraphPO: Graph-based ..."), or "" if it has none."""
    name, colon, rest = paper.title.partition(":") if paper is not None else ("", "", "")
    return title_key(rest) if colon and name.strip() else ""


def title_start(title: list[str], words: list[str]) -> int:
    """How many words of the title's beginning stand in `words` in a row (typos allowed)."""
    best = 0
    for start in range(len(words)):
        n = 0
        while n < len(title) and start + n < len(words) and fuzz.ratio(title[n], words[start + n]) >= 85:
            n += 1
        best = max(best, n)
    return best


def resolve_all(store: Store, question: str) -> list[Paper]:
    """Every stored paper a question names (id, title or name), in the order named: "compare A and B"."""
    named: list[tuple[int, Paper]] = []
    for paper_id in find_ids(question):
        paper = store.get_paper(paper_id)
        if paper is not None:
            named.append((question.find(paper_id), paper))
    found = resolve_title(store, question)
    if found is not None and found.paper is not None:
        at = question.lower().find(found.mentions[0].lower()[:20]) if found.mentions else -1
        named.append((at if at >= 0 else len(question), found.paper))
    by_alias: dict[str, set[str]] = {}
    # every name only one paper goes by: "compare RealClawBench with PhysTool-Bench"
    for alias, paper_id, _ in named_in(store, question):
        by_alias.setdefault(alias, set()).add(paper_id)
    for alias, paper_ids in by_alias.items():
        paper = store.get_paper(next(iter(paper_ids))) if len(paper_ids) == 1 else None
        if paper is not None:
            named.append((question.lower().find(alias.lower()), paper))
    ordered: list[Paper] = []
    for _, paper in sorted(named, key=lambda item: item[0]):
        if paper not in ordered:
            ordered.append(paper)
    return ordered


_NAMED = re.compile(
    r"\b(?:propose|introduce|present|call|term|name|dub|release|develop)(?:s|d|ed)?\s+(?:(?:a|an|the)\s+)?"
    r"\$?(?:\\(?:text|math)(?:bf|it|sc|tt|rm)\{)?([A-Z][A-Za-z0-9\-.]*[A-Za-z0-9])"
)
_NAMED_ACRONYM = re.compile(
    r"\b(?:propose|introduce|present|call|term|name|dub|develop|build|design)(?:s|d|ed)?\b[^.()]{0,80}"
    r"\(([A-Z][A-Za-z0-9\-]*[A-Z0-9][A-Za-z0-9\-]*)\)"
)
# "We introduce Posterior Attack, a single-query jailbreak": two to four capitalised words named as one thing
_NAMED_WORDS = re.compile(
    r"\b(?:propose|introduce|present|call|term|name|dub|develop)(?:s|d|ed)?\s+(?:(?:a|an|the)\s+)?"
    r"([A-Z][a-z]+(?:[ -][A-Z][A-Za-z0-9]*){1,3})(?=,|\s\(|:|\s[-–—])"
)
_DEFINED = re.compile(r"\(([A-Z][A-Za-z0-9\-]*[A-Z][A-Za-z0-9\-]*)\)")  # "... Self-Consistency (RISC)"
MIN_LOOSE_NAME = 8  # characters of a name `named_loosely` finds in any case ("Bi-LoRA" is too short)
ANY_CASE = frozenset({"title-any", "defined-any"})  # alias kinds `_capitalised` matches in any capitalisation
_SPELLED = re.compile(r"[A-Z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*(?: [A-Z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*){1,3}")  # 2-4 words
_OWN = re.compile(r"\b(we|our|this (paper|work|study))\b", re.IGNORECASE)
_TEAM = re.compile(r"([A-Za-z0-9][A-Za-z0-9\-]*) at [A-Z]")
_LATEX = re.compile(r"(?<=[A-Za-z])\$?\^\{?(\d+)\}?\$?")  # "S$^2$COPE", "UniD^{3}"
_ALIAS_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-.]*[A-Za-z0-9]|[A-Za-z0-9]|&")  # "See & Sniff" is a name


def unlatex(text: str) -> str:
    """A name as typed without TeX: "S$^2$COPE" and "S^2COPE" are S2COPE (not "10^3", a number)."""
    return _LATEX.sub(r"\1", text)


def is_name(alias: str) -> bool:
    """A coined name rather than words: FlowBender, ViPSy, CULTURESCORE, Qwen2, MCP-Persona; not LLM-based."""
    return any(_is_name_word(word) for word in alias.split())


def _is_name_word(word: str) -> bool:
    parts = word.split("-")
    if len(parts) > 1 and parts[-1].islower():  # LLM-based, Training-free: a word with a suffix
        return False
    inner_capitals = sum(c.isupper() for part in parts for c in part[1:])
    has_digit = any(c.isdigit() for c in word) and any(c.isalpha() for c in word)
    return inner_capitals >= 1 or has_digit


def paper_aliases(paper: Paper) -> list[tuple[str, str]]:
    """Names a paper goes by: its title's prefix before a colon, and what its abstract says it proposes, as
    (name, kind): kind "title", "abstract", "defined:<words>" for an acronym the paper spells out, and "spelled"
    for those words when they are two to four capitalised ones."""
    found: list[tuple[str, str]] = []
    abstract = unlatex(paper.abstract)  # "we propose UniD$^3$" names UniD3
    head = re.split(r":|(?<=\?) (?=[A-Z])", paper.title, maxsplit=1)[0] if re.search(r":|\? [A-Z]", paper.title) else ""
    asked = head.rstrip().endswith("?")  # "Whose Norms? Disentangling ...": a name only as plain words
    head = unlatex(head.strip().rstrip("+*!?"))  # "WISE: ...", "S$^2$COPE: ..."
    team = _TEAM.match(head)  # "ttda704 at SemEval-2026 Task 4: ...": the team's name, shared by its papers
    if team and is_name(team.group(1)):
        found.append((team.group(1), "title"))
    head = head.replace(", ", " ")  # "Ask, Solve, Generate: ..." is named as "Ask Solve Generate" too
    plain = head.replace(" & ", " ").replace(" ", "-")  # "See & Sniff: Learning Visuo-Olfactory ..."
    named = not (asked and is_name(head))  # "Steering LLMs? ...": "any papers on steering LLMs?" is a search
    if named and len(head) >= 3 and len(head.split()) <= 4 and _ALIAS_TOKEN.fullmatch(plain) and plain != "&":
        found.append((head, "title"))
    for match in _NAMED.finditer(abstract):
        name = match.group(1).rstrip(".-")
        coined = is_name(name) or len(name) >= 4  # "we present Xcientist": capitalised mid-sentence
        if coined and name not in [a for a, _ in found]:
            found.append((name, "abstract"))
    for match in _NAMED_WORDS.finditer(abstract):  # a name in any case, if no other paper says it (as "spelled")
        if match.group(1) not in [a for a, _ in found]:
            found.append((match.group(1), "spelled"))
    for match in _NAMED_ACRONYM.finditer(abstract):  # "we propose a Multi-Granularity Reasoning Network (MGRN)"
        name = match.group(1)
        if name not in [a for a, _ in found]:
            found.append((name, "abstract"))
    for match in _DEFINED.finditer(abstract):  # "We address this with Ranking-Improved Self-Consistency (RISC)"
        name, before = match.group(1), abstract[: match.start()]
        own = _OWN.search(re.split(r"[.!?]\s", before)[-1])  # not "Underwater Image Enhancement (UIE) is ..."
        expansion = spelled_out(name, before)
        if not (own and expansion):
            continue
        if name not in [a for a, _ in found]:
            found.append((name, f"defined:{expansion}"))
        if _SPELLED.fullmatch(expansion) and expansion not in [a for a, _ in found]:
            found.append((expansion, "spelled"))  # "we propose Representation Forcing (RF)": these words name it too
    return found


def spelled_out(acronym: str, before: str) -> str:
    """The capitalised words right before "(ACRONYM)" that start with its capitals, in order, or "": a name
    ("Ranking-Improved Self-Consistency (RISC)"), not a term ("borderline personality disorder (BPD)") or a
    model it compares with ("the baseline (GPT-4o)")."""
    capitals = [c for c in acronym if c.isupper()]
    words = list(re.finditer(r"[A-Za-z0-9]+", before))[-2 * len(capitals) :]
    at, start = 0, None
    for word in words:
        if at < len(capitals) and word.group()[0] == capitals[at]:
            start = word.start() if start is None else start
            at += 1
    return before[start:].strip() if start is not None and at == len(capitals) else ""


def _capitalised(alias: str, spans: set[str], kind: str) -> bool:
    """A title's name no other paper says, or the words a paper spells its acronym out in ("Representation
    Forcing (RF)"), written with a capital after its first letter ("the Arbiter agent"), not as plain words
    ("learning physics from video by lifting ...", "The arbiter agent idea: is it new?")."""
    return kind in ANY_CASE and any(s.lower() == alias.lower() and s[1:] != s[1:].lower() for s in spans)


def exact_case(alias: str, kind: str) -> bool:
    """Names a question must write as the paper does: short ones (REP), all-caps words (SHIFT; "tt-dac-ps"
    still names TT-DAC-PS), names that are also words in other case (CREDiT, ROManian: kind "...-exact") and
    plain phrases ("Physics from Video"; see `_capitalised` for one no other paper says)."""
    return (
        len(alias) <= 5
        or (alias.isupper() and is_english(alias.lower()))
        or kind.endswith("-exact")
        or not is_name(alias)
    )


def shared_name(paper_ids: set[str], store: Store, question: str, current: str | None) -> str:
    """Which of the papers that go by one name a question means: the only one, the chat's current paper, or
    the one whose title holds more of the question's words, then whose title and abstract do; "" when none
    stands out (the library then lets a search of the question choose, see `namesakes`)."""
    if len(paper_ids) == 1:
        return next(iter(paper_ids))
    if current in paper_ids:
        return current
    words, asked = described_words(question), set(title_key(question).split()) - STOPWORDS
    papers = store.get_papers(paper_ids)
    shared = sorted(  # the title's words first: "the ttda704 system for SemEval-2026 Task 4", not Task 6
        (
            (len(asked & set(title_key(p.title).split())), len(words & known_words(f"{p.title} {p.abstract}")), pid)
            for pid, p in papers.items()
        ),
        reverse=True,
    )
    return shared[0][2] if len(shared) >= 2 and shared[0][:2] > shared[1][:2] else ""


def _token_runs(question: str) -> list[list[re.Match[str]]]:
    """Every run of one to four name tokens in the question, where a paper's name may stand."""
    tokens = list(_ALIAS_TOKEN.finditer(question))
    return [tokens[i : i + n] for n in range(1, 5) for i in range(len(tokens) - n + 1)]


def named_in(store: Store, question: str) -> list[tuple[str, str, str]]:
    """(alias, paper id, kind) of every paper name the question says, written as that name must be."""
    runs = _token_runs(question)
    spans = {" ".join(t.group() for t in run) for run in runs}
    spans |= {question[run[0].start() : run[-1].end()] for run in runs}  # as written: "Dr. DocBench"
    topic = is_topic_question(question)  # "any papers on interest entanglement?": words, not a name
    searching = asks_for_papers(question)  # not "Stability vs. Manipulability paper on LLM judges -- what's new"
    return [
        (alias, paper_id, kind)
        for alias, paper_id, kind in store.find_aliases([span.lower() for span in spans])
        if (alias in spans or not exact_case(alias, kind) or _capitalised(alias, spans, kind))
        and not (topic and not is_name(alias) and (searching or " " not in alias or alias not in spans))
    ]


def named_loosely(store: Store, question: str) -> list[tuple[str, str, str]]:
    """(alias, paper id, kind) of the names of two or more words the question says in any case ("what is
    narration-of-thought prompting?", "geometric latent reasoning: any plans ...?"), which `named_in` takes
    only as written; a caller must confirm them another way (a search for the question ranking the paper first)."""
    spans = {" ".join(t.group() for t in run).lower() for run in _token_runs(question)}
    return [
        (alias, paper_id, kind)
        for alias, paper_id, kind in store.find_aliases(sorted(spans))
        if re.search(r"\w[ -]\w", alias) and len(alias) >= MIN_LOOSE_NAME and not kind.endswith("-exact")
    ]


def _meant(matches: list[tuple[str, str, str]]) -> tuple[str, set[str]]:
    """The name a question most likely means (the longest; a title's before an abstract's) and its papers."""
    longest = max(len(alias) for alias, _, _ in matches)
    best = [m for m in matches if len(m[0]) == longest]
    titled = [m for m in best if m[2].startswith("title")] or best
    return titled[0][0], {paper_id for _, paper_id, _ in titled}


def namesakes(store: Store, question: str) -> tuple[str, set[str]]:
    """A name the question says that several papers go by ("BehaviorBench") and those papers; else ("", empty)."""
    matches = named_in(store, question)
    if not matches:
        return "", set()
    name, paper_ids = _meant(matches)
    return (name, paper_ids) if len(paper_ids) > 1 else ("", set())


def resolve_alias(store: Store, question: str, current: str | None = None) -> Subject | None:
    """A paper named by what it is called ("How does Skill-to-LoRA work?"), when only one paper goes by it."""
    matches = named_in(store, question)
    if not matches:
        return None
    paper = store.get_paper(current) if current else None
    if paper is not None and all(
        re.search(rf"\b{re.escape(a)}\b", f"{paper.title} {paper.abstract}") for a, _, _ in matches
    ):
        named = tuple(alias for alias, _, _ in matches)  # names the current paper uses: it is still the one meant
        return Subject(paper, how="alias", mentions=(*named, *title_spans(question, paper.title)))
    alias, paper_ids = _meant(matches)
    paper_id = shared_name(paper_ids, store, question, current)
    if not paper_id:
        return None  # two papers go by that name and nothing tells them apart: ask by id or title instead
    paper = store.get_paper(paper_id)
    if paper is None:
        return None
    return Subject(paper, how="alias", mentions=(alias, *title_spans(question, paper.title)))
