#!/usr/bin/env python3
"""Train the sentence-role tagger (retrieval/roles.py) on CSAbstruct and write retrieval/roles_weights.npz.

Data: ../shared/data/csabstruct/{train,dev,test}.jsonl. Trains on train, picks the configuration and the
epoch on dev, and only reports test (nothing is chosen on it). Besides the tagger it fits the baseline
(logistic regression on the MiniLM sentence vector + position features, L2 picked on dev, Viterbi
smoothing with label-transition frequencies from train) and prints both, per split, side by side. The
tagger's numbers come from the written weights through `RoleTagger.tag`, i.e. the very code path that
`paperbot classify` runs; only the MiniLM encoder is replaced by the cached vectors of the same text.

Run from the project root:

    .venv/bin/python bench/train_roles.py [--data ../shared/data/csabstruct] [--cache /tmp/paperbot-roles]

Time on 2 CPU cores: encoding the 14.7k sentences and their openings with MiniLM takes ~10 min the first
time (vectors are cached under --cache, never in the repo); the grid of 8 taggers (~15 s each) and the
baseline then take ~2.5 min. Deterministic: fixed seeds, single-threaded torch, deterministic algorithms.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from dataclasses import dataclass, replace
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from retrieval.roles import (  # noqa: E402
    LABELS,
    POSITION_FEATURES,
    WEIGHTS,
    RoleTagger,
    opening,
    position_features,
    tokenize,
    viterbi,
)

DIM = 384  # one MiniLM vector; the tagger reads two per sentence (sentence, opening)
Scores = tuple[float, list[float]]  # macro-F1, F1 per label


@dataclass(frozen=True)
class Split:
    abstracts: list[list[str]]
    labels: list[list[int]]
    confidences: list[list[float]]  # annotator agreement per sentence (CSAbstruct `confs`)
    vectors: list[np.ndarray]  # per abstract [sentences, 2 * DIM]: sentence vector, opening vector


@dataclass(frozen=True)
class Config:
    token_dim: int = 16
    project: int = 64
    hidden: int = 48
    dropout: float = 0.4
    lr: float = 2e-3
    weight_decay: float = 1e-4
    epochs: int = 16
    batch: int = 16
    confidence_power: float = 1.0  # each abstract's loss is weighted by its mean annotator agreement ** this
    seed: int = 13


# Picked on dev. Wider layers (token_dim 48, project 128, hidden 64-96) scored the same on dev and took 3x the space.
GRID: list[dict[str, Any]] = [
    {},
    {"dropout": 0.3},
    {"dropout": 0.5},
    {"lr": 5e-4, "epochs": 30},
    *({"seed": seed} for seed in range(14, 18)),
]


def load_split(data: Path, name: str, cache: Path) -> Split:
    rows = [json.loads(line) for line in (data / f"{name}.jsonl").read_text(encoding="utf-8").splitlines() if line]
    abstracts = [list(row["sentences"]) for row in rows]
    labels = [[LABELS.index(label) for label in row["labels"]] for row in rows]
    confidences = [[float(c) for c in row.get("confs", [1.0] * len(row["labels"]))] for row in rows]
    flat = [sentence for abstract in abstracts for sentence in abstract]
    sentence_vectors = encode_cached(flat, name, cache)
    opening_vectors = encode_cached([opening(sentence) for sentence in flat], f"{name}-openings", cache)
    vectors = np.concatenate([sentence_vectors, opening_vectors], axis=1)
    bounds = np.cumsum([0] + [len(abstract) for abstract in abstracts])
    return Split(abstracts, labels, confidences, [vectors[a:b] for a, b in pairwise(bounds)])


def encode_cached(texts: list[str], name: str, cache: Path) -> np.ndarray:
    """MiniLM vectors of `texts`, read from (or written to) a cache file named by their hash."""
    key = hashlib.sha1("\n".join(texts).encode()).hexdigest()[:12]
    path = cache / f"{name}-{key}.npy"
    if path.exists():
        cached: np.ndarray = np.load(path)
        return cached
    from retrieval.embed import Embedder

    started = time.time()
    vectors = Embedder().encode(texts)
    print(f"encoded {name}: {len(texts)} texts in {time.time() - started:.0f}s", file=sys.stderr)
    cache.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors)
    return vectors


def macro_f1(gold: list[list[int]], predicted: list[list[int]]) -> Scores:
    y = np.array([label for labels in gold for label in labels])
    p = np.array([label for labels in predicted for label in labels])
    scores = []
    for label in range(len(LABELS)):
        tp, fp, fn = (np.sum((p == label) & (y == label)), np.sum(p == label), np.sum(y == label))
        scores.append(float(2 * tp / (fp + fn)) if tp else 0.0)  # 2tp / (predicted + gold)
    return float(np.mean(scores)), scores


def build_vocabulary(split: Split, min_count: int = 3, size: int = 4000) -> list[str]:
    """Tokens seen in at least `min_count` train sentences, most frequent first."""
    counts: dict[str, int] = {}
    for abstract in split.abstracts:
        for sentence in abstract:
            for token in set(tokenize(sentence)):
                counts[token] = counts.get(token, 0) + 1
    frequent = sorted((token for token, count in counts.items() if count >= min_count), key=lambda t: (-counts[t], t))
    return frequent[:size]


# ---------------------------------------------------------------- baseline: LR + position + Viterbi


def baseline(train: Split, dev: Split, test: Split) -> dict[str, Scores]:
    """Logistic regression on [sentence vector, position], L2 picked on dev, then Viterbi decoding.

    Viterbi runs on log P(label | sentence) - log P(label) (a scaled likelihood, as in hybrid HMMs)
    with log P(next label | label) and log P(first label) counted on train.
    """
    x, y = baseline_features(train), torch.tensor([label for labels in train.labels for label in labels])
    prior = np.log(np.bincount(y.numpy(), minlength=len(LABELS)) / len(y)).astype(np.float32)
    statistics = (*label_statistics(train), prior)
    fits = [(l2, fit_logistic(x, y, l2)) for l2 in (1e-5, 1e-4, 1e-3)]
    l2, model = max(fits, key=lambda fit: macro_f1(dev.labels, decode_baseline(fit[1], dev, *statistics))[0])
    print(f"baseline: L2 {l2} picked on dev", file=sys.stderr)
    return {
        name: macro_f1(split.labels, decode_baseline(model, split, *statistics)) for name, split in splits(dev, test)
    }


def baseline_features(split: Split) -> torch.Tensor:
    rows = [np.concatenate([v[:, :DIM], position_features(len(v))], axis=1) for v in split.vectors]
    return torch.from_numpy(np.concatenate(rows))


def fit_logistic(x: torch.Tensor, y: torch.Tensor, l2: float) -> nn.Linear:
    torch.manual_seed(0)
    model = nn.Linear(x.shape[1], len(LABELS))
    optimizer = torch.optim.LBFGS(model.parameters(), max_iter=500, line_search_fn="strong_wolfe")

    def closure() -> torch.Tensor:
        optimizer.zero_grad()
        loss = nn.functional.cross_entropy(model(x), y) + l2 * model.weight.pow(2).sum()
        loss.backward()  # type: ignore[no-untyped-call]
        return loss

    optimizer.step(closure)  # type: ignore[no-untyped-call]
    return model


def label_statistics(train: Split) -> tuple[np.ndarray, np.ndarray]:
    """Log P(next label | label) and log P(first label) on train, add-one smoothed."""
    k = len(LABELS)
    bigrams, first = np.ones((k, k)), np.ones(k)
    for labels in train.labels:
        first[labels[0]] += 1
        for a, b in pairwise(labels):
            bigrams[a, b] += 1
    transitions = np.log(bigrams / bigrams.sum(axis=1, keepdims=True)).astype(np.float32)
    return transitions, np.log(first / first.sum()).astype(np.float32)


def decode_baseline(
    model: nn.Linear, split: Split, transitions: np.ndarray, first: np.ndarray, prior: np.ndarray
) -> list[list[int]]:
    with torch.no_grad():
        scaled = torch.log_softmax(model(baseline_features(split)), dim=1).numpy() - prior
    bounds = np.cumsum([0] + [len(labels) for labels in split.labels])
    end = np.zeros(len(LABELS), dtype=np.float32)
    return [viterbi(scaled[a:b], transitions, first, end) for a, b in pairwise(bounds)]


# ---------------------------------------------------------------- the tagger: BiGRU + CRF


class RoleNet(nn.Module):
    """Training twin of RoleTagger.emissions (same layers, same order) plus the CRF parameters."""

    def __init__(self, vocabulary: int, config: Config) -> None:
        super().__init__()
        self.token_embedding = nn.EmbeddingBag(vocabulary, config.token_dim, mode="mean")
        self.project = nn.Linear(2 * DIM + config.token_dim + POSITION_FEATURES, config.project)
        self.gru = nn.GRU(config.project, config.hidden, batch_first=True, bidirectional=True)
        self.output = nn.Linear(config.project + 2 * config.hidden, len(LABELS))
        self.dropout = nn.Dropout(config.dropout)
        self.transitions = nn.Parameter(torch.zeros(len(LABELS), len(LABELS)))
        self.start = nn.Parameter(torch.zeros(len(LABELS)))
        self.end = nn.Parameter(torch.zeros(len(LABELS)))

    def forward(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        """Label scores [abstracts, steps, labels], padded after each abstract's last sentence."""
        bags = self.token_embedding(batch["tokens"], batch["offsets"])
        flat = torch.cat([self.dropout(batch["vectors"]), self.dropout(bags), batch["positions"]], dim=1)
        projected = self.dropout(torch.relu(self.project(flat)))
        lengths = batch["lengths"]
        padded = nn.utils.rnn.pad_sequence(list(torch.split(projected, lengths.tolist())), batch_first=True)
        packed = nn.utils.rnn.pack_padded_sequence(padded, lengths, batch_first=True, enforce_sorted=False)
        context, _ = self.gru(packed)
        context, _ = nn.utils.rnn.pad_packed_sequence(context, batch_first=True, total_length=padded.shape[1])
        scores: torch.Tensor = self.output(self.dropout(torch.cat([padded, context], dim=2)))
        return scores

    def crf_loss(self, emissions: torch.Tensor, labels: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Negative log-likelihood of each gold label sequence under the linear-chain CRF, per abstract."""
        gold = self.start[labels[:, 0]] + emissions[:, 0].gather(1, labels[:, :1]).squeeze(1)
        norm = self.start + emissions[:, 0]
        for t in range(1, emissions.shape[1]):
            on = mask[:, t]
            emitted = emissions[:, t].gather(1, labels[:, t : t + 1]).squeeze(1)
            gold = gold + (self.transitions[labels[:, t - 1], labels[:, t]] + emitted) * on
            moved = torch.logsumexp(norm[:, :, None] + self.transitions + emissions[:, t, None, :], dim=1)
            norm = torch.where(on[:, None] > 0, moved, norm)
        last = labels.gather(1, (mask.sum(1).long() - 1)[:, None]).squeeze(1)
        return torch.logsumexp(norm + self.end, dim=1) - gold - self.end[last]


def make_batch(split: Split, indices: list[int], vocabulary: dict[str, int]) -> dict[str, torch.Tensor]:
    tokens: list[int] = []
    offsets: list[int] = []
    for i in indices:
        for sentence in split.abstracts[i]:
            offsets.append(len(tokens))
            tokens.extend(vocabulary[t] for t in tokenize(sentence) if t in vocabulary)
    lengths = [len(split.abstracts[i]) for i in indices]
    labels = nn.utils.rnn.pad_sequence([torch.tensor(split.labels[i]) for i in indices], batch_first=True)
    return {
        "tokens": torch.tensor(tokens, dtype=torch.long),
        "offsets": torch.tensor(offsets, dtype=torch.long),
        "vectors": torch.from_numpy(np.concatenate([split.vectors[i] for i in indices])),
        "positions": torch.from_numpy(np.concatenate([position_features(n) for n in lengths])),
        "lengths": torch.tensor(lengths),
        "labels": labels,
        "confidence": torch.tensor([float(np.mean(split.confidences[i])) for i in indices]),
        "mask": (torch.arange(labels.shape[1])[None, :] < torch.tensor(lengths)[:, None]).float(),
    }


def train_tagger(train: Split, dev: Split, vocabulary: list[str], config: Config) -> tuple[float, int, RoleNet]:
    """Train for config.epochs; return the best dev macro-F1, its epoch, and the model as it was then."""
    torch.manual_seed(config.seed)
    rng = np.random.default_rng(config.seed)
    index = {token: i for i, token in enumerate(vocabulary)}
    model, best_model = RoleNet(len(vocabulary), config), RoleNet(len(vocabulary), config)
    optimizer = torch.optim.AdamW(model.parameters(), lr=config.lr, weight_decay=config.weight_decay)
    best_score, best_epoch = -1.0, 0
    dev_batch = make_batch(dev, list(range(len(dev.abstracts))), index)
    for epoch in range(1, config.epochs + 1):
        model.train()
        order = rng.permutation(len(train.abstracts))
        for start in range(0, len(order), config.batch):
            batch = make_batch(train, [int(i) for i in order[start : start + config.batch]], index)
            losses = model.crf_loss(model(batch), batch["labels"], batch["mask"])
            loss = (losses * batch["confidence"] ** config.confidence_power).sum() / batch["mask"].sum()
            optimizer.zero_grad()
            loss.backward()  # type: ignore[no-untyped-call]
            optimizer.step()
        score = evaluate(model, dev, dev_batch)
        if score > best_score:
            best_score, best_epoch = score, epoch
            best_model.load_state_dict(model.state_dict())
    return best_score, best_epoch, best_model


def evaluate(model: RoleNet, split: Split, batch: dict[str, torch.Tensor]) -> float:
    model.eval()
    with torch.no_grad():
        emissions = model(batch).numpy()
        crf = [parameter.numpy() for parameter in (model.transitions, model.start, model.end)]
    return macro_f1(split.labels, [viterbi(emissions[i, : len(gold)], *crf) for i, gold in enumerate(split.labels)])[0]


def export(model: RoleNet, vocabulary: list[str]) -> dict[str, np.ndarray]:
    """The weights under the names RoleTagger reads, as float16 (the vocabulary as a string array)."""
    p = {name: value.detach().numpy() for name, value in model.named_parameters()}
    arrays = {
        "token_embedding": p["token_embedding.weight"],
        "project_w": p["project.weight"],
        "project_b": p["project.bias"],
        "output_w": p["output.weight"],
        "output_b": p["output.bias"],
        "transitions": p["transitions"],
        "start": p["start"],
        "end": p["end"],
    }
    for direction, suffix in (("forward", ""), ("backward", "_reverse")):
        for kind, name in (("weight", "w"), ("bias", "b")):
            for part in ("ih", "hh"):
                arrays[f"{direction}_{name}_{part}"] = p[f"gru.{kind}_{part}_l0{suffix}"]
    stored = {name: value.astype(np.float16) for name, value in arrays.items()}
    stored["vocabulary"] = np.array(vocabulary)
    return stored


# ---------------------------------------------------------------- main


def splits(dev: Split, test: Split) -> tuple[tuple[str, Split], ...]:
    return (("dev", dev), ("test", test))


def tag_split(tagger: RoleTagger, split: Split) -> Scores:
    """Tag through RoleTagger.tag; the cached vectors of the same texts stand in for the encoder."""
    flat = np.concatenate(split.vectors)
    stand_in = np.concatenate([flat[:, :DIM], flat[:, DIM:]])  # sentences first, then their openings

    def encode(texts: list[str]) -> np.ndarray:
        assert len(texts) == len(stand_in)
        return stand_in

    predicted = tagger.tag(split.abstracts, encode)
    return macro_f1(split.labels, [[LABELS.index(label) for label in labels] for labels in predicted])


def report(name: str, scores: dict[str, Scores]) -> None:
    for split, (macro, per_class) in scores.items():
        classes = "  ".join(f"{label} {f1:.3f}" for label, f1 in zip(LABELS, per_class, strict=True))
        print(f"{name:<27} {split:<4} macro-F1 {macro:.4f}   {classes}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "csabstruct")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/paperbot-roles"))
    parser.add_argument("--out", type=Path, default=WEIGHTS)
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    train, dev, test = (load_split(args.data, name, args.cache) for name in ("train", "dev", "test"))
    vocabulary = build_vocabulary(train)
    runs = []
    for change in GRID:
        started = time.time()
        score, epoch, model = train_tagger(train, dev, vocabulary, replace(Config(), **change))
        print(
            f"dev {score:.4f} at epoch {epoch:>2} ({time.time() - started:.0f}s)  {change or 'default'}",
            file=sys.stderr,
        )
        runs.append((score, epoch, change, model))
    score, epoch, change, model = max(runs, key=lambda run: run[0])
    np.savez_compressed(args.out, **export(model, vocabulary))  # type: ignore[arg-type]
    print(f"picked {change or 'default'} at epoch {epoch} (dev {score:.4f}); wrote {args.out.name}, "
          f"{args.out.stat().st_size / 1024:.0f} KiB")  # fmt: skip
    tagger = RoleTagger(args.out)
    report("tagger (BiGRU+CRF)", {name: tag_split(tagger, split) for name, split in splits(dev, test)})
    report("baseline (LR+pos+Viterbi)", baseline(train, dev, test))


if __name__ == "__main__":
    main()
