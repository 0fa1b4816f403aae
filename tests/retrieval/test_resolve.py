"""Reading which paper a question names, and which words of it only name the paper."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.facets import asks_for_papers, is_question, is_topic_question
from retrieval.paper import Paper
from retrieval.passages import split_sentences
from retrieval.resolve import description, resolve, resolve_all, title_spans
from retrieval.spelling import correct_spelling
from retrieval.store import Store


def test_the_words_that_name_a_title_are_found_wherever_they_stand() -> None:
    title = "When Is 0.1% Enough? Compressing Text Embeddings for Retrieval"
    question = "When Is 0.1% Enough? - what did they find about compressing text embeddings"
    assert title_spans(question, title) == ("When Is 0.1% Enough?", "compressing text embeddings")
    described = "failure-aware observability for multi-agent LLM systems — how does it work?"
    spans = title_spans(described, "Early Diagnosis in Multi-Agent LLM Systems via Failure-Aware Observability")
    assert spans == ("failure-aware observability for multi-agent LLM systems",)


def test_a_lone_title_word_is_not_taken_for_the_title() -> None:
    assert title_spans("what method do they use?", "A Method for Sparse Attention") == ()


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("what problem is the McCormick relaxation JSAC waveform paper solving",
         ("McCormick relaxation JSAC waveform",)),
        ("how does the paper that has an LLM agent write handwriting as SVG strokes work", ("has an LLM agent write "
         "handwriting as SVG strokes work",)),
        ("list the contributions of the Plan, Watch, Recover paper", ("Plan, Watch, Recover",)),
        ("that CLIP body-scene fusion paper on EMOTIC, what is it studying", ("CLIP body-scene fusion", "EMOTIC")),
        ("Explain the method of the Explainability-Aware Frustum Attack paper",
         ("Explainability-Aware Frustum Attack",)),
        ("how does S3 (segment-level summarization via MCTS) differ from the usual pipelines",
         ("S3", "segment-level summarization via MCTS")),  # a name and its gloss
        ("Rhetor (multi-agent live product demos): what does it do", ("Rhetor", "multi-agent live product demos")),
        ("in the paper about machines that refuse requests, what should be pursued next",
         ("machines that refuse requests",)),  # the description ends where the asking starts
        ("what does the pairwise reference alignment note leave for future work", ()),  # "future work" is no paper
        ("what is the best model", ()),  # one word: not a description
        ("Fox hallucination decoding paper - what's the new insight", ("Fox hallucination decoding",)),  # no "the"
        ("the interactive video world modeling survey - what does it cover", ("interactive video world modeling",)),
        ("what do the subliminal learning LoRA authors leave open", ("subliminal learning LoRA",)),
        ("in the spin-crossover meta-learning search paper, how do they calibrate",
         ("spin-crossover meta-learning search",)),  # "search" names the paper's subject, not a search
        ("great paper, what is it", ()),  # one word before "paper"
        ("how does the beam search decoding paper work", ("beam search decoding",)),  # "search": no search asked
        ("any papers on the KV-cache compression method?", ()),  # a topic search
        ("is there a paper on the KV-cache compression method?", ()),
        ("that ICIP paper using nerf renders to train gaussian splatting, what's the idea",
         ("nerf renders to train gaussian splatting",)),  # a word between "that" and "paper"
        ("What did the study measuring worker safety attitudes from Reddit create?",
         ("worker safety attitudes from Reddit create",)),  # any "-ing" verb describes
        ("that CVPR paper on document QA where long answers cite figures - what did they release?",
         ("document QA where long answers cite figures",)),  # ends where the asking starts
        ("How is the paper predicting when clinicians reject answers different from static benchmarks?",
         ("when clinicians reject answers",)),
        ("does the A*-inspired commonsense obfuscation paper contribute theory?",
         ("A*-inspired commonsense obfuscation",)),
        ("what did the paper during training show", ()),  # "during" is no verb
    ],
)  # fmt: skip
def test_a_paper_described_in_words_is_recognised(question: str, expected: tuple[str, ...]) -> None:
    assert description(question) == expected


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("any papers on KV-cache compression?", True),
        ("find me the paper on KV-cache compression", True),
        ("any failure modes in the dense-to-sparse Qwen upcycling paper?", False),
        ("that paper on LLMs checking securities prospectuses, what's new", False),
        ("list the contributions of the Plan, Watch, Recover paper", False),
        ("any recent work on the study of protein folding?", True),  # "the study of": no one paper
        ("what did they find in the activation-based active learning paper", False),  # "find": what they found
        ("in the meta-learning search paper, how do they calibrate", False),
        ("search for papers on meta-learning", True),
    ],
)
def test_a_question_about_one_paper_is_not_a_search_for_papers(question: str, topic: bool) -> None:
    assert is_topic_question(question) == topic


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("main findigns?", "main findings?"),
        ("any limitatons or failure cases?", "any limitations or failure cases?"),
        ("what's the gist", "what's the gist"),  # not "list"
        ("how is the data used", "how is the data used"),  # an English word is never changed
        ("how does RoboStressBench work", "how does RoboStressBench work"),  # nor a name
        ("When Summaries Distort Decisions - explain", "When Summaries Distort Decisions - explain"),  # a title
        ("what about summaries", "what about summaries"),  # the plural of an English word
        ("Ok. Limitatons?", "Ok. limitations?"),  # a sentence's first word is not a name
        ("what's in the chart benchmrk paper", "what's in the chart benchmark paper"),  # a description's noun
        ("any papers on cross-modal retrieval?", "any papers on cross-modal retrieval?"),  # not "cross-model"
    ],
)
def test_misspelt_asking_words_are_corrected_and_nothing_else(text: str, expected: str) -> None:
    assert correct_spelling(text) == expected


def _store_with_names(tmp_path: Path) -> Store:
    store = Store.open_writable(tmp_path)
    for paper_id, title in [
        ("2606.00001", "RealClawBench: Live Benchmarks from Real Sessions"),
        ("2606.00002", "Using Physical Tools with Multimodal Models"),
        ("2606.00003", "Dr. DocBench: A Benchmark for Difficult Document Parsing"),
    ]:
        store.upsert(Paper(id=paper_id, title=title, abstract="A study."), [])
    store.write_aliases(
        [
            ("RealClawBench", "2606.00001", "title"),
            ("PhysTool-Bench", "2606.00002", "abstract"),
            ("Dr. DocBench", "2606.00003", "title"),
        ]
    )
    store.commit()
    return store


def test_every_paper_a_comparison_names_is_found(tmp_path: Path) -> None:
    store = _store_with_names(tmp_path)  # two names, neither a title said in full: both papers, in order
    named = resolve_all(store, "compare RealClawBench with PhysTool-Bench")
    assert [paper.id for paper in named] == ["2606.00001", "2606.00002"]


def test_a_name_with_a_full_stop_is_found_as_written(tmp_path: Path) -> None:
    store = _store_with_names(tmp_path)
    subject = resolve(store, "whats in Dr. DocBench? size, domains, annotations")
    assert subject.paper is not None and subject.paper.id == "2606.00003"


def test_a_quoted_subtitle_names_its_paper(tmp_path: Path) -> None:
    store = _store_with_names(tmp_path)  # the title after its name, quoted: RealClawBench's
    subject = resolve(store, "what issues does 'Live Benchmarks from Real Sessions' point out?")
    assert subject.paper is not None and subject.paper.id == "2606.00001" and subject.how == "title"
    assert resolve(store, "what does 'Benchmarks from Real Sessions' show?").how != "title"  # not all of it


@pytest.mark.parametrize(
    ("question", "searching"),
    [
        ("is there a formal guarantee?", False),  # about the paper spoken of
        ("are there any ablations?", False),
        ("is there any work on KV-cache compression?", True),
        ("are there papers on sparse attention", True),
        ("is there anything on protein folding?", True),
    ],
)
def test_is_there_asks_for_papers_only_when_it_names_papers_or_work(question: str, searching: bool) -> None:
    assert asks_for_papers(question) is searching


def test_a_statement_ending_in_right_is_a_question() -> None:
    assert is_question("the long-video test time training paper also made a dataset right")
    assert is_question("so does the LoRA artifact paper mean we shouldnt worry")
    assert not is_question("the long-video test time training paper")


def test_a_description_may_hold_symbols() -> None:
    question = "so does the subliminal learning = LoRA artifact paper mean we shouldnt worry"
    assert description(question) == ("subliminal learning = LoRA artifact",)


def test_abbreviations_do_not_end_a_sentence() -> None:
    text = "We introduce NEST, a dataset of 1005 movies (avg. 98 minutes) with events. Dr. DocBench is a benchmark."
    assert split_sentences(text) == [
        "We introduce NEST, a dataset of 1005 movies (avg. 98 minutes) with events.",
        "Dr. DocBench is a benchmark.",
    ]
