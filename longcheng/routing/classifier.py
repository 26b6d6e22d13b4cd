"""The text classifier: character n-grams and jieba words, separately for the subject and the
detail, into a linear SVM. Character n-grams need no dictionary and survive typos; jieba words
carry the vocabulary. Nothing is downloaded: jieba's dictionary ships in the package."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import jieba
import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    f1_score,
    precision_recall_fscore_support,
)
from sklearn.pipeline import FeatureUnion, Pipeline, make_pipeline
from sklearn.svm import LinearSVC

jieba.setLogLevel(logging.WARNING)

# Pseudonymised place names ("A市", "A3区") and similar tokens carry no meaning.
_PLACEHOLDER = re.compile(r"[A-Z]\d*[市区县]|[A-Z]\d+")


# The opening of a message carries its subject matter; very long letters are cut here so that
# one long letter costs no more than a normal one (latency p99, training time).
MAX_CHARS = 1000


def clean(text: str) -> str:
    return _PLACEHOLDER.sub("", (text or "")[:MAX_CHARS])


def words(text: str) -> list[str]:
    # Without the HMM pass for unknown words jieba is about twice as fast; the character
    # n-grams already cover words the dictionary lacks.
    return [w for w in jieba.lcut(text, HMM=False) if w.strip()]


class Field(BaseEstimator, TransformerMixin):
    """Picks the subject (0) or the detail (1) of (subject, detail) pairs."""

    def __init__(self, index: int = 0):
        self.index = index

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        return [clean(pair[self.index]) for pair in X]


def build_pipeline(n_jobs: int = 2) -> Pipeline:
    def chars(index, max_df=1.0):
        return make_pipeline(
            Field(index),
            TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, max_df=max_df),
        )

    def tokens(index, max_df=1.0):
        return make_pipeline(
            Field(index),
            TfidfVectorizer(tokenizer=words, token_pattern=None, sublinear_tf=True, max_df=max_df),
        )

    # Two jobs: the detail's words and characters (the slow parts) are counted side by side.
    features = FeatureUnion(
        [
            ("detail_words", tokens(1, 0.5)),
            ("detail_chars", chars(1, 0.5)),
            ("subject_chars", chars(0)),
            ("subject_words", tokens(0)),
        ],
        n_jobs=n_jobs,
    )
    return Pipeline(
        [("features", features), ("svm", LinearSVC(C=0.5, tol=1e-3, class_weight="balanced"))]
    )


def train(pairs: list[tuple[str, str]], labels: list[str]) -> Pipeline:
    model = build_pipeline().fit(pairs, labels)
    # Predicting one message in parallel workers would cost more than it saves.
    model.set_params(features__n_jobs=None)
    return model


def confidences(scores: np.ndarray) -> np.ndarray:
    """SVM margins to a 0–1 confidence per class (softmax over margins): for ranking and for
    the 'unsure' threshold, not a calibrated probability."""
    scaled = scores * 3.0
    scaled -= scaled.max(axis=1, keepdims=True)
    exp = np.exp(scaled)
    return exp / exp.sum(axis=1, keepdims=True)


Ranked = list[list[tuple[str, float]]]


def top_k(model: Pipeline, pairs: list[tuple[str, str]], k: int = 3) -> Ranked:
    scores = model.decision_function(pairs)
    if scores.ndim == 1:  # two classes
        scores = np.column_stack([-scores, scores])
    probs = confidences(scores)
    order = np.argsort(-probs, axis=1)[:, :k]
    labels = model.classes_
    return [[(str(labels[j]), float(probs[i, j])) for j in row] for i, row in enumerate(order)]


@dataclass
class Evaluation:
    accuracy: float
    macro_f1: float
    top3: float
    labels: list[str]
    per_class: dict
    confusion: list[list[int]]

    def as_dict(self) -> dict:
        return {
            "accuracy": self.accuracy,
            "macro_f1": self.macro_f1,
            "top3": self.top3,
            "labels": self.labels,
            "per_class": self.per_class,
            "confusion": self.confusion,
        }


def evaluate(y_true, ranked: Ranked) -> Evaluation:
    predicted = [r[0][0] for r in ranked]
    labels = sorted(set(y_true) | set(predicted))
    precision, recall, f1, support = precision_recall_fscore_support(
        y_true, predicted, labels=labels, zero_division=0
    )
    return Evaluation(
        accuracy=float(accuracy_score(y_true, predicted)),
        macro_f1=float(f1_score(y_true, predicted, average="macro", zero_division=0)),
        top3=float(
            np.mean([t in {c for c, _p in r[:3]} for t, r in zip(y_true, ranked, strict=True)])
        ),
        labels=labels,
        per_class={
            label: {"precision": float(p), "recall": float(r), "f1": float(f), "support": int(s)}
            for label, p, r, f, s in zip(labels, precision, recall, f1, support, strict=True)
        },
        confusion=confusion_matrix(y_true, predicted, labels=labels).tolist(),
    )
