"""Ingest into a real store: idempotence, new versions, and finishing a run that was killed."""

from __future__ import annotations

import json
from pathlib import Path

import faiss

from ingest.pipeline import alias_rows, ingest
from retrieval.embed import Embedder
from retrieval.library import Library, clean_question
from retrieval.paper import Paper
from retrieval.passages import make_passages
from retrieval.resolve import resolve
from retrieval.settings import Settings
from retrieval.store import Store


def write_jsonl(path: Path, records: list[dict[str, object]]) -> str:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return str(path)


def record(paper_id: str, title: str, abstract: str) -> dict[str, object]:
    return {
        "id": paper_id,
        "title": title,
        "abstract": abstract,
        "authors": ["A. Author"],
        "categories": ["cs.CL"],
    }


def vector_ids(store: Store) -> set[int]:
    index = store.index()
    return set(faiss.vector_to_array(index.id_map).tolist()) if index.ntotal else set()


def passage_ids(store: Store, paper_id: str) -> set[int]:
    return {p.id for p in store.passages_of(paper_id) if p.id is not None}


def test_reingesting_the_same_file_adds_nothing(tmp_path: Path, embedder: Embedder) -> None:
    source = write_jsonl(tmp_path / "a.jsonl", [record("2401.00001", "Alpha", "First sentence here. Second one.")])
    store = Store.open_writable(tmp_path / "home")
    first = ingest(store, [source], Settings(), embedder.encode)
    second = ingest(store, [source], Settings(), embedder.encode)
    assert (first.counts["added"], first.embedded) == (1, 1)
    assert (second.counts["added"], second.counts["unchanged"], second.embedded) == (0, 1, 0)
    assert store.count_papers() == 1 and vector_ids(store) == passage_ids(store, "2401.00001")


def test_newer_version_replaces_text_and_vectors_older_does_not(tmp_path: Path, embedder: Embedder) -> None:
    v1 = write_jsonl(tmp_path / "v1.jsonl", [record("2401.00002v1", "Beta", "Old text about cats.")])
    v2 = write_jsonl(tmp_path / "v2.jsonl", [record("arXiv:2401.00002v2", "Beta", "New text about dogs.")])
    store = Store.open_writable(tmp_path / "home")
    ingest(store, [v1], Settings(), embedder.encode)
    old_ids = passage_ids(store, "2401.00002")
    report = ingest(store, [v2], Settings(), embedder.encode)
    paper = store.get_paper("2401.00002")
    assert report.counts["updated"] == 1 and paper is not None
    assert (paper.version, paper.abstract) == (2, "New text about dogs.")
    assert vector_ids(store) == passage_ids(store, "2401.00002") and not old_ids & vector_ids(store)
    again = ingest(store, [v1], Settings(), embedder.encode)  # the old version comes round again
    assert again.counts["unchanged"] == 1
    assert store.get_paper("2401.00002").abstract == "New text about dogs."  # type: ignore[union-attr]


def test_a_run_killed_before_embedding_is_finished_by_the_next(tmp_path: Path, embedder: Embedder) -> None:
    home = tmp_path / "home"
    store = Store.open_writable(home)
    papers = [Paper(f"2401.0001{i}", f"Paper {i}", f"Sentence about topic {i}. More text.") for i in range(3)]
    for paper in papers:  # what a killed run leaves behind: rows committed, vectors never written
        store.upsert(paper, make_passages(paper))
    store.commit()
    store.close()
    source = write_jsonl(tmp_path / "s.jsonl", [record(p.id, p.title, p.abstract) for p in papers])
    store = Store.open_writable(home)
    report = ingest(store, [source], Settings(), embedder.encode)
    assert report.embedded == 3 and store.index().ntotal == store.count_passages() == 3
    reader = Store.open_readonly(home)
    assert reader.index().ntotal == 3  # and it is on disk, for the bot to read


