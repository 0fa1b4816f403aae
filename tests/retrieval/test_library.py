"""The one answer path, over a tiny real store (40 real papers, really embedded)."""

from __future__ import annotations

import numpy as np
import pytest

from retrieval import compose
from retrieval.answer import Answer, Source
from retrieval.compose import (
    NEAREST_KIND,
    RANKED_SENTENCES,
    Candidate,
    also,
    answer_from_paper,
    candidates,
    choose,
    find_facet,
    pointed_sentence,
    similarity_to,
)
from retrieval.embed import Vectors
from retrieval.facets import CUES, detect_facet
from retrieval.library import Library, leave_out
from retrieval.paper import Paper
from retrieval.resolve import Subject
from retrieval.search import Hit


@pytest.mark.parametrize(
    "question",
    [
        "What is 2605.30574 about?",
        "what is arXiv:2605.30574v2 about",
        "Summarise https://arxiv.org/abs/2605.30574v1 please",
        "explain https://arxiv.org/pdf/2605.30574.pdf",
        "arxiv.org/html/2605.30574v3",
    ],
)
def test_paper_named_by_id_in_any_form_is_resolved(library: Library, question: str) -> None:
    answer = library.ask(question)
    assert answer.paper is not None and answer.paper.id == "2605.30574"
    assert answer.sources and all(s.id == "2605.30574" for s in answer.sources)
    assert "Probing the Prompt KV Cache" in answer.full_text  # the title is named
    assert "https://arxiv.org/abs/2605.30574" in answer.to_json()["answer"]  # and linked


@pytest.mark.parametrize(
    "question",
    [
        "Key results of 'Speculative Decoding Across Languages'?",
        "what did the authors of speculative decoding across languages find?",
        'Tell me about "Speculative Decodng Accross Languages"',  # two typos
        "what is Speculative decoding across langauges about",
    ],
)
def test_paper_named_by_title_is_resolved(library: Library, question: str) -> None:
    answer = library.ask(question)
    assert answer.paper is not None and answer.paper.id == "2605.30580", answer.text


def test_answer_sentences_come_from_the_paper(library: Library) -> None:
    answer = library.ask("What are the key results of 2605.30580?")
    assert answer.facet == "results"
    abstract = " ".join(library.get_paper("2605.30580").abstract.split())  # type: ignore[union-attr]
    assert 1 <= len(answer.sources) <= 3
    assert all(source.passage in abstract for source in answer.sources)


@pytest.mark.parametrize("question", ["What is 2601.99999 about?", "arXiv:0000.00001v2 methods?", "hep-th/9901001"])
def test_unknown_id_is_declined_with_no_paper(library: Library, question: str) -> None:
    answer = library.ask(question)
    assert answer.paper is None
    assert "don't have" in answer.text


def test_unknown_id_is_looked_up_when_a_fetcher_is_given(library: Library) -> None:
    fetched = Paper("2601.99999", "A Fetched Paper", "It studies fetching. It works.")
    fetching = Library(library.store, library.embedder, fetch_missing=lambda _id: fetched)
    answer = fetching.ask("What is 2601.99999 about?")
    assert answer.paper is None and "A Fetched Paper" in answer.text


def test_unreachable_arxiv_still_gives_an_answer(library: Library) -> None:
    def broken(_id: str) -> Paper | None:
        raise OSError("network is unreachable")

    answer = Library(library.store, library.embedder, fetch_missing=broken).ask("2601.99999?")
    assert answer.paper is None and "don't have" in answer.text


def test_topic_question_finds_the_paper_without_naming_it(library: Library) -> None:
    answer = library.ask("Any papers on which parts of the cached keys and values of a prompt can be dropped?")
    assert answer.paper is None and answer.facet == "search"
    assert "2605.30574" in [s.id for s in answer.sources[:3]]
    assert len({s.id for s in answer.sources}) == len(answer.sources)  # one row per paper


def test_follow_up_uses_the_current_paper(library: Library) -> None:
    answer = library.ask("What methodology did they use?", current="2605.30580")
    assert answer.paper is not None and answer.paper.id == "2605.30580"
    assert answer.facet == "method"
    no_context = library.ask("What methodology did they use?")
    assert no_context.paper is None and "Which paper" in no_context.text


def test_authors_and_missing_limitations(library: Library) -> None:
    authors = library.ask("Who wrote 2605.30580?")
    assert authors.facet == "authors"
    paper = library.get_paper("2605.30580")
    assert paper is not None and paper.authors[0] in authors.text
    limits = library.ask("What are the limitations of 2605.30580?")
    assert limits.facet == "limitations"


