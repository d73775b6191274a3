"""Token boundaries: spans start and end on spaCy tokens, and the UI's cursor moves by token."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from functools import lru_cache

import spacy
from spacy.attrs import IDX, IS_SPACE, LENGTH
from spacy.language import Language


@lru_cache(maxsize=4)
def blank(lang: str = "en") -> Language:
    """spaCy's blank pipeline for ``lang``, made once per process: its tokenizer and vocab
    are what every format and the token cursor cut texts with."""
    return spacy.blank(lang)


def tokenize(text: str, lang: str = "en") -> list[tuple[int, int]]:
    """(start, end) character offsets of each token, as spaCy's tokenizer for ``lang`` cuts
    them (the stock English pipelines use the same rules, so suggestions line up)."""
    doc = blank(lang).make_doc(text)
    # Read the offsets as one array: far faster than making a Token object per token.
    rows = doc.to_array([IDX, LENGTH, IS_SPACE]).tolist() if len(doc) else []
    return [(start, start + length) for start, length, space in rows if not space]


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