def test_bad_lines_are_skipped_and_good_ones_kept(tmp_path: Path, embedder: Embedder) -> None:
    path = tmp_path / "mixed.jsonl"
    good = json.dumps(record("2401.00009", "Gamma <b>&amp;</b>", "Text\x00 with control chars. And HTML <i>."))
    path.write_text(f"{{not json\n{good}\n{json.dumps({'id': '2401.00010'})}\n\n", encoding="utf-8")
    store = Store.open_writable(tmp_path / "home")
    report = ingest(store, [str(path)], Settings(), embedder.encode)
    assert report.counts["added"] == 1 and report.counts["skipped"] >= 2
    assert store.get_paper("2401.00009") is not None


def test_names_shouted_in_capitals_count_only_where_written_so(tmp_path: Path) -> None:
    """SHIFT names one paper though "shift" is everywhere; a capitalised coined word after "we present" is a name."""
    store = Store.open_writable(tmp_path)
    papers = [
        Paper(id="2601.00001", title="SHIFT: Gating Knowledge Conflicts", abstract="We study conflicts in RAG."),
        Paper(id="2601.00002", title="Research Harness", abstract="We present Xcientist, a research harness."),
        Paper(
            id="2601.00003", title="Reasoning", abstract="We propose a Multi-Granularity Network (MGRN). It uses (RPC)."
        ),
        *(
            Paper(id=f"2601.001{n:02d}", title=f"Domain Shift Study {n}", abstract="A distribution shift hurts models.")
            for n in range(6)
        ),
    ]
    for paper in papers:
        store.upsert(paper, make_passages(paper))
    names = {(alias, paper_id) for alias, paper_id, _ in alias_rows(store)}
    assert ("SHIFT", "2601.00001") in names and ("Xcientist", "2601.00002") in names and ("MGRN", "2601.00003") in names
    assert "RPC" not in {alias for alias, _ in names}  # an acronym not introduced as the paper's own
    assert not any(alias.lower() in {"shift", "domain shift study"} and alias != "SHIFT" for alias, _ in names)
    store.close()


def test_a_name_of_several_words_the_abstract_introduces_names_its_paper(tmp_path: Path) -> None:
    papers = [
        Paper(id="2601.00001", title="Safety Paradox", abstract="We introduce Posterior Attack, a jailbreak."),
        Paper(id="2601.00002", title="Planning", abstract="We introduce Task Decomposition, a planner."),
        Paper(id="2601.00003", title="Agents", abstract="Task Decomposition helps agents."),  # said by two papers
        *(Paper(id=f"2601.001{n:02d}", title=f"Bayes {n}", abstract="The posterior is sampled.") for n in range(6)),
    ]  # "posterior" alone is a common word, not a name
    store = _named_store(tmp_path, papers)
    named = resolve(store, "how does the Posterior Attack jailbreak work?")
    assert named.paper == papers[0] and named.how == "alias"  # by its name, not by a search of its words
    assert ("Task Decomposition", "2601.00002") not in {(a, p) for a, p, _ in alias_rows(store)}
    store.close()


def _named_store(tmp_path: Path, papers: list[Paper]) -> Store:
    """A store of `papers` with the names they go by, as an ingest leaves it."""
    store = Store.open_writable(tmp_path)
    for paper in papers:
        store.upsert(paper, make_passages(paper))
    store.write_aliases(list(alias_rows(store)))
    return store


def test_a_title_names_its_paper_even_when_the_name_is_also_a_word(tmp_path: Path) -> None:
    papers = [
        Paper(id="2601.00001", title="CoGS: Composing Scenes", abstract="Gears and cogs and more cogs."),
        Paper(id="2601.00002", title="Neural Procedural Memory: Agents That Remember", abstract="Agents remember."),
        *(Paper(id=f"2601.001{n:02d}", title=f"Cogs {n}", abstract="Cogs turn.") for n in range(5)),
    ]
    store = _named_store(tmp_path, papers)
    assert resolve(store, "How does CoGS work?").paper == papers[0]
    assert resolve(store, "how do cogs work?").paper is None  # the word, not the name
    assert resolve(store, "What is Neural Procedural Memory about?").paper == papers[1]
    store.close()