@pytest.mark.parametrize(
    "question",
    ["", "   ", "\x00\x07\x1b[31m", "<script>alert(1)</script>", "x" * 100_000, "title:foo AND \"", "NEAR(",
     "🙂🙂🙂", "\"", "什么是大语言模型?", "{\"a\": [1, 2]}"],
)  # fmt: skip
def test_hostile_input_gets_a_clean_answer(library: Library, question: str) -> None:
    answer = library.ask(question)
    assert answer.text.strip()
    assert answer.question == question
    assert answer.to_json()["answer"] == answer.full_text


@pytest.mark.parametrize(
    "question",
    [
        "AI assistants lying about what they did when using tools",
        "a benchmark for web agents that checks from the final page whether it succeeded",
    ],
)
def test_a_description_with_pronouns_is_searched_not_taken_as_a_follow_up(library: Library, question: str) -> None:
    for current in (None, "2605.30580"):
        answer = library.ask(question, current=current)
        assert answer.facet == "search" and answer.paper is None, (current, answer.text)


@pytest.mark.parametrize(
    ("question", "facet", "expected"),
    [
        ("what category is 2605.30580 in?", "categories", "Listed in cs.CL (primary), also cs.LG."),
        ("any venue or comments for 2605.30580?", "comment", "submitted to ACL ARR May 2026"),
        ("When did 2605.30580 come out?", "date", "Announced 2026-06-01."),
        ("key terms of 2605.30580", "key_terms", "Key terms: "),
        ("give me a bibtex for 2605.30580", "cite", "@misc{paudel2026speculative,"),
        ("papers similar to 2605.30580", "similar", "Similar papers:\n1. "),
        ("compare 2605.30580 with 'Probing the Prompt KV Cache: Where It Becomes Dispensable'", "compare",
         "Probing the Prompt KV Cache: Where It Becomes Dispensable (arXiv:2605.30574):"),
    ],
)  # fmt: skip
def test_record_and_store_facets(library: Library, question: str, facet: str, expected: str) -> None:
    answer = library.ask(question)
    assert answer.facet == facet and answer.paper is not None and answer.paper.id == "2605.30580"
    assert expected in answer.text


def test_a_bare_facet_question_follows_the_current_paper(library: Library) -> None:
    for question in ("any caveats?", "and the venue?", "key results?", "size of the dataset?"):
        answer = library.ask(question, current="2605.30580")
        assert answer.paper is not None and answer.paper.id == "2605.30580", question


