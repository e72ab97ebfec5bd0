"""A stand-in for the embedding model whose notion of meaning the tests choose: words → concepts."""

import re

import numpy as np

from search import semantic


class ConceptModel:
    """Embeds a text as the concepts its words name (plus a part every text shares).

    Two texts naming the same concepts come out at cosine 1, sharing half of them at 0.85, unrelated
    ones at 0.5: the real floor (0.82) applies as it does to the real model. Records what it embeds.
    """

    name = semantic.MODEL
    dimension = semantic.DIMENSION

    def __init__(self, concepts: dict[str, int]):
        self.concepts = concepts
        self.embedded: list[str] = []
        self.queried: list[str] = []

    def _vector(self, text: str) -> np.ndarray:
        v = np.zeros(self.dimension, np.float32)
        v[0] = 1.0  # what all texts share
        for word in re.findall(r"\w+", text.lower()):
            concept = self.concepts.get(word)
            if concept is not None:
                v[concept] += 1.0
        if np.count_nonzero(v) > 1:
            v[1:] /= np.linalg.norm(v[1:])
        return v / np.linalg.norm(v)

    def queries(self, texts):
        self.queried.extend(texts)
        return np.vstack([self._vector(t) for t in texts])

    def passages(self, texts):
        self.embedded.extend(texts)
        return np.vstack([self._vector(t) for t in texts])

    def tokens(self, text: str) -> int:
        return max(1, len(text) // 4)  # every test word reads as a word


def use(monkeypatch, model) -> None:
    """Make ``model`` this process's model (for the indexer and the search service alike)."""
    monkeypatch.setattr(semantic, "_shared", model)
    monkeypatch.setattr(semantic, "_failure", None)