def test_a_title_name_no_other_paper_says_is_its_name_in_any_case(tmp_path: Path) -> None:
    """ "the Arbiter agent" names "The Arbiter Agent: ..." (no other paper says it), "See & Sniff" keeps its "&";
    "Physics from Video", which another paper also says, is still a name only as the title writes it."""
    papers = [
        Paper(id="2601.00001", title="The Arbiter Agent: Monitoring Conversations", abstract="We monitor agents."),
        Paper(id="2601.00002", title="See & Sniff: Learning Visuo-Olfactory Representations", abstract="Odors."),
        Paper(id="2601.00003", title="Physics from Video: Learning Dynamics", abstract="We learn dynamics."),
        Paper(id="2601.00004", title="Video Models", abstract="We learn physics from video clips."),
        Paper(id="2601.00005", title="Whose Norms? Disentangling Cultural Alignment", abstract="Norms differ."),
        Paper(id="2601.00006", title="Less Context, Better Agents: Efficient Context Engineering", abstract="Less."),
        Paper(id="2601.00007", title="Steering LLMs? Actually, Autoencoders Win", abstract="We compare."),
    ]
    store = _named_store(tmp_path, papers)
    assert resolve(store, "what's the Arbiter agent").paper == papers[0]
    assert resolve(store, "any work on an arbiter agent for chats?").paper is None  # words, not its name
    assert resolve(store, "The arbiter agent idea: is it new?").paper is None  # only the sentence's capital
    assert resolve(store, "whats new about See & Sniff").paper == papers[1]
    assert resolve(store, "what does Physics from Video propose?").paper == papers[2]
    assert resolve(store, "can physics from video be learned?").paper is None
    assert resolve(store, "Whose Norms? what's that paper about").paper == papers[4]  # a title's question
    assert resolve(store, "In 'Less Context, Better Agents', what was the best config?").paper == papers[5]
    assert resolve(store, "any papers on steering LLMs?").paper is None  # a title's question, but a name's words
    store.close()


def test_a_title_is_named_as_people_type_it(tmp_path: Path) -> None:
    """A title's name without its TeX ("S^2COPE"), without its commas ("Ask, Solve, Generate"), said before
    "paper on" ("Stability vs. Manipulability paper on LLM judges"); a shared task team's name stands for its
    papers, and the task's number in the question tells them apart."""
    papers = [
        Paper(id="2601.00001", title="S$^2$COPE: Self-Supervised Concept Discovery", abstract="Concepts."),
        Paper(id="2601.00002", title="Ask, Solve, Generate: Self-Evolving Multimodal Models", abstract="Roles."),
        Paper(id="2601.00003", title="Stability vs. Manipulability: Robustness of LLM Judges", abstract="Judges."),
        Paper(id="2601.00004", title="ttda704 at SemEval-2026 Task 6: Prompting for Evasion", abstract="Prompts."),
        Paper(id="2601.00005", title="ttda704 at SemEval-2026 Task 4: Narrative Similarity", abstract="Stories."),
        Paper(id="2601.00006", title="Drug Discovery with Graphs", abstract="We propose UniD$^3$, a RAG framework."),
    ]
    store = _named_store(tmp_path, papers)
    assert resolve(store, clean_question("S^2COPE concept discovery: how is it different?")).paper == papers[0]
    assert resolve(store, "Ask, Solve, Generate: what's novel about it").paper == papers[1]
    assert resolve(store, "Stability vs. Manipulability paper on LLM judges - what's new here").paper == papers[2]
    assert resolve(store, "any papers on Stability vs. Manipulability?").paper is None  # a search
    assert resolve(store, "how does the ttda704 system for SemEval-2026 Task 4 work").paper == papers[4]
    assert resolve(store, "and ttda704?", current="2601.00004").paper == papers[3]
    assert resolve(store, clean_question("What does UniD^3 produce?")).paper == papers[5]
    assert clean_question("what is 10^3 here") == "what is 10^3 here"  # a number keeps its power
    store.close()


