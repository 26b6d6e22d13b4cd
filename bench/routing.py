"""Routing classifier benchmark (prints figures; never passes or fails).

    .venv/bin/python bench/routing.py --train ../shared/data/appeals-routing/train.csv
    .venv/bin/python bench/routing.py --train A.csv --test B.csv
    .venv/bin/python bench/routing.py --train A.csv --scale 100000   # training time at scale
    .venv/bin/python bench/routing.py --train A.csv --repeats 6      # 6 shuffles of the folds
    .venv/bin/python bench/routing.py --train A.csv --folds 20 --repeats 2   # train on 95 %

CSV columns: id, user, subject, submitted_at, detail, label. Without --test: stratified
5-fold cross-validation (split seed 0; --repeats N adds seeds 1…N-1 and reports the figures
over all N×5 folds, since one split moves accuracy by about a point; --folds K trains each
model on (K-1)/K of the file, closer to a model trained on all of it). The last line is
`accuracy=… macro_f1=… top3=…`."""

import argparse
import csv
import os
import random
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one CPU core, as the target says
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sklearn.model_selection import StratifiedKFold

from longcheng.routing.classifier import evaluate, top_k, train


def load(path):
    with open(path, encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    return [(r["subject"], r["detail"]) for r in rows], [r["label"] for r in rows]


def latency(model, pairs, runs=300):
    times = []
    for pair in (pairs * (runs // len(pairs) + 1))[:runs]:
        started = time.perf_counter()
        top_k(model, [pair])
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[int(0.99 * (len(times) - 1))]


def scaled(pairs, labels, size, seed=7):
    """Synthetic volume for the training-time figure: messages recombined within a class."""
    rng = random.Random(seed)
    by_label = {}
    for pair, label in zip(pairs, labels, strict=True):
        by_label.setdefault(label, []).append(pair)
    out_pairs, out_labels = [], []
    keys = sorted(by_label)
    for i in range(size):
        label = keys[i % len(keys)]
        a, b = rng.choice(by_label[label]), rng.choice(by_label[label])
        out_pairs.append((a[0], a[1][: len(a[1]) // 2] + b[1][len(b[1]) // 2 :]))
        out_labels.append(label)
    return out_pairs, out_labels


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--train", required=True)
    parser.add_argument("--test")
    parser.add_argument("--scale", type=int, help="also time training on N synthetic messages")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=1, help="shuffles of the folds")
    args = parser.parse_args()
    pairs, labels = load(args.train)
    print(f"training file: {len(pairs)} messages, {len(set(labels))} classes")
    if args.test:
        test_pairs, test_labels = load(args.test)
        started = time.perf_counter()
        model = train(pairs, labels)
        train_seconds = time.perf_counter() - started
        result = evaluate(test_labels, top_k(model, test_pairs))
    else:
        ranked, truth = [], []
        train_seconds = 0.0
        for seed in range(args.repeats):
            folds = StratifiedKFold(n_splits=args.folds, shuffle=True, random_state=seed)
            start = len(truth)
            for train_index, test_index in folds.split(pairs, labels):
                started = time.perf_counter()
                model = train([pairs[i] for i in train_index], [labels[i] for i in train_index])
                train_seconds += time.perf_counter() - started
                ranked += top_k(model, [pairs[i] for i in test_index])
                truth += [labels[i] for i in test_index]
            if args.repeats > 1:
                one = evaluate(truth[start:], ranked[start:])
                print(f"  split seed {seed}: accuracy={one.accuracy:.4f} top3={one.top3:.4f}")
        train_seconds /= args.folds * args.repeats
        result = evaluate(truth, ranked)
        test_pairs = pairs
    p50, p99 = latency(model, test_pairs)
    print(f"training time: {train_seconds:.1f} s per model")
    print(f"single-message inference: p50={p50:.2f} ms p99={p99:.2f} ms")
    for label, figures in result.per_class.items():
        print(
            f"  {label}: precision={figures['precision']:.3f} recall={figures['recall']:.3f}"
            f" n={figures['support']}"
        )
    if args.scale:
        big_pairs, big_labels = scaled(pairs, labels, args.scale)
        started = time.perf_counter()
        train(big_pairs, big_labels)
        print(f"training on {args.scale:,} messages: {time.perf_counter() - started:.1f} s")
    print(f"accuracy={result.accuracy:.4f} macro_f1={result.macro_f1:.4f} top3={result.top3:.4f}")


if __name__ == "__main__":
    main()