@pytest.mark.parametrize(
    ("question", "facet"),
    [
        ("how does it perform", "results"),
        ("what are its two modules", "method"),
        ("whats different vs existing retrieval methods", "novelty"),
        ("anything actually new in it?", "novelty"),
        ("do they plan any follow-up work?", "future_work"),
        ("what were they trying to find out", "about"),
        ("why is it a big deal, if at all?", "significance"),
        ("Benchmarking of Driver Monitoring contributions", "contributions"),
        ("what's the main lesson?", "significance"),
        ("how does it do that", "method"),
        ("how did the model do?", "results"),
        ("What does BENI Global 10 provide?", "contributions"),
        ("How does Equilibrated Diffusion disentangle concept features?", "method"),
        ("whats the catch?", "limitations"),
        ("any downsides to it they mention?", "limitations"),
        ("how'd it go", "results"),
        ("did it work", "results"),
        ("how did LLMs do on it", "results"),
        ("date on this one?", "date"),
        ("when is it from?", "date"),
        ("How does it differ from related work?", "novelty"),  # not a request for related papers
        ("any related work?", "similar"),
        ("when is its ranking not reliable", ""),  # "when" without a date: no rule, the model decides
        ("where do they go from here", "future_work"),
        ("is SafeRun the first to do deterministic llm planning?", "novelty"),
        ("SafeRun LLM running planning: contributions?", "contributions"),
        ("FinBalance benchmark, what is it", "about"),
        ("why's it useful", "significance"),
        ("what exactly do they add", "contributions"),
        ("explain how the meta-agent works", "method"),
        ("explain Decoupled Time Guidance in", "method"),  # a part of the paper: how it works
        ("explain its modules", "method"),
        ("explain  in plain words", "about"),  # the paper itself, its name left out
        ("explain the concept", "about"),
        ("is the code out?", "contributions"),
        ("where can I find the tool?", "contributions"),  # where to get it, not what they found
        ("where can I try it", "contributions"),
        ("when is it published?", "date"),
        ("did the authors also release a benchmark?", "contributions"),
        ("what direction do they suggest", "future_work"),
        ("why is the benchmark useful beyond just evaluation", "significance"),
        ("did anything not work well in the pilot?", "limitations"),
        ("where doesnt the approach help as much", "limitations"),
        ("what dice did they get", "results"),
        ("how does it stack up against bigger models", "results"),
        ("how do current parsers and VLMs do on it", "results"),
        ("which approach works best for small pilots", "results"),
        ("what regimes come out of it", ""),  # not "when did it come out"
        ("when did it come out", "date"),
        ("does ScaFE beat deep learning baselines?", "results"),
        ("how big is the speed-up", "results"),
        ("what bounds do they prove", "results"),
        ("open problems left in the amenability bounds paper?", "future_work"),  # "bounds" names the paper here
        ("what's AnySimLite's worst case vs the big LLaMA baseline", "limitations"),
        ("which conditions do they compare", "method"),  # what the study sets side by side, not "compare A and B"
        ("why does it matter for people comparing decoding methods?", "significance"),  # not "methods"
        ("what's holding RL back in games according to them", "limitations"),
        ("what practical concerns does it raise about deployment", "limitations"),
        ("what can't spectral filtering speed up", "limitations"),
        ("what can it do that reconstruction-based simulators can't", ""),  # what it adds, not what it cannot
        ("is this really the first wrist sensor approach?", "novelty"),
        ("did they also put out a benchmark?", "contributions"),
        ("what's the recipe", "method"),
        ("whats the fix proposed", "method"),
        ("what question do they investigate and how", "about"),
        ("what was the evaluation setup for the benchmark", "method"),  # not "evaluation": what they found
        ("How big is CoTIR-Bench?", "contributions"),  # the size of what they built
        ("how big is it and whats in each example", "contributions"),
        ("how big are the gains over the baseline", "results"),  # the size of an effect
        ("whats the broader lesson from their experiments", "significance"),  # not "experiments": what they found
        ("what do their results imply more broadly?", "significance"),
        ("what does that say about how ready agents are for real users?", "significance"),
        ("what does it say about future work", "future_work"),
        ("does it generalize outside europe", "limitations"),  # doubting how far the claim reaches
        ("How conclusive is the paper's evidence?", "limitations"),
        ("did the finetuning actually fix the problem?", "limitations"),
        ("does it win on every fairness metric?", "limitations"),
        ("how well does the substrate hold up across domains", "results"),  # how well: what they measured
        ("are they gonna release the dataset", "future_work"),  # a release still to come
        ("Is the dataset downloadable yet or still to come?", "future_work"),
        ("key insight?", "novelty"),  # 26 of the 29 labelled questions on an insight ask what is new
        ("which arxiv categories is it in?", "categories"),
        ("categories of 2606.26722?", "categories"),
        ("what's the category theory paper on discovery systems arguing?", ""),  # a field of maths, not arXiv's
        ("how does it cope with new relationship categories arriving?", "method"),
        ("so did cosine or bertscore come out ahead", ""),  # which won, not when it was published
        ("what dataset did the peer review sentiment study build", "method"),  # its subject, not whether reviewed
        ("was it peer-reviewed?", "comment"),
        ("is it more than a pass/fail check?", ""),  # the "fail" of pass/fail is no failure
        ("what do the BenSyc findings imply for how we evaluate chatbots?", "significance"),  # not the findings
        ("implications for future model design?", "future_work"),
        ("what data did they collect", "contributions"),  # what they put together, not what they ran on
        ("when does the bilingual fine-tuning approach break down?", "limitations"),  # not the approach
        ("can you break down the method", "method"),
        ("has the framework been empirically validated?", "limitations"),
        ("What do the MC-PDD authors plan to do once the paper is accepted?", "future_work"),  # not the venue
        ("was it accepted somewhere?", "comment"),
        ("anything that didn't help much?", "limitations"),
        ("so what does that mean for people who use llm judges", "significance"),
        ("so what's the practical takeaway for someone picking a method?", "significance"),  # not the method
        ("so what did they find", "results"),  # "so what ..." opens a question; "so what?" asks why it matters
        ("so what? why should anyone care", "significance"),
        ("so what is it good for", "significance"),
    ],
)
def test_what_a_question_asks_for(question: str, facet: str) -> None:
    assert detect_facet(question) == facet


def test_the_question_without_the_name_is_read_as_asked() -> None:
    focus = leave_out("How did team LinguIUTics do at PsyDefDetect?", ("LinguIUTics",))
    assert focus == "How did team do at PsyDefDetect?" and detect_facet(focus) == "results"


def test_a_comparison_with_one_paper_named_asks_how_well_it_does() -> None:
    question = "How does T-FunS3D compare to state of the art on SceneFun3D"
    assert detect_facet(question) == "compare" and detect_facet(question, skip="compare") == "results"


@pytest.mark.parametrize(
    "question",
    [
        "what did the pareto optimality multiwinner voting paper find?",
        "what's the paper about approval-based multiwinner voting about?",
        "pareto optimality in multiwinner voting - is it the first to prove this for approval ballots?",
    ],
)
def test_a_paper_described_by_its_title_words_is_resolved(library: Library, question: str) -> None:
    answer = library.ask(question)
    assert answer.paper is not None and answer.paper.id == "2605.30490", answer.text


