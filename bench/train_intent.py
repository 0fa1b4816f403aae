#!/usr/bin/env python3
"""Train retrieval/intent_weights.npz: which facet a question asks when no wording rule names it, or when the
model is sure enough to overrule the rule that does (retrieval/library.py, OVERRULED).

    .venv/bin/python bench/train_intent.py --home DIR [--leave-out SETS] [--no-asked] [--epochs N] [--out FILE]

DIR must hold the 2026-06 month: each labelled question loses the words that name its paper (an id, a
title, a name), as `paperbot ask` does before it looks at the wording. Training data, all our own:
- the labelled 2026-06 question sets A-C, E-Z and ZA-ZN (D is kept out for measuring, ZO-ZQ are blind);
- bench/intents_*.jsonl: phrasings of the eight facets that name no paper;
- bench/asked_2026-06_*.jsonl: 1,600 questions about 200 other 2026-06 papers, each labelled only with its facet
  and paper, written by four helpers in four personas (a PhD student skimming, an engineer deciding whether to
  adopt, a skeptical reviewer, a non-native speaker chatting); they name their papers as users do.
The model (retrieval/intent.py): MiniLM with rank-RANK adapters on every linear layer of its blocks, mean-pooled,
then a linear layer onto the eight facets, trained with cross-entropy by AdamW for EPOCHS passes (seeded, so a run
reproduces the file); MiniLM's own weights stay as shipped. About 6 minutes on two cores for the ~10,600 questions.
With --leave-out the left-out sets are not trained on and are scored afterwards with the written file, as
`paperbot ask` reads it: the facet by the wording rules alone, the rules then the model where no rule matches,
the model alone, and as asked (the model also overrules a rule when sure).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from train_facets import SETS  # noqa: E402  # the labelled sets both models train on, named once

from retrieval.compose import FACET_WORDS  # noqa: E402
from retrieval.facets import detect_facet  # noqa: E402
from retrieval.intent import WEIGHTS, IntentModel, adapted_layers, load_encoder, pooled  # noqa: E402
from retrieval.library import OVERRULED, leave_out  # noqa: E402
from retrieval.resolve import resolve  # noqa: E402
from retrieval.store import Store  # noqa: E402

FACETS = tuple(FACET_WORDS)
PHRASINGS = sorted((ROOT / "bench").glob("intents_*.jsonl"))
ASKED = sorted((ROOT / "bench").glob("asked_2026-06_*.jsonl"))
RANK = 8  # of each adapter: 332k numbers in all, against MiniLM's 22.7M
EPOCHS = 3
BATCH = 32
ADAPTER_RATE = 1e-3  # AdamW's peak learning rate for the adapters and the output layer (warm-up 10%, then linear decay)
SCALE = 5.0  # the output layer reads a unit vector: its logits are scaled up by this
SEED = 0


def load(path: Path, store: Store | None) -> tuple[list[str], list[int]]:
    """The questions of `path` asking one of FACETS (minus what names their paper), and their facet indices."""
    questions, labels = [], []
    for item in map(json.loads, path.open(encoding="utf-8")):
        if item["facet"] not in FACETS:
            continue
        text = item["question"]
        questions.append(leave_out(text, resolve(store, text).mentions) if store is not None else text)
        labels.append(FACETS.index(item["facet"]))
    return questions, labels


def fit(examples: list[tuple[str, int]], epochs: int) -> dict[str, np.ndarray]:
    """The adapters and output layer trained on (question, facet index) pairs, as the weights file holds them."""
    import torch

    torch.manual_seed(SEED)
    order = random.Random(SEED)
    encoder, tokenizer = load_encoder()
    for parameter in encoder.parameters():
        parameter.requires_grad_(False)
    adapters = {}
    for name, layer in list(adapted_layers(encoder)):
        low = torch.nn.Parameter(torch.randn(RANK, layer.in_features) / layer.in_features**0.5)
        high = torch.nn.Parameter(torch.zeros(layer.out_features, RANK))  # starts as MiniLM itself
        layer.register_forward_hook(lambda _m, args, out, low=low, high=high: out + (args[0] @ low.T) @ high.T)
        adapters[name] = low, high
    head = torch.nn.Linear(encoder.config.hidden_size, len(FACETS))
    trained = [p for pair in adapters.values() for p in pair] + list(head.parameters())
    optimizer = torch.optim.AdamW(trained, lr=ADAPTER_RATE, weight_decay=0.01)
    steps = epochs * -(-len(examples) // BATCH)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: min(1.0, s / (0.1 * steps)) * (1 - s / steps))
    # MiniLM stays in eval mode, dropout off: so it was measured (ZL-ZN left out, 2026-11-30).
    examples = list(examples)
    for epoch in range(epochs):
        order.shuffle(examples)
        total = 0.0
        for start in range(0, len(examples), BATCH):
            batch = examples[start : start + BATCH]
            logits = head(pooled(encoder, tokenizer, [q for q, _ in batch])) * SCALE
            loss = torch.nn.functional.cross_entropy(logits, torch.tensor([label for _, label in batch]))
            optimizer.zero_grad()
            loss.backward()  # type: ignore[no-untyped-call]
            optimizer.step()
            schedule.step()
            total += loss.item() * len(batch)
        print(f"epoch {epoch + 1}/{epochs}: loss {total / len(examples):.3f}", flush=True)
    arrays = {
        f"{name}.{part}": p.detach().numpy().astype(np.float16)
        for name, pair in adapters.items()
        for part, p in zip("ab", pair, strict=True)
    }
    arrays["weight"] = (head.weight.detach().numpy() * SCALE).astype(np.float32)
    arrays["bias"] = (head.bias.detach().numpy() * SCALE).astype(np.float32)
    arrays["facets"] = np.array(FACETS)
    return arrays


def score(name: str, model: IntentModel, questions: list[str], labels: list[int]) -> str:
    """How often the facet of `questions` is right: by the rules, the rules then the model, the model, as asked."""
    wanted = [FACETS[label] for label in labels]
    guesses = [next(iter(model.probabilities(q).items())) for q in questions]
    rules = [detect_facet(q) for q in questions]
    rule_only = [r if r in FACETS else "about" for r in rules]
    combined = [r or g for r, (g, _) in zip(rules, guesses, strict=True)]
    shipped = [
        g if r == "" or (r in OVERRULED and p >= OVERRULED[r]) else r for r, (g, p) in zip(rules, guesses, strict=True)
    ]

    def right(facets: list[str]) -> str:
        return f"{np.mean([f == w for f, w in zip(facets, wanted, strict=True)]):.1%}"

    alone = [g for g, _ in guesses]
    return (f"{name}: {len(labels)} questions; rules {right(rule_only)}, rules then model {right(combined)}, "
            f"model alone {right(alone)}, as asked (overruled when sure) {right(shipped)}")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", required=True, help="a store holding the 2026-06 month")
    parser.add_argument("--leave-out", default="", help="sets not to train on, e.g. F,G or ZA, to measure on them")
    parser.add_argument("--out", help=f"where to write the weights (default {WEIGHTS.name}; required with --leave-out)")
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--no-asked", action="store_true", help="leave bench/asked_* out, to measure what they add")
    args = parser.parse_args()
    left = set(re.findall(r"Z[A-Z]|[A-Z]", args.leave_out.upper()))  # "FG", "F,G", "ZA" (one set)
    if left and not args.out:
        parser.error("--leave-out needs --out: the shipped weights are trained on every set")
    out = Path(args.out or WEIGHTS)
    store = Store.open_readonly(Path(args.home))
    data = {name: load(path, store) for name, path in SETS.items()}
    extra = [load(path, None) for path in PHRASINGS] + [load(path, store) for path in ([] if args.no_asked else ASKED)]
    rows = [v for k, v in data.items() if k not in left] + extra  # phrasings and asked questions: never left out
    examples = [pair for questions, labels in rows for pair in zip(questions, labels, strict=True)]
    arrays: dict[str, Any] = fit(examples, args.epochs)
    np.savez_compressed(out, **arrays)
    print(f"{len(examples)} questions -> {out}")
    if left:  # measured on what it was not trained on, together, with the file as `paperbot ask` reads it
        kept = [v for k, v in data.items() if k in left]
        print(
            score(
                f"left out {','.join(sorted(left))}",
                IntentModel(out),
                [q for v in kept for q in v[0]],
                [label for v in kept for label in v[1]],
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
