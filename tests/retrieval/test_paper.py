from __future__ import annotations

import pytest

from retrieval.paper import Paper, find_ids, is_arxiv_id, normalise_id, split_version


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2405.08597", ("2405.08597", None)),
        ("arXiv:2405.08597v2", ("2405.08597", 2)),
        ("ARXIV: 2405.08597", ("2405.08597", None)),
        ("https://arxiv.org/abs/2405.08597v3", ("2405.08597", 3)),
        ("http://arxiv.org/pdf/2405.08597v1.pdf", ("2405.08597", 1)),
        ("arxiv.org/html/2405.08597v2", ("2405.08597", 2)),
        ("hep-th/9901001", ("hep-th/9901001", None)),
        ("quant-ph/0201082v1", ("quant-ph/0201082", 1)),
        ("math.GT/0309136", ("math.GT/0309136", None)),
        ("0704.0001", ("0704.0001", None)),
        ("scifact-123", ("scifact-123", None)),
    ],
)
def test_split_version(raw: str, expected: tuple[str, int | None]) -> None:
    assert split_version(raw) == expected


def test_find_ids_in_free_text_in_order_without_duplicates() -> None:
    text = "Compare arXiv:2405.08597v2 with https://arxiv.org/pdf/2104.12255 and hep-th/9901001 (2405.08597)."
    assert find_ids(text) == ["2405.08597", "2104.12255", "hep-th/9901001"]


@pytest.mark.parametrize(
    "text", ["version 1.2345 of the tool", "call 555.12345.1", "costs 2405.085 dollars", "no id here", ""]
)
def test_find_ids_ignores_numbers_that_are_not_ids(text: str) -> None:
    assert find_ids(text) == []


def test_links_only_for_arxiv_ids() -> None:
    assert Paper("2405.08597", "T", "A").abs_url == "https://arxiv.org/abs/2405.08597"
    assert Paper("scifact-1", "T", "A").abs_url == ""
    assert is_arxiv_id("cs/0011004") and not is_arxiv_id("scifact-1")
    assert normalise_id("https://arxiv.org/abs/cs/0011004v2") == "cs/0011004"