def test_contributions_fall_back_to_the_best_sentence_but_limitations_need_a_cue() -> None:
    paper = Paper(
        id="2601.00001",
        title="Pruning",
        abstract="Large models are slow. Pruning removes weights by magnitude. Speed doubles on four benchmarks.",
    )
    assert find_facet(paper, "contributions").stated  # no cue word in the abstract, still answered
    assert not find_facet(paper, "limitations").stated  # "The abstract does not state its limitations."


@pytest.mark.parametrize(
    ("facet", "said", "other"),
    [  # `other`: sentences the ranker likes better for the facet, seven of them
        (
            "results",
            "Our main result is that uniform pricing guarantees a tight 3-approximation.",
            "Sentence {n} describes item {n} with speedups of {n}0% over baselines.",
        ),
        (
            "contributions",
            "Its key contribution is a schema-driven alignment pipeline with provenance.",
            "We introduce benchmark B{n} and release dataset D{n} with {n}00 annotated items.",
        ),
    ],
)
def test_a_sentence_that_says_it_is_the_answer_is_in_it(facet: str, said: str, other: str) -> None:
    filler = [other.format(n=n) for n in range(1, 8)]
    paper = Paper(id="2601.00002", title="Pricing", abstract=" ".join([*filler[:3], said, *filler[3:]]))
    assert said in find_facet(paper, facet).text


@pytest.mark.parametrize(
    ("sentence", "facet"),
    [
        ("Direction prediction does not transfer; it just falls back to the majority class.", "limitations"),
        ("We treat this as preliminary work and offer the taxonomy as a starting point.", "limitations"),
        ("Deeper reasoning yields diminishing returns, whereas wider sampling helps.", "limitations"),
        ("QAT fails to outperform plain PTQ on single-card hardware.", "limitations"),
        ("Code, models, and data will be publicly released upon acceptance.", "future_work"),
        ("Long cross-app workflows remain an important open challenge.", "future_work"),
        ("Accurate description does not guarantee safety, motivating the need for new evaluations.", "future_work"),
        ("Projections reach 25 minutes by 2030, though these carry substantial uncertainty.", "limitations"),
        ("The trade-off is that it perturbs twice as many words.", "limitations"),
        ("The higher-recall pool alone is not sufficient: F1 stays at 0.287.", "limitations"),
        ("The advantage is accompanied by increased hardware complexity.", "limitations"),
        ("A real-robot evaluation gives a small-sample cross-architecture check of the trend.", "limitations"),
        ("Event streams expose stale-memory invalidation as an unresolved boundary.", "limitations"),
    ],
)
def test_caveats_and_plans_in_other_words_carry_the_cue(sentence: str, facet: str) -> None:
    assert CUES[facet].search(sentence)


def test_limitations_said_in_other_words_are_shown_as_the_closest_sentences(library: Library) -> None:
    answer = library.ask("What are the limitations of 2605.30580?")  # no cue word, but a "while ..." caveat
    assert answer.text.startswith("The abstract does not state its limitations outright.")
    abstract = " ".join(library.get_paper("2605.30580").abstract.split())  # type: ignore[union-attr]
    assert len(answer.sources) == 2 and "generalize poorly" in answer.text  # the caveat and the next closest
    assert all(s.kind == NEAREST_KIND and s.passage in answer.text and s.passage in abstract for s in answer.sources)
    card = library.card("2605.30580")  # the card keeps to what is stated
    assert card is not None and card.key_findings[-2].text == "The abstract does not state its limitations."
    none_close = library.ask("What are the limitations of 2605.30400?")
    assert none_close.text == "The abstract does not state its limitations." and not none_close.sources


def test_a_description_of_another_paper_wins_over_the_conversation(library: Library) -> None:
    follow = library.ask("what would they work on next?", current="2605.30580")
    assert follow.facet == "future_work" and follow.paper is not None and follow.paper.id == "2605.30580"
    other = library.ask("what did the paper on pareto optimality in multiwinner voting find?", current="2605.30580")
    assert other.paper is not None and other.paper.id == "2605.30490"


def test_a_paper_described_as_a_paper_is_answered_wherever_the_chat_is(library: Library) -> None:
    idea = library.ask("whats the idea behind the map-elites shooter map generation paper")  # no "?"
    assert idea.paper is not None and idea.paper.id == "2605.30570"
    other = library.ask("the paper on mislabelled benchmark items, what do they find", current="2605.30568")
    assert other.paper is not None and other.paper.id == "2605.30504" and other.facet == "results"
    same = library.ask("the paper that audits benchmarks with item response theory, what did they find")
    assert same.paper is not None and same.paper.id == "2605.30504" and same.facet == "results"  # asks after ","


