"""Spans seen as one category per token, for the statistics that need units to categorise.

Kappa and nominal alpha compare categories of the same units, but annotators mark spans of
any extent. Each token (:func:`redline.tokens.tokenize`) of a compared document is made a
unit; its category is the label of the span covering it (the first by start, then the
longest) or :data:`OUTSIDE`. Cohen's, Fleiss' and Krippendorff's statistics all read the
same categories from here, so they disagree only where their formulas do.

A span may start or end inside a token ("Hun Sen" of "Sen."). :class:`TokenCoder` cuts each
text's tokens at every span edge any compared record puts inside one
(:func:`redline.tokens.split_tokens`), the same units for every annotator of the text: "Hun
Sen" against "Hun Sen." is then a disagreement on the unit ".", not a perfect agreement on
"Sen.", and the full stop nobody marked is one more unit both left outside.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence

import numpy as np
import numpy.typing as npt

from redline.schema.records import Annotation, Span
from redline.tokens import span_edges, split_tokens

OUTSIDE = "O"
"""The category of a token no span covers."""

Tokenizer = Callable[[str], Sequence[tuple[int, int]]]
"""A text's tokens as (start, end) character offsets."""

Codes = npt.NDArray[np.int64]


def _span_order(record: Annotation) -> list[Span]:
    """Spans in reverse priority: written in this order, the first span by (start, longest)
    is written last and wins each token it shares."""
    return sorted(record.spans, key=lambda s: (s.start, -s.end, s.label), reverse=True)


def token_labels(record: Annotation, tokens: Sequence[tuple[int, int]]) -> list[str]:
    """The category of each token: the label of the first span (by start, then the longest)
    that shares a character with it, or ``"O"``."""
    labels = [OUTSIDE] * len(tokens)
    starts = [s for s, _ in tokens]
    ends = [e for _, e in tokens]
    for span in _span_order(record):
        first = bisect_right(ends, span.start)
        stop = bisect_left(starts, span.end)
        labels[first:stop] = [span.label] * (stop - first)
    return labels


class TokenCoder:
    """Token categories as integer codes (0 is "O"), tokenizing each text once.

    The same categories as :func:`token_labels`, as arrays: counting agreement over
    millions of tokens is then a handful of numpy operations. ``codes`` maps each category
    met so far to its code.
    """

    def __init__(self, tokenizer: Tokenizer, compared: Iterable[Annotation] = ()) -> None:
        """``compared``: every record the codes will be asked of, whose span edges cut the
        tokens of its text (known before the first text is coded, so all its coders share
        the units)."""
        self.tokenizer = tokenizer
        self.tokens: dict[str, tuple[Codes, Codes]] = {}
        self.codes: dict[str, int] = {OUTSIDE: 0}
        self.cuts: dict[str, set[int]] = {}
        for record in compared:
            self.cuts.setdefault(record.text_sha1, set()).update(span_edges(record.spans))

    def size(self, record: Annotation) -> int:
        """The number of tokens of the record's text."""
        return len(self._tokens(record)[0])

    def _tokens(self, record: Annotation) -> tuple[Codes, Codes]:
        found = self.tokens.get(record.text_sha1)
        if found is None:
            tokens = split_tokens(self.tokenizer(record.text), self.cuts.get(record.text_sha1, ()))
            pairs = np.asarray(tokens, dtype=np.int64).reshape(-1, 2)
            found = self.tokens[record.text_sha1] = (pairs[:, 0].copy(), pairs[:, 1].copy())
        return found

    def __call__(self, record: Annotation) -> Codes:
        starts, ends = self._tokens(record)
        codes = np.zeros(len(starts), dtype=np.int64)
        spans = _span_order(record)
        if spans:
            firsts = np.searchsorted(ends, [s.start for s in spans], side="right")
            stops = np.searchsorted(starts, [s.end for s in spans], side="left")
            for span, first, stop in zip(spans, firsts, stops, strict=True):
                codes[first:stop] = self.codes.setdefault(span.label, len(self.codes))
        return codes