def test_a_name_two_papers_go_by_is_told_apart_by_the_words_around_it(tmp_path: Path, embedder: Embedder) -> None:
    """Two papers called APEX: the question's other words choose (a search among the two); a bare "what is
    APEX?" is asked back with both listed, and in a chat about one of them the name means that one."""
    source = write_jsonl(
        tmp_path / "apex.jsonl",
        [
            record(
                "2601.00001",
                "APEX: Automated Prompt Engineering Expert",
                "Evolutionary algorithms optimise prompts. We select the data that the prompt search uses.",
            ),
            record(
                "2601.00002",
                "APEX: Adaptive Principle Extraction",
                "Agents keep evolutionary principles from feedback in long production runs; a prompt holds them.",
            ),
        ],
    )
    store = Store.open_writable(tmp_path / "home")
    ingest(store, [source], Settings(), embedder.encode)
    question = "what makes APEX different from other evolutionary optimisers of prompts"  # as many words in each
    assert resolve(store, question).paper is None  # the store alone cannot tell
    library = Library(store, embedder)
    answer = library.ask(question)
    assert answer.paper is not None and answer.paper.id == "2601.00001"
    asked_back = library.ask("What is APEX?")  # nothing tells which: both are listed
    assert asked_back.paper is None and "2601.00001" in asked_back.text and "2601.00002" in asked_back.text
    assert resolve(store, "and APEX?", current="2601.00002").paper.id == "2601.00002"  # type: ignore[union-attr]
    store.close()


def test_a_name_is_what_the_paper_coins_written_as_it_writes_it(tmp_path: Path) -> None:
    """An acronym the paper defines for its own method names it. A field's acronym (one others use too) is no
    name; a styled word ("ROManian") written as a plain word, or a name the current paper also uses, does not
    switch papers."""
    papers = [
        Paper(
            id="2601.00001",
            title="Boosting Self-Consistency with Ranking",
            abstract="Majority voting fails. We address this with Ranking-Improved Self-Consistency (RISC).",
        ),
        Paper(
            id="2601.00002",
            title="Revitalizing Labels",
            abstract="Underwater Image Enhancement (UIE) is essential. We relabel data with a teacher.",
        ),
        Paper(
            id="2601.00003",
            title="Speech Corpus",
            abstract="This paper introduces the ROManian PARliamentary Speech Corpus (ROMPAR).",
        ),
        Paper(id="2601.00004", title="TT-DAC-PS: Twin-Target Actor-Critic", abstract="We trade unlike ROMPAR."),
        Paper(id="2601.00005", title="Nowcasting", abstract="In this work, we introduce $\\textbf{FREUD}$, a flow."),
        Paper(id="2601.00006", title="Satellites", abstract="We render with Rational Polynomial Camera (RPC) models."),
        Paper(id="2601.00007", title="Epipolar", abstract="Features under the RPC camera model."),
        Paper(id="2601.00008", title="Cores", abstract="We verify RISC-V cores and their RF front ends."),
        Paper(
            id="2601.00009",
            title="Representation Forcing for Unified Models",
            abstract="A VAE is a bottleneck. In this paper, we propose Representation Forcing (RF), a technique.",
        ),
    ]
    store = _named_store(tmp_path, papers)
    names = {alias for alias, _, _ in alias_rows(store)}
    assert {"RISC", "ROMPAR", "TT-DAC-PS", "FREUD"} <= names and not {"UIE", "RPC"} & names  # others use them
    assert resolve(store, "How is RISC different from majority voting?").paper == papers[0]  # RISC-V is not RISC
    assert resolve(store, "Explain Representation Forcing").paper == papers[-1]  # the words it spells RF out in
    assert resolve(store, "is representation forcing a thing?").paper is None  # only as a name
    assert resolve(store, "what's new in tt-dac-ps compared with td3").paper == papers[3]
    assert resolve(store, "what does the Romanian speech paper contribute?").how != "alias"
    assert resolve(store, "and how does ROMPAR compare?", current="2601.00004").paper == papers[3]
    store.close()