@pytest.mark.parametrize(("second", "taken"), [(4.4, True), (4.6, False)])
def test_a_paper_said_to_be_a_paper_is_taken_from_a_close_search_with_the_runner_up_named(
    library: Library, monkeypatch: pytest.MonkeyPatch, second: float, taken: bool
) -> None:
    hits = [Hit("2605.30504", 5.0, ""), Hit("2605.30570", second, "")]
    monkeypatch.setattr("retrieval.library.search", lambda *args: hits)
    question = "the paper on auditing benchmarks, why does it matter"
    answer = library.ask(question)
    if taken:  # a lead of 0.6: the first is meant, and the second named in case it was
        assert answer.paper is not None and answer.paper.id == "2605.30504" and answer.facet == "significance"
        assert answer.text.startswith("Taking you to mean") and "arXiv:2605.30570" in answer.text
        cited = library.ask("the paper on auditing benchmarks, how do I cite it")  # answered from the store
        assert cited.facet == "cite" and cited.text.startswith("Taking you to mean") and "@" in cited.text
    else:  # 0.4: too close to call, listed
        assert answer.paper is None
    assert library.ask(question.replace("paper", "work")).paper is None  # not said to be a paper: needs 1.5
    mid_chat = library.ask(question, current="2605.30580").paper  # mid-chat, another paper needs a lead of 1.5
    assert mid_chat is None or mid_chat.id != "2605.30504"


@pytest.mark.parametrize(("second", "taken"), [(3.5, True), (4.5, False)])
def test_a_question_to_the_authors_of_a_paper_it_does_not_name_takes_a_far_ahead_search_hit(
    library: Library, monkeypatch: pytest.MonkeyPatch, second: float, taken: bool
) -> None:
    hits = [Hit("2605.30504", 6.0, ""), Hit("2605.30570", second, "")]
    monkeypatch.setattr("retrieval.library.search", lambda *args: hits)
    answer = library.ask("frozen benchmark labels with silently propagated errors - do they mention any downsides?")
    if taken:  # a lead of 2.5: their paper
        assert answer.paper is not None and answer.paper.id == "2605.30504" and answer.facet == "limitations"
    else:  # 1.5: a search
        assert answer.paper is None and answer.facet == "search"
    topic = library.ask("frozen benchmark labels with silently propagated errors, any downsides?")  # asks no one
    assert topic.paper is None and topic.facet == "search"


@pytest.mark.parametrize(
    ("question", "taken"),
    [
        ("there's a paper on frozen benchmark labels with propagated errors, what's it about", True),
        ("that paper asking whether benchmark labels stay frozen - what is it about?", True),
        ("is there a paper on frozen benchmark labels with propagated errors?", False),  # a search
        ("any papers on frozen benchmark labels, what is it about?", False),
        ("frozen benchmark labels with propagated errors, what about them?", False),  # asks no one paper
    ],
)
def test_a_paper_described_and_asked_about_as_it_takes_a_far_ahead_search_hit(
    library: Library, monkeypatch: pytest.MonkeyPatch, question: str, taken: bool
) -> None:
    hits = [Hit("2605.30504", 6.0, ""), Hit("2605.30570", 1.0, "")]
    monkeypatch.setattr("retrieval.library.search", lambda *args: hits)
    answer = library.ask(question)
    assert (answer.paper is not None and answer.paper.id == "2605.30504" and answer.facet == "about") == taken


def test_a_position_paper_states_no_results_but_an_empirical_one_does(library: Library) -> None:
    roles = ["background", "objective", "other", "other"]
    position = Paper(
        id="2601.00002",
        title="Open Models",
        abstract="Open models shape who can study AI. We argue that their release should be the default. "
        "We discuss what regulators could require of closed ones. We call on funders to support audits.",
    )
    assert not find_facet(position, "results", roles=roles).stated
    empirical = library.get_paper("2605.30580")
    assert empirical is not None and find_facet(empirical, "results", roles=library.roles_of(empirical)).stated


SPARSE = Paper(  # an abstract that ends in a release note
    id="2601.00003",
    title="Sparse Attention",
    abstract="Long documents are costly to read for transformers. We propose a sparse attention pattern that "
    "keeps one token in eight. We contribute a distillation loss from a dense teacher. On four long-document "
    "benchmarks it matches the dense model at a third of the cost. Code is available at "
    "https://github.com/example/sparse.",
)
SPARSE_ROLES = ["background", "objective", "method", "result", "other"]


