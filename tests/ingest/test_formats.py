"""Reading paper files: every layout in the shared data, Atom feeds, and bad or hostile input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.atom import parse_atom
from ingest.formats import read_source
from retrieval.errors import ArxivError, SourceError
from retrieval.paper import Paper

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
RECORDED_XML = DATA / "arxiv_api" / "arxiv_py_2026_recorded" / "xml"
LEGACY = DATA / "arxiv_api" / "arxiv_py_2016_legacy"


def shared(relative: str) -> Path:
    path = DATA / relative
    if not path.exists():
        pytest.skip(f"shared data file {path} not found (the read-only data folder next to the repo)")
    return path


def read_all(path: Path) -> tuple[list[Paper], list[str]]:
    skipped: list[str] = []
    return list(read_source(path, on_skip=skipped.append)), skipped


def by_id(papers: list[Paper]) -> dict[str, Paper]:
    return {paper.id: paper for paper in papers}


def write_lines(path: Path, lines: list[str | bytes]) -> Path:
    path.write_bytes(b"".join((line if isinstance(line, bytes) else line.encode()) + b"\n" for line in lines))
    return path


def test_normalised_daily_file() -> None:
    papers, skipped = read_all(shared("arxiv/daily_cs_2026-06.jsonl"))
    assert (len(papers), skipped) == (6633, [])
    first = papers[0]
    assert first.id == "2604.09053"
    assert first.authors == ("Marcus J. Schytt", "Lorenz T. Biegler", "John B. Jørgensen")
    assert first.categories == ("cs.CE", "math.DS", "math.NA")
    assert (first.primary_category, first.announced, first.source) == ("cs.CE", "2026-06-01", "arxiv-daily")
    assert first.comment.startswith("8 pages, 3 figures")


def test_kaggle_snapshot() -> None:
    papers, skipped = read_all(shared("arxiv/kaggle_snapshot_head.jsonl"))
    assert (len(papers), skipped) == (200, [])
    paper = by_id(papers)["0704.0001"]
    assert (paper.version, paper.published, paper.updated) == (2, "2007-04-02", "2007-07-24")
    assert paper.title == "Calculation of prompt diphoton production cross sections at Tevatron and LHC energies"
    assert paper.abstract.startswith(
        "A fully differential calculation in perturbative quantum chromodynamics is presented"
    )
    assert "\n" not in paper.abstract and "  " not in paper.abstract
    assert paper.authors == ("C. Bal\\'azs", "E. L. Berger", "P. M. Nadolsky", "C.-P. Yuan")  # LaTeX kept
    assert (paper.journal_ref, paper.doi) == ("Phys.Rev.D76:013009,2007", "10.1103/PhysRevD.76.013009")
    second = by_id(papers)["0704.0002"]
    assert second.authors == ("Ileana Streinu", "Louis Theran")
    assert (second.categories, second.primary_category) == (("math.CO", "cs.CG"), "math.CO")
    assert second.license == "http://arxiv.org/licenses/nonexclusive-distrib/1.0/"


def test_arxiv_browse_records_keep_old_style_ids() -> None:
    papers, skipped = read_all(shared("arxiv/arxiv_browse_abs.jsonl"))
    assert (len(papers), skipped) == (1131, [])
    found = by_id(papers)
    assert found["acc-phys/9411001"].authors == ("Salman Habib", "Robert D. Ryne")
    revised = found["cs/0011004"]
    assert (revised.version, revised.published, revised.updated) == (2, "2000-11-04", "2000-12-03")
    assert revised.authors == ("J. Mueller-Quade", "H. Imai")
    assert found["0704.0031"].authors == ("V. M. Biryukov",)  # "(Serpukhov, IHEP)" is an affiliation
    assert sum("/" in paper.id for paper in papers) == 74  # math-ph/, acc-phys/, cs/, hep-th/ ...


def test_summaries_file_skips_failure_placeholders() -> None:
    papers, skipped = read_all(shared("arxiv/summaries_llm_generated_2025-10-14.jsonl"))
    assert (len(papers), skipped) == (63, [])
    assert all(paper.summaries == () for paper in papers)  # every one in this file is a failure notice
    first = papers[0]
    assert first.id == "2510.09615"
    assert first.abstract.startswith("Large language models (LLMs) are increasingly integrated")


def test_summaries_keep_real_facets_in_order(tmp_path: Path) -> None:
    ai = {
        "conclusion": "It works on all three benchmarks.",
        "tldr": "A new sparse attention for long inputs.",
        "motivation": "Motivation analysis unavailable",
        "method": "",
        "result": "Earlier attempts failed; ours improves recall by a wide margin on every task.",
    }
    record = {"id": "2510.00001v2", "title": "T", "summary": "An abstract.", "authors": ["A"], "AI": ai}
    [paper], _ = read_all(write_lines(tmp_path / "s.jsonl", [json.dumps(record)]))
    assert [facet for facet, _ in paper.summaries] == ["tldr", "result", "conclusion"]
    assert (paper.id, paper.version, paper.abstract) == ("2510.00001", 2, "An abstract.")


def test_scifact_corpus() -> None:
    papers, skipped = read_all(shared("scifact/corpus.jsonl"))
    assert (len(papers), skipped) == (5183, [])
    first = papers[0]
    assert first.id == "scifact-4983"
    assert first.title.startswith("Microstructural development of human newborn cerebral white matter")
    assert first.abstract.startswith("Alterations of the architecture of cerebral white matter")
    assert "functional disabilities. A line scan" in first.abstract


def test_single_json_record() -> None:
    [paper], skipped = read_all(shared("arxiv/2405.08597.json"))
    assert skipped == []
    assert (paper.id, paper.title) == ("2405.08597", "Risks and Opportunities of Open-Source Generative AI")
    assert (paper.categories, paper.primary_category, paper.published) == (("cs.LG",), "cs.LG", "2024-05-14")
    assert len(paper.authors) == 25


def test_json_list_skips_bad_records(tmp_path: Path) -> None:
    records = [{"id": "2401.00001", "title": "One", "abstract": "First."}, "not a record", {"id": "x"}]
    path = tmp_path / "list.json"
    path.write_text(json.dumps(records))
    papers, skipped = read_all(path)
    assert [p.id for p in papers] == ["2401.00001"]
    assert [reason.split(":")[0] for reason in skipped] == ["record 2", "record 3 (id 'x')"]


def test_legacy_atom_feed() -> None:
    [paper], skipped = read_all(shared("arxiv_api/arxiv_py_2016_legacy/id_list=1111.2011v2.xml"))
    assert skipped == []
    assert (paper.id, paper.version, paper.published, paper.updated) == (
        "1111.2011",
        2,
        "2011-11-08",
        "2012-04-02",
    )
    assert paper.title == "Quantum Criticality for Extended Nodes on a Bethe Lattice in the Large Connectivity Limit"
    assert (paper.doi, paper.journal_ref) == ("10.1103/PhysRevB.85.115117", "Phys. Rev. B 85, 115117 (2012)")
    assert paper.primary_category == "cond-mat.str-el"
    assert paper.categories == ("cond-mat.str-el", "cond-mat.stat-mech")
    assert paper.authors == ("James M. Murray", "Adrian Del Maestro", "Zlatko Tesanovic")


def test_every_recorded_feed_parses() -> None:
    feeds = sorted(shared("arxiv_api/arxiv_py_2026_recorded/xml").glob("*.xml")) + sorted(LEGACY.glob("*.xml"))
    counts: dict[str, int] = {}
    for feed in feeds:
        if feed.name.startswith("id_abc_"):
            continue
        papers, skipped = read_all(feed)
        assert skipped == [], feed.name
        assert all(p.id and p.title and p.abstract and p.authors and p.published for p in papers), feed.name
        counts[feed.name] = len(papers)

    def count(prefix: str) -> int:
        [(_, found)] = [(name, n) for name, n in counts.items() if name.startswith(prefix)]
        return found

    assert count("id_0000.0000_") == 0
    assert count("id_astro-ph_0601001_") == 1
    assert count("q_testing_s0_m100_") == 100
    assert count("q_testing_s5_m15_") == 15
    assert count("search_query=au_del_maestro.xml") == 10


def test_error_feed_raises_arxiv_error() -> None:
    [feed] = shared("arxiv_api/arxiv_py_2026_recorded/xml").glob("id_abc_*.xml")
    with pytest.raises(ArxivError, match="incorrect id format for abc"):
        parse_atom(feed.read_text())
    with pytest.raises(ArxivError, match="incorrect id format for abc"):
        read_all(feed)


def test_oai_pmh_is_refused_clearly() -> None:
    path = shared("oai_pmh/arxiv_oai_harvester/ListRecords.xml")
    with pytest.raises(SourceError) as caught:
        read_all(path)
    assert caught.value.user_message == "OAI-PMH is not supported yet"


@pytest.mark.parametrize(
    "text",
    [
        "<feed xmlns='http://www.w3.org/2005/Atom'><entry>",
        '<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY a "aaaa">]><feed>&a;</feed>',
        "<rss version='2.0'><channel/></rss>",
    ],
)
def test_bad_xml_raises_source_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "feed.xml"
    path.write_text(text)
    with pytest.raises(SourceError):
        read_all(path)


def test_missing_file_and_unknown_extension_raise_at_call(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as missing:
        read_source(tmp_path / "absent.jsonl")
    assert "does not exist" in missing.value.user_message
    (tmp_path / "papers.csv").write_text("id,title\n")
    with pytest.raises(SourceError) as caught:
        read_source(tmp_path / "papers.csv")
    assert ".jsonl, .json or .xml" in caught.value.user_message


def test_malformed_lines_are_skipped_and_counted(tmp_path: Path) -> None:
    good = {"id": "2401.00001", "title": "Good one", "abstract": "Fine."}
    lines: list[str | bytes] = [
        json.dumps(good),
        '{"id": "2401.00002", "title": "cut off',
        json.dumps({"title": "No id", "abstract": "A."}),
        json.dumps({"id": "2401.00003", "abstract": "No title."}),
        json.dumps({"id": "2401.00004", "title": "No abstract"}),
        json.dumps(["a", "list"]),
        "",
        b'{"id": "2401.00005", "title": "Latin-1 \xe9", "abstract": "x"}',
        "[" * 100_000 + "]" * 100_000,
        json.dumps({"id": "2401.00006", "title": "Bad authors", "abstract": "A.", "authors": {"x": 1}}),
        json.dumps({**good, "id": "hep-th/9901001v3", "title": "Good two"}),
    ]
    papers, skipped = read_all(write_lines(tmp_path / "mixed.jsonl", lines))
    assert [(p.id, p.version) for p in papers] == [("2401.00001", None), ("hep-th/9901001", 3)]
    assert [reason.split(" ")[1].rstrip(":") for reason in skipped] == [
        "2",
        "3",
        "4",
        "5",
        "6",
        "8",
        "9",
        "10",
    ]
    assert "not valid JSON" in skipped[0]
    assert "missing title" in skipped[2]


def test_hostile_text_survives_as_data(tmp_path: Path) -> None:
    huge = "word " * 20_000 + "end"
    record = {
        "id": "2401.00007",
        "title": "<script>alert('x')</script> & <b>bold</b>",
        "abstract": "Start \x1b[31mred\x1b[0m nul\x00 bell\x07 tab\tnew\nline. " + huge,
        "authors": "<img src=x onerror=alert(1)>, Bobby'); DROP TABLE papers;--",
    }
    [paper], skipped = read_all(write_lines(tmp_path / "hostile.jsonl", [json.dumps(record)]))
    assert skipped == []
    assert paper.title == "<script>alert('x')</script> & <b>bold</b>"
    assert paper.abstract.startswith("Start [31mred[0m nul bell tab new line. word word")
    assert paper.abstract.endswith("word end") and len(paper.abstract) > 100_000
    assert paper.authors == ("<img src=x onerror=alert(1)>", "Bobby'); DROP TABLE papers;--")
