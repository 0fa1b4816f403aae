"""The command-line contract of DESIGN.md, through the installed `paperbot` script in a subprocess."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from retrieval.store import Store
from tests.fake_arxiv import FakeArxiv

PAPERBOT = str(Path(sys.executable).with_name("paperbot"))


def run(args: list[str], stdin: str = "", env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "PAPERBOT_FETCH_MISSING": "0", **(env or {})}
    return subprocess.run([PAPERBOT, *args], input=stdin, capture_output=True, text=True, env=full_env, timeout=600)


def test_ingest_prints_one_summary_line_and_is_idempotent(tmp_path: Path, tiny_rows: list[dict[str, object]]) -> None:
    source = tmp_path / "five.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in tiny_rows[:5]) + "{broken\n", encoding="utf-8")
    home = str(tmp_path / "home")
    first = run(["ingest", "--home", home, str(source)])
    assert first.returncode == 0, first.stderr
    assert first.stdout.count("\n") == 1 and "5 added" in first.stdout and "1 skipped" in first.stdout
    second = run(["ingest", "--home", home, str(source)])
    assert second.returncode == 0 and "0 added" in second.stdout and "5 unchanged" in second.stdout


def test_ingest_of_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    result = run(["ingest", "--home", str(tmp_path / "h"), str(tmp_path / "nope.jsonl")])
    assert result.returncode != 0 and "no such file" in result.stderr and "Traceback" not in result.stderr


def test_ask_json_reads_stdin_lines(tiny_home: Path) -> None:
    questions = ["What is arXiv:2605.30580 about?", "What is 2601.99999 about?", "", "x" * 50_000]
    result = run(["ask", "--home", str(tiny_home), "--json"], "".join(q + "\n" for q in questions))
    assert result.returncode == 0, result.stderr
    objects = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["question"] for o in objects] == questions
    assert objects[0]["paper"] == {"id": "2605.30580", "title": "Speculative Decoding Across Languages"}
    assert objects[1]["paper"] is None and objects[1]["answer"]
    assert all(o["answer"].strip() for o in objects)
    assert all({"id", "title", "score", "passage"} <= set(s) for s in objects[0]["sources"])


def test_search_json_one_row_per_paper(tiny_home: Path) -> None:
    result = run(
        ["search", "--home", str(tiny_home), "--json", "-k", "3"],
        "KV cache of prompts\nspeculative decoding\n",
    )
    assert result.returncode == 0, result.stderr
    objects = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["query"] for o in objects] == ["KV cache of prompts", "speculative decoding"]
    assert objects[0]["results"][0]["id"] == "2605.30574"
    assert objects[1]["results"][0]["id"] == "2605.30580"
    for obj in objects:
        ids = [r["id"] for r in obj["results"]]
        assert len(ids) == len(set(ids)) <= 3


def test_missing_store_is_a_clear_error(tmp_path: Path) -> None:
    result = run(["ask", "--home", str(tmp_path / "empty"), "--json", "hello"])
    assert result.returncode == 1 and "paperbot ingest" in result.stderr and "Traceback" not in result.stderr


def arxiv_env(fake: FakeArxiv) -> dict[str, str]:
    return {"PAPERBOT_ARXIV_API_URL": fake.url, "PAPERBOT_ARXIV_MIN_INTERVAL": "0", "PAPERBOT_FETCH_MISSING": "1"}


def test_live_ingest_by_id_and_a_clear_error_for_a_bad_id(tmp_path: Path, fake_arxiv: FakeArxiv) -> None:
    home = str(tmp_path / "home")
    result = run(["ingest", "--home", home, "arxiv:id:1605.08386"], env=arxiv_env(fake_arxiv))
    assert result.returncode == 0 and "1 added" in result.stdout, result.stderr
    bad = run(["ingest", "--home", home, "arxiv:id:abc"], env=arxiv_env(fake_arxiv))
    assert bad.returncode == 1 and "incorrect id format for abc" in bad.stderr and "Traceback" not in bad.stderr


def test_ask_looks_up_an_id_the_store_lacks(tiny_home: Path, fake_arxiv: FakeArxiv) -> None:
    questions = "What is 1605.08386 about?\nWhat is 0000.0000 about?\n"
    result = run(["ask", "--home", str(tiny_home), "--json"], questions, env=arxiv_env(fake_arxiv))
    found, missing = (json.loads(line) for line in result.stdout.splitlines())
    assert found["paper"] is None and "Heat-bath random walks with Markov bases" in found["answer"]
    assert missing["paper"] is None and "don't have arXiv:0000.0000" in missing["answer"]


def test_a_store_without_papers_is_a_clear_error(tmp_path: Path, fake_arxiv: FakeArxiv) -> None:
    home = str(tmp_path / "home")
    run(["ingest", "--home", home, "arxiv:id:0000.0000"], env=arxiv_env(fake_arxiv))  # arXiv has no such paper
    result = run(["ask", "--home", home, "what is 2605.30580 about?"])
    assert result.returncode == 1 and "No papers have been ingested yet" in result.stderr


def test_an_ingest_killed_while_embedding_is_finished_by_the_next(
    tmp_path: Path, tiny_rows: list[dict[str, object]]
) -> None:
    source = tmp_path / "tiny.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in tiny_rows), encoding="utf-8")
    home = str(tmp_path / "home")
    env = {**os.environ, "PAPERBOT_BATCH_SIZE": "4"}
    with subprocess.Popen(
        [PAPERBOT, "ingest", "--home", home, str(source)], stderr=subprocess.PIPE, text=True, env=env
    ) as ingest:
        assert ingest.stderr is not None
        seen = ""
        while "embedding passages" not in seen:  # progress bars end in \r, not \n: read characters
            char = ingest.stderr.read(1)
            assert char, f"ingest ended before embedding: {seen[-300:]}"
            seen += char
        ingest.kill()  # the papers are committed by now, their vectors not yet saved
    assert ingest.returncode == -signal.SIGKILL
    again = run(["ingest", "--home", home, str(source)])
    assert again.returncode == 0 and f"0 added, 0 updated, {len(tiny_rows)} unchanged" in again.stdout
    embedded = int(again.stdout.split(" passages embedded")[0].rsplit(" ", 1)[-1])
    assert embedded > 0
    store = Store.open_readonly(Path(home))
    assert store.index().ntotal == store.count_passages()


def test_ask_writes_with_a_model_when_one_is_configured(tiny_home: Path) -> None:
    from tests.fake_llm import FakeLLM

    questions = "What method does 2605.30580 use?\nWhat is 2605.30580 about?\n"
    with FakeLLM() as fake:
        env = {
            "PAPERBOT_LLM_URL": fake.url,
            "PAPERBOT_LLM_MODEL": "fake-model",
            "PAPERBOT_LLM_API_KEY": "sk-cli-secret",
        }
        result = run(["ask", "--home", str(tiny_home), "--json"], questions, env)
        assert len(fake.requests) == 2 and fake.requests[0].headers["authorization"] == "Bearer sk-cli-secret"
    assert result.returncode == 0, result.stderr
    objects = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["generated_by"] for o in objects] == ["fake-model", "fake-model"]
    assert all("[1]" in o["answer"] and "revolutionise" not in o["answer"] for o in objects)
    assert "sk-cli-secret" not in result.stderr + result.stdout
    plain = run(["ask", "--home", str(tiny_home), "--json"], questions)  # no model configured: extractive
    assert all(json.loads(line)["generated_by"] is None for line in plain.stdout.splitlines())