def test_a_release_note_is_never_why_a_paper_matters() -> None:
    significance = find_facet(SPARSE, "significance", roles=SPARSE_ROLES)
    assert significance.stated and "github" not in significance.text
    assert len(significance.picked) == RANKED_SENTENCES  # the ranker's best three of five sentences


def test_significance_gives_the_problem_and_the_payoff() -> None:
    paper = Paper(
        id="2601.00004",
        title="Triage",
        abstract="Hospitals lose hours every day to manual triage of radiology reports. We study whether a small "
        "language model can flag urgent findings. We fine-tune a 1B-parameter model on 40,000 labelled reports. "
        "It flags urgent findings with 94% recall on two held-out hospitals. These results highlight the "
        "practical value of small models for clinical triage. Overall, this enables faster care for critical "
        "patients at low cost.",
    )
    roles = ["background", "objective", "method", "result", "result", "other"]
    picked = find_facet(paper, "significance", roles=roles).picked
    assert [c.position for c in picked] == [0, 4, 5]  # the problem, then what the answer to it makes possible


def test_novelty_is_told_against_the_earlier_work_it_replaces() -> None:
    paper = Paper(
        id="2601.00005",
        title="Stress Bench",
        abstract="Robots see the world through cameras. However, existing benchmarks test vision models only on "
        "clean images. We introduce StressBench, which renders lighting, blur and occlusion from physical "
        "models. It covers 12,000 scenes. Models lose a third of their accuracy under stress.",
    )
    roles = ["background", "background", "method", "method", "result"]
    novelty = find_facet(paper, "novelty", roles=roles)
    assert "existing benchmarks" in novelty.text and "We introduce StressBench" in novelty.text


def test_asking_whether_the_code_is_out_answers_with_where_it_is() -> None:
    assert "github" in find_facet(SPARSE, "contributions", roles=SPARSE_ROLES, release=True).text
    assert "github" not in find_facet(SPARSE, "contributions", roles=SPARSE_ROLES).text


@pytest.mark.parametrize(
    ("question", "facet"),
    [
        ("main resutls of 2605.30580", "results"),
        ("2605.30580 signifcance?", "significance"),
        ("2605.30580 methdology?", "method"),
    ],
)
def test_a_misspelt_asking_word_still_names_the_facet(library: Library, question: str, facet: str) -> None:
    assert library.ask(question).facet == facet


def test_future_work_said_in_so_many_words_is_stated_whatever_the_ranker_scores() -> None:
    texts = [
        "Adversarial patches fool object detectors.",
        "Single-colour tweaks show limited tolerance, which remains open.",
        "Physical validation and colour calibration are left for future work.",
    ]
    cands = [Candidate(text, i, "abstract") for i, text in enumerate(texts)]
    picked = choose(cands, [-3.0, -2.0, -2.5], "future_work", floor=-1.0)
    assert [c.position for c in picked] == [2]  # the weak cue ("remains open") below the floor is not


def test_a_name_only_one_paper_mentions_names_that_paper(library: Library) -> None:
    answer = library.ask("how is KGGen used?")  # said in 2605.30465's abstract, not in what it proposes
    assert answer.paper is not None and answer.paper.id == "2605.30465"
    assert library.ask("looking for work that uses KGGen").paper is None  # a description is searched


def test_a_name_only_another_paper_uses_leaves_the_conversation(library: Library) -> None:
    answer = library.ask("KoLLA: what is it?", current="2605.30580")  # KoLLA: twice in 2605.30545's abstract
    assert answer.paper is not None and answer.paper.id == "2605.30545"


@pytest.mark.parametrize(
    ("question", "paper"),
    [
        ("what are the results of the commitment-cooldown expert advice paper on CARLA?", "2605.30576"),
        ("list the contributions of the Arctic satellite chips curation paper", "2605.30467"),
    ],
)
def test_the_paper_a_question_describes_in_words_of_its_abstract_is_answered(
    library: Library, question: str, paper: str
) -> None:
    answer = library.ask(question)
    assert answer.paper is not None and answer.paper.id == paper, answer.text
    assert library.ask("any papers on expert advice in autonomous driving?").paper is None  # a search stays one


@pytest.mark.parametrize(
    ("question", "facet"),
    [
        ("how many stages and what do they do", "method"),  # "how many" reads as results to the rules
        ("why does a decoding trick like this matter?", "significance"),  # "like this" reads as similar papers
        ("What is novel about this paper?", "novelty"),  # says its facet's name: never overruled
    ],
)
def test_the_facet_model_overrules_a_wording_rule_only_when_sure(library: Library, question: str, facet: str) -> None:
    assert library.ask(question, current="2605.30580").facet == facet


