"""The live arXiv client against a real local HTTP server replaying recorded arXiv API answers."""

from __future__ import annotations

import socket
from concurrent.futures import ThreadPoolExecutor
from itertools import pairwise
from pathlib import Path

import pytest

from ingest.arxiv import ArxivClient, query_id
from retrieval.errors import ArxivError, SourceError
from tests.fake_arxiv import FakeArxiv, match_key, read_recordings

RECORDED = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "arxiv_api" / "arxiv_py_2026_recorded"

EMPTY_FEED = (
    "<?xml version='1.0' encoding='UTF-8'?>\n"
    '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">'
    "<opensearch:totalResults>0</opensearch:totalResults></feed>"
)


class RecordedSleep:
    """Stands in for `time.sleep` where a test checks the waits chosen, not the clock."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def make_client(
    fake: FakeArxiv,
    sleep: RecordedSleep | None = None,
    *,
    backoff: float = 2.0,
    max_retries: int = 4,
    timeout: float = 10.0,
) -> ArxivClient:
    """A client of the fake server without spacing: these tests are about answers, not pace."""
    return ArxivClient(
        fake.url,
        min_interval=0.0,
        backoff=backoff,
        max_retries=max_retries,
        timeout=timeout,
        sleep=sleep or RecordedSleep(),
    )


def test_fetch_new_style_id(fake_arxiv: FakeArxiv) -> None:
    with make_client(fake_arxiv) as client:
        [paper] = client.fetch_ids(["1605.08386"])
    assert paper.id == "1605.08386"
    assert paper.version == 1
    assert paper.title == "Heat-bath random walks with Markov bases"
    assert paper.authors == ("Caprice Stanley", "Tobias Windisch")
    assert paper.categories == ("math.CO", "math.ST")
    assert paper.primary_category == "math.CO"
    assert paper.comment == "20 pages, 3 figures"
    assert paper.published == "2016-05-26"
    assert paper.abstract.startswith("Graphs on lattice points are studied")
    assert fake_arxiv.requests[0].params["id_list"] == "1605.08386"


def test_fetch_versioned_id_keeps_the_version_in_the_request(fake_arxiv: FakeArxiv) -> None:
    with make_client(fake_arxiv) as client:
        [paper] = client.fetch_ids(["arXiv:2104.12255v1"])
    assert (paper.id, paper.version) == ("2104.12255", 1)
    assert fake_arxiv.requests[0].params["id_list"] == "2104.12255v1"


@pytest.mark.parametrize(
    ("requested", "expected_id", "category"),
    [
        ("astro-ph/0601001", "astro-ph/0601001", "astro-ph"),
        ("quant-ph/0201082v1", "quant-ph/0201082", "quant-ph"),
    ],
)
def test_fetch_old_style_ids(fake_arxiv: FakeArxiv, requested: str, expected_id: str, category: str) -> None:
    with make_client(fake_arxiv) as client:
        [paper] = client.fetch_ids([requested])
    assert paper.id == expected_id
    assert paper.version == 1
    assert paper.primary_category == category


def test_fetch_two_ids_in_one_request(fake_arxiv: FakeArxiv) -> None:
    # 0808.05394 does not exist (0808 numbers have four digits): arXiv answers with the other one only.
    with make_client(fake_arxiv) as client:
        papers = client.fetch_ids(["0808.05394", "1707.08567"])
    assert [p.id for p in papers] == ["1707.08567"]
    assert papers[0].title.startswith("Proceedings of Workshop AEW10")
    [request] = fake_arxiv.requests
    assert request.params["id_list"] == "0808.05394,1707.08567"


def test_missing_id_gives_no_papers(fake_arxiv: FakeArxiv) -> None:
    with make_client(fake_arxiv) as client:
        assert client.fetch_ids(["0000.0000"]) == []


def test_error_feed_raises_with_arxiv_message_and_no_retry(fake_arxiv: FakeArxiv) -> None:
    with make_client(fake_arxiv) as client, pytest.raises(ArxivError) as caught:
        client.fetch_ids(["abc"])
    assert "incorrect id format for abc" in str(caught.value)
    assert "incorrect id format for abc" in caught.value.user_message
    assert len(fake_arxiv.requests) == 1


def test_ids_are_sent_in_chunks_of_100(fake_arxiv: FakeArxiv) -> None:
    ids = [f"2401.{n:05d}" for n in range(150)]
    for chunk in (ids[:100], ids[100:]):
        fake_arxiv.add_response({"id_list": ",".join(chunk), "max_results": "100"}, 200, EMPTY_FEED)
    with make_client(fake_arxiv) as client:
        assert client.fetch_ids(ids) == []
    assert [len(r.params["id_list"].split(",")) for r in fake_arxiv.requests] == [100, 50]


def test_retries_after_503_then_succeeds(fake_arxiv: FakeArxiv) -> None:
    fake_arxiv.fail_next(2, status=503)
    sleep = RecordedSleep()
    with make_client(fake_arxiv, sleep, backoff=0.5) as client:
        [paper] = client.fetch_ids(["1605.08386"])
    assert paper.id == "1605.08386"
    assert len(fake_arxiv.requests) == 3
    assert sleep.waits == [0.5, 1.0]


def test_retry_after_header_is_honoured(fake_arxiv: FakeArxiv) -> None:
    fake_arxiv.fail_next(1, status=429, retry_after="7")
    sleep = RecordedSleep()
    with make_client(fake_arxiv, sleep, backoff=0.5) as client:
        client.fetch_ids(["1605.08386"])
    assert sleep.waits == [7.0]
    assert len(fake_arxiv.requests) == 2


def test_retries_exhausted_raises(fake_arxiv: FakeArxiv) -> None:
    fake_arxiv.fail_next(10, status=503)
    sleep = RecordedSleep()
    with make_client(fake_arxiv, sleep, max_retries=2) as client, pytest.raises(ArxivError) as caught:
        client.fetch_ids(["1605.08386"])
    assert "could not be reached" in caught.value.user_message
    assert "HTTP 503" in str(caught.value)
    assert len(fake_arxiv.requests) == 3
    assert len(sleep.waits) == 2


def test_timeout_is_retried(fake_arxiv: FakeArxiv) -> None:
    fake_arxiv.delay_next(1, seconds=1.0)
    with make_client(fake_arxiv, timeout=0.2) as client:
        [paper] = client.fetch_ids(["1605.08386"])
    assert paper.id == "1605.08386"
    assert len(fake_arxiv.requests) == 2


def test_connection_refused_is_retried_then_raises() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sleep = RecordedSleep()
    client = ArxivClient(f"http://127.0.0.1:{port}/api/query", min_interval=0, max_retries=3, sleep=sleep)
    with client, pytest.raises(ArxivError, match="ConnectError"):
        client.fetch_ids(["1605.08386"])
    assert sleep.waits == [2.0, 4.0, 8.0]


def test_requests_are_spaced_by_min_interval_across_threads(fake_arxiv: FakeArxiv) -> None:
    ids = ["1605.08386", "2104.12255v1", "1707.08567", "quant-ph/0201082v1"]
    with ArxivClient(fake_arxiv.url, min_interval=0.2) as client, ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda one: client.fetch_ids([one]), ids))
    assert all(len(papers) == 1 for papers in results)
    arrivals = sorted(r.at for r in fake_arxiv.requests)
    assert len(arrivals) == len(ids)
    assert all(later - earlier >= 0.2 for earlier, later in pairwise(arrivals))


def test_search_pages_through_results(fake_arxiv: FakeArxiv) -> None:
    with make_client(fake_arxiv) as client:
        papers = client.fetch_search("testing", max_results=30, page_size=10)
    assert len(papers) == len({p.id for p in papers}) == 30
    assert [(r.params["start"], r.params["max_results"]) for r in fake_arxiv.requests] == [
        ("0", "10"),
        ("10", "10"),
        ("20", "10"),
    ]


def test_search_stops_at_the_total(fake_arxiv: FakeArxiv) -> None:
    fake_arxiv.add_response({"search_query": "nothing", "start": "0", "max_results": "100"}, 200, EMPTY_FEED)
    with make_client(fake_arxiv) as client:
        assert client.fetch_search("nothing", max_results=500) == []
    assert len(fake_arxiv.requests) == 1


def test_fetch_query_category_asks_for_newest_first(fake_arxiv: FakeArxiv) -> None:
    recordings = read_recordings(RECORDED)
    _, recorded = recordings[match_key({"search_query": "testing", "start": "0", "max_results": "10"})]
    fake_arxiv.add_response({"search_query": "cat:cs.CL", "start": "0", "max_results": "10"}, 200, recorded)
    with make_client(fake_arxiv) as client:
        papers = client.fetch_category("cs.CL", max_results=10)
    assert len(papers) == 10
    [request] = fake_arxiv.requests
    assert request.params["search_query"] == "cat:cs.CL"
    assert (request.params["sortBy"], request.params["sortOrder"]) == ("submittedDate", "descending")


def test_fetch_query_ids(fake_arxiv: FakeArxiv) -> None:
    with make_client(fake_arxiv) as client:
        papers = client.fetch_query("arxiv:id:0808.05394, 1707.08567")
    assert [p.id for p in papers] == ["1707.08567"]
    assert fake_arxiv.requests[0].params["id_list"] == "0808.05394,1707.08567"


@pytest.mark.parametrize("source", ["arxiv:bogus", "arxiv:id:", "arxiv:cat:", "arxiv:cat:not a category", "cs.CL"])
def test_fetch_query_rejects_unknown_sources_without_a_request(fake_arxiv: FakeArxiv, source: str) -> None:
    with make_client(fake_arxiv) as client, pytest.raises(SourceError) as caught:
        client.fetch_query(source)
    assert "arxiv:" in caught.value.user_message or "category" in caught.value.user_message
    assert fake_arxiv.requests == []


def test_query_id_normalises_but_keeps_version() -> None:
    assert query_id("https://arxiv.org/abs/2405.08597v3") == "2405.08597v3"
    assert query_id(" Hep-TH/9901001 ") == "hep-th/9901001"
