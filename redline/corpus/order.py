"""The order an annotator meets a corpus's documents in (``annotate --order``).

``corpus`` is the corpus's own order. ``random`` shuffles it with a seed (the same seed, the
same order, on any machine). ``uncertain`` puts the documents not yet saved first, the one
the model is least sure of first (:mod:`redline.suggest.uncertainty`), then the saved ones
in corpus order; ties keep corpus order, so it is deterministic too. Every order is a
permutation of the whole corpus: k of N, resuming and jumping to an id work as before.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Sequence
from typing import Literal, get_args

from redline.corpus.index import CorpusIndex
from redline.schema.records import Document

DocumentOrder = Literal["corpus", "uncertain", "random"]
ORDERS: tuple[str, ...] = get_args(DocumentOrder)


class OrderedIndex:
    """A complete corpus index seen through a permutation of its positions (or, for an
    annotator routed part of the corpus, through some of them)."""

    complete = True

    def __init__(
        self, index: CorpusIndex, positions: Sequence[int], *, subset: bool = False
    ) -> None:
        self.base = index.finish()
        everything = list(range(len(self.base.doc_ids)))
        if subset:
            if len(set(positions)) != len(positions) or not set(positions) <= set(everything):
                raise ValueError("a part of a corpus is some of its positions, each once")
        elif sorted(positions) != everything:
            raise ValueError("an order must be a permutation of the corpus's positions")
        self._positions = list(positions)
        self.doc_ids = [self.base.doc_ids[p] for p in self._positions]
        self._where = {doc_id: n for n, doc_id in enumerate(self.doc_ids)}

    def __len__(self) -> int:
        return len(self.doc_ids)

    def has(self, position: int) -> bool:
        return 0 <= position < len(self.doc_ids)

    def iter_ids(self) -> Iterator[str]:
        return iter(self.doc_ids)

    def position(self, doc_id: str) -> int | None:
        return self._where.get(doc_id)

    def document(self, position: int) -> Document:
        if not self.has(position):
            raise IndexError(position)
        return self.base.document(self._positions[position])

    def finish(self) -> OrderedIndex:
        return self

    def only(self, doc_ids: set[str]) -> OrderedIndex:
        """This order, with only the documents ``doc_ids`` (a routed annotator's)."""
        kept = [
            p for p, doc_id in zip(self._positions, self.doc_ids, strict=True) if doc_id in doc_ids
        ]
        return OrderedIndex(self.base, kept, subset=True)


def random_order(count: int, seed: int) -> list[int]:
    positions = list(range(count))
    random.Random(seed).shuffle(positions)
    return positions


def uncertain_order(
    saved: Sequence[bool],
    uncertainty: Callable[[list[int]], Sequence[float]],
) -> list[int]:
    """Unsaved positions by falling uncertainty (ties: corpus order), then saved ones.

    ``uncertainty`` scores a list of positions (only the unsaved are scored: the model's
    time goes where it can still help)."""
    unsaved = [p for p, done in enumerate(saved) if not done]
    scores = list(uncertainty(unsaved))
    ranked = sorted(zip(unsaved, scores, strict=True), key=lambda item: (-item[1], item[0]))
    return [p for p, _ in ranked] + [p for p, done in enumerate(saved) if done]