def test_a_question_pointing_back_stays_with_the_paper_unless_another_stands_out(library: Library) -> None:
    follow = library.ask("what direction do they suggest going forward", current="2605.30580")
    assert follow.paper is not None and follow.paper.id == "2605.30580", follow.text
    other = library.ask("how do they detect ships in radar images with distillation?", current="2605.30580")
    assert other.paper is None or other.paper.id == "2605.30380", other.text
    # "so ... it ...": carries on with the paper, though a watermark paper matches its words better
    carried = library.ask("so is it any good for watermark robustness, bottom line?", current="2605.30580")
    assert carried.paper is not None and carried.paper.id == "2605.30580", carried.text


@pytest.mark.parametrize(
    ("question", "facet"),
    [
        ("walk me through the steps", "method"),  # a request, though no "?" and no wh-word
        ("wait whats the actual problem here", "about"),  # "wait, ..." carries on the chat
        ("Is there any future work in the speculative decoding paper?", "future_work"),  # not "is there any work"
        ("setup?", "method"),  # words that only ask: setup, setting, bottom line, practitioners, gotchas
        ("eli5 what's the setting", "about"),
        ("bottom line for practitioners?", "significance"),
    ],
)
def test_follow_ups_in_chat_wording_stay_with_the_paper(library: Library, question: str, facet: str) -> None:
    answer = library.ask(question, current="2605.30580")
    assert answer.paper is not None and answer.paper.id == "2605.30580", answer.text
    assert answer.facet == facet


def test_a_name_in_other_case_names_its_paper_when_a_search_agrees(library: Library) -> None:
    """ "Decoupled Time Guidance (DTG)" names DTG-Restore written in any case, since a search finds it first."""
    answer = library.ask("what is decoupled time guidance?")
    assert answer.paper is not None and answer.paper.id == "2605.30431", answer.text
    assert library.ask("any papers on decoupled time guidance?").paper is None  # asks for papers: a search


@pytest.mark.parametrize(
    ("first", "second", "said", "taken"),
    [(6.0, 2.0, "LLM-as-a-Judge", True), (3.0, 2.0, "LLM-as-a-Judge", False), (6.0, 2.0, "GPT-9", False)],
)
def test_a_follow_up_naming_a_coined_word_moves_to_the_paper_far_ahead(
    library: Library, monkeypatch: pytest.MonkeyPatch, first: float, second: float, said: str, taken: bool
) -> None:
    """ "what's new in YOLO26 compared to older detectors" after another paper: the paper a search finds far
    ahead, when it says the name (2605.30568 says LLM-as-a-Judge; no paper says GPT-9)."""
    current = library.get_paper("2605.30580")
    hits = [Hit("2605.30568", first, ""), Hit("2605.30570", second, "")]
    monkeypatch.setattr("retrieval.library.search", lambda *args: hits)
    moved = library.coined_other(f"what's new in {said} compared to older ones?", Subject(current, how="context"))
    assert (moved is not None and moved.paper is not None and moved.paper.id == "2605.30568") == taken


def test_an_answer_reuses_the_vectors_the_role_tagger_encoded(library: Library) -> None:
    """Similarity to the question from the sentence vectors read once per paper, as if encoded again."""
    paper = library.get_paper("2605.30580")
    assert paper is not None
    roles, vectors = library.read(paper)
    cands = candidates(paper, "method")
    again = similarity_to("how do they draft tokens", cands, library.embedder.encode)
    reused = similarity_to("how do they draft tokens", cands, library.embedder.encode, vectors)
    assert len(roles) == len(cands) and np.allclose(again, reused, atol=1e-5)


@pytest.mark.parametrize(
    "closing",
    [
        "Tight bounds and multi-agent variants are left open.",
        "We also plan to release a live demonstration at the conference.",
        "Our findings open new avenues for harnessing frozen models in low-resource settings.",
        "The insights should be explored further in program induction.",
    ],
)
def test_future_work_said_in_other_words_is_stated(closing: str) -> None:
    paper = Paper(
        id="2601.00001",
        title="Bounded Search",
        abstract="Search is costly. We propose a bounded search method. It halves the cost on three tasks. " + closing,
    )
    finding = find_facet(paper, "future_work", roles=["background", "objective", "result", "other"])
    assert finding.text == closing


