"""The embedder: a text asked about again is not encoded again."""

from __future__ import annotations

import numpy as np
import pytest

from retrieval.embed import Embedder


def test_a_text_encoded_again_is_taken_from_the_recent_ones(
    embedder: Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "what does the beam search decoding paper find about long prompts"
    calls: list[list[str]] = []
    encode = embedder.encode

    def counted(texts: list[str]) -> np.ndarray:
        calls.append(list(texts))
        return encode(texts)

    monkeypatch.setattr(embedder, "encode", counted)
    first = embedder.encode_one(text)
    again = embedder.encode_one(text)
    assert calls == [[text]]  # encoded once
    assert again is first and not first.flags.writeable  # shared, so nobody may change it
    assert np.allclose(first, encode([text])[0])
