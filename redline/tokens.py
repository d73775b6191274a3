"""Token boundaries: where spaCy cuts a text, which the UI's cursor moves by.

A span keeps character offsets and may start or end inside a token ("Hun Sen" of the one
token "Sen."): what needs tokens cuts them at the span's edges (:func:`split_tokens`).
"""

from __future__ import annotations

import sys
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    from spacy.language import Language

NO_LENGTH_LIMIT = sys.maxsize
"""``max_length`` of the blank pipeline. spaCy's limit of 1,000,000 characters protects the
parser and NER, whose memory grows with the text; a tokenizer alone is linear in the text,
so a long article must not fail in the formats, the UI or the metrics for a limit that is
not theirs."""


@lru_cache(maxsize=4)
def blank(lang: str = "en") -> Language:
    """spaCy's blank pipeline for ``lang``, made once per process: its tokenizer and vocab
    are what every format and the token cursor cut texts with. It has no length limit
    (:data:`NO_LENGTH_LIMIT`): nothing in it but the tokenizer ever runs.

    spaCy is imported here, when tokens are first needed: that takes a second, which
    ``annotate`` spends with the first document's text already on screen."""
    import spacy

    nlp = spacy.blank(lang)
    nlp.max_length = NO_LENGTH_LIMIT
    return nlp


def token_array(text: str, lang: str = "en") -> npt.NDArray[np.int64]:
    """(start, end) character offsets of each token as an n x 2 array, as spaCy's tokenizer
    for ``lang`` cuts them (the stock English pipelines use the same rules, so suggestions
    line up). Read as one array: far faster than making a Token object per token."""
    import numpy as np
    from spacy.attrs import IDX, IS_SPACE, LENGTH

    doc = blank(lang).make_doc(text)
    if not len(doc):
        return np.zeros((0, 2), dtype=np.int64)
    rows: npt.NDArray[np.int64] = doc.to_array([IDX, LENGTH, IS_SPACE]).astype(np.int64)
    rows = rows[rows[:, 2] == 0]
    rows[:, 1] += rows[:, 0]
    return rows[:, :2]


def tokenize(text: str, lang: str = "en") -> list[tuple[int, int]]:
    """:func:`token_array` as (start, end) pairs, for the cursor and the formats."""
    return [(start, end) for start, end in token_array(text, lang).tolist()]


class TokenIndex:
    """Maps between character offsets and token indices of one text."""

    def __init__(self, tokens: Sequence[tuple[int, int]]) -> None:
        self.tokens = list(tokens)
        self.starts = [s for s, _ in self.tokens]
        self.ends = [e for _, e in self.tokens]
        self._start_set = set(self.starts)
        self._end_set = set(self.ends)

    def __len__(self) -> int:
        return len(self.tokens)

    def token_at(self, char: int) -> int:
        """The token containing ``char``, or the nearest one before it."""
        return max(0, bisect_right(self.starts, char) - 1)

    def span_tokens(self, start: int, end: int) -> tuple[int, int]:
        """Token range [first, last + 1) covering the characters [start, end)."""
        first = self.token_at(start)
        last = max(first, bisect_left(self.starts, end) - 1)
        return first, last + 1

    def chars(self, first: int, stop: int) -> tuple[int, int]:
        """Character range of the tokens [first, stop)."""
        return self.starts[first], self.ends[stop - 1]

    def is_aligned(self, start: int, end: int) -> bool:
        return start in self._start_set and end in self._end_set


def split_tokens(tokens: Sequence[tuple[int, int]], cuts: Iterable[int]) -> list[tuple[int, int]]:
    """``tokens`` (in text order) cut at each offset of ``cuts`` that falls strictly inside
    one: "Sen." cut after "Sen" is "Sen", ".". Every format that needs tokens and every token
    statistic cuts here, so all of them see a span that ends inside a token as the same
    units. Cuts are looked up token by token, since nearly all of them fall on an edge."""
    starts = [start for start, _ in tokens]
    inside: dict[int, list[int]] = {}
    for cut in sorted(set(cuts)):
        i = bisect_right(starts, cut) - 1
        if i >= 0 and starts[i] < cut < tokens[i][1]:
            inside.setdefault(i, []).append(cut)
    if not inside:
        return list(tokens)
    refined: list[tuple[int, int]] = []
    for i, (start, end) in enumerate(tokens):
        for cut in inside.get(i, ()):
            refined.append((start, cut))
            start = cut
        refined.append((start, end))
    return refined


class Extent(Protocol):
    """Anything with character offsets [start, end): a span (this module knows no schema)."""

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...


def span_edges(spans: Iterable[Extent]) -> set[int]:
    """The offsets :func:`split_tokens` must cut at for each of ``spans`` to be whole tokens."""
    return {edge for s in spans for edge in (s.start, s.end)}


def loose_edge(text: str, start: int, end: int) -> bool:
    """Whether [start, end) begins or ends with whitespace. Such a span is no entity of
    anyone's, and no format can put its edge on a token, so it is refused where records
    come in (a span merely inside a token is fine)."""
    return text[start : start + 1].isspace() or text[end - 1 : end].isspace()