@pytest.mark.parametrize(
    ("question", "position"),
    [
        ("MindClaw, what is it?", 1),  # the name, where the abstract first says it
        ("Can Post-Training Turn LLMs into Good Medical Coders? - what is PHI", 2),  # not the title's words
        ("what's this step-level scaling law in the streaming paper", 3),
        ("what's the 'Lost at the End' effect?", 3),  # quoted, though the title says it too
        ("how well does MindClaw do?", None),  # asks no "what is"
        ("explain the MindClaw method", None),  # asks for the method
    ],
)
def test_a_question_what_a_named_thing_is_points_at_the_sentence_naming_it(question: str, position: int | None) -> None:
    sentences = [
        "Agents rarely reason about mental states of post-training LLMs.",
        "We introduce MindClaw, a framework for embodied reasoning.",
        "We further introduce PHI, a curriculum that refines missed cases of MindClaw.",
        'We also find a "step-level scaling law", an effect we call "Lost at the End".',
        "MindClaw improves success by 12 points.",
    ]
    cands = [Candidate(text, i, "abstract") for i, text in enumerate(sentences)]
    title = "Lost at the End: Post-Training LLMs into Good Medical Coders"
    assert pointed_sentence(question, cands, title) == position


def test_the_sentence_a_question_points_at_is_in_the_answer() -> None:
    abstract = (
        "Medical coding is a core task for billing and epidemiology. Language models are weak coders in prompting. "
        "We study post-training of coders with supervised fine-tuning and reinforcement learning. Post-trained "
        "coders beat prompting by twenty points. Reinforcement learning helps most on rare codes. The last stage, "
        "PHI, is a diagnostic curriculum that refines missed-code cases."
    )
    paper = Paper(id="2606.13940", title="Can Post-Training Turn LLMs into Good Medical Coders?", abstract=abstract)

    def encode(texts: list[str]) -> Vectors:
        return np.zeros((len(texts), 384), dtype=np.float32)

    plain = answer_from_paper("what is it about?", "about", paper, "about", encode)
    asked = answer_from_paper("what is PHI", "about", paper, "PHI", encode)
    phi = "The last stage, PHI, is a diagnostic curriculum that refines missed-code cases."
    assert phi not in plain.text and phi in asked.text and len(asked.sources) <= 3


def test_a_result_said_as_a_speedup_is_stated_whatever_its_role(monkeypatch: pytest.MonkeyPatch) -> None:
    # the ranker scores every sentence under the floor (the role tagger called the speedup sentence a method)
    monkeypatch.setattr(compose, "has_learned", lambda facet: True)
    monkeypatch.setattr(compose, "score_candidates", lambda cands, *args: [-0.5 + 0.01 * c.position for c in cands])
    abstract = (
        "Neurosymbolic AI combines neural networks with symbolic programs. NeurASP trains a network to predict "
        "concepts and reasons over them with rules. Labels are only given for the downstream prediction. We compare "
        "computation speeds of the original and our new implementation and report speedups of multiple orders of "
        "magnitude for larger tasks."
    )
    found = find_facet(Paper(id="2606.10787", title="Accelerating NeurASP", abstract=abstract), "results")
    assert found.stated and any("orders of magnitude" in c.text for c in found.picked)
    position = "We argue that benchmarks should be audited. We discuss three cases. We call for shared norms."
    assert not find_facet(Paper(id="2606.00001", title="A position", abstract=position), "results").stated
    survey = (
        "Dynamic scenes can be reconstructed with Gaussians. We group the methods into two paradigms. Our findings "
        "reveal that structure-guided methods reconstruct better while Gaussian-centric ones render faster."
    )
    found = find_facet(Paper(id="2606.00452", title="Beyond Static Gaussians", abstract=survey), "results")
    assert found.stated and any("findings reveal" in c.text for c in found.picked)


def _answer(facet: str, *passages: str, kind: str = "abstract") -> Answer:
    paper = Paper(id="2601.00003", title="Drafts", abstract=" ".join(passages))
    sources = tuple(Source(paper.id, paper.title, 1.0 - n / 10, text, kind) for n, text in enumerate(passages))
    return Answer("q", facet, " ".join(passages) or f"The abstract does not state its {facet}.", paper, sources)


def test_a_question_read_two_ways_is_answered_both_ways() -> None:
    results = _answer("results", "Speed doubles.", "Acceptance falls.")
    both = also(results, _answer("limitations", "Distilled drafts generalize poorly.", "Speed doubles."))
    assert both.text == "Speed doubles. Acceptance falls.\nAs for its limitations: Distilled drafts generalize poorly."
    assert both.facet == "results" and [s.passage for s in both.sources][-1] == "Distilled drafts generalize poorly."
    assert also(results, _answer("limitations")).text.endswith("\nThe abstract does not state its limitations.")
    assert also(results, _answer("method", "Speed doubles.")) == results  # said already
    unstated = _answer("limitations", "Speed doubles.", kind="abstract:nearest")
    assert also(unstated, _answer("future_work")) == unstated  # neither stated: said once


def test_the_facet_model_second_reading_is_answered_too(library: Library) -> None:
    answer = library.ask("does the speed-up survive on a new task?", current="2605.30580")  # results .54, limits .39
    assert answer.facet == "results" and answer.text.endswith("The abstract does not state its limitations.")
