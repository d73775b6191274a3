"""Spans seen as one category per token, for the statistics that need units to categorise.

Kappa and nominal alpha compare categories of the same units, but annotators mark spans of
any extent. Each token (:func:`redline.tokens.tokenize`) of a compared document is made a
unit; its category is the label of the span covering it (the first by start, then the
longest) or :data:`OUTSIDE`. Cohen's, Fleiss' and Krippendorff's statistics all read the
same categories from here, so they disagree only where their formulas do.

A span may start or end inside a token ("Hun Sen" of "Sen."). :func:`token_units` cuts each
document's tokens at every span edge any compared record puts inside one (as
:func:`redline.tokens.split_tokens` does), the same units for every annotator of the
document: "Hun Sen" against "Hun Sen." is then a disagreement on the unit ".", not a perfect
agreement on "Sen.", and the full stop nobody marked is one more unit both left outside.

Over a batch (:mod:`redline.metrics.columns`) the units and their categories are arrays: a
report counts categories of millions of tokens in a handful of numpy operations.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

from redline.metrics.columns import Batch, BoolArray, IntArray, Side, lexical_order
from redline.schema.records import Annotation, Span
from redline.token_cache import TokenCache

OUTSIDE = "O"
"""The category of a token no span covers."""

Tokenizer = Callable[[str], Sequence[tuple[int, int]] | IntArray]
"""A text's tokens as (start, end) character offsets (pairs, or an n x 2 array)."""

Units = tuple[IntArray, IntArray, IntArray]
"""Tokens of a batch's documents on its continuum: (document, start, end), in text order."""

Places = tuple[npt.NDArray[np.int32], npt.NDArray[np.int32], npt.NDArray[np.int32]]
"""Token counts by position on a batch's continuum (:func:`_token_places`)."""


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


def batch_tokens(batch: Batch, tokenizer: Tokenizer) -> Units:
    """Every document's tokens, tokenizing each text once per batch and tokenizer (a
    :class:`~redline.token_cache.TokenCache` looks the whole batch up at once)."""
    found = batch.memo.get(tokenizer)
    if found is None:
        if isinstance(tokenizer, TokenCache) and batch.digests:
            lengths = np.diff(batch.starts).tolist()
            sizes, pairs = tokenizer.joined(batch.texts, batch.digests, lengths)
        else:
            pieces = [
                np.asarray(tokenizer(text), dtype=np.int64).reshape(-1, 2) for text in batch.texts
            ]
            sizes = np.asarray([len(p) for p in pieces], dtype=np.int64)
            pairs = np.concatenate(pieces) if pieces else np.zeros((0, 2), dtype=np.int64)
        doc = np.repeat(np.arange(len(sizes), dtype=np.int64), sizes)
        offset = batch.starts[doc]
        found = batch.memo[tokenizer] = (doc, pairs[:, 0] + offset, pairs[:, 1] + offset)
    return found


def _token_places(batch: Batch, tokenizer: Tokenizer) -> Places:
    """Per position c of the batch's continuum: how many tokens start before c, start at or
    before c, and end at or before c (once per batch). What a binary search of the token
    starts or ends would answer for a span edge is then one look-up."""
    key = (_token_places, tokenizer)
    found = batch.memo.get(key)
    if found is None:
        _, start, end = batch_tokens(batch, tokenizer)
        size = int(batch.starts[-1]) + 2
        found = batch.memo[key] = (
            _counts_upto(start + 1, size),
            _counts_upto(start, size),
            _counts_upto(end, size),
        )
    return found


def _counts_upto(values: IntArray, size: int) -> npt.NDArray[np.int32]:
    """Per position c below ``size``: how many of ``values`` (sorted) are c or less."""
    steps = np.diff(values, prepend=0, append=size)
    return np.repeat(np.arange(len(values) + 1, dtype=np.int32), steps)


def _cuts_inside(batch: Batch, side: Side, tokenizer: Tokenizer) -> IntArray:
    """The side's span edges that fall strictly inside a token, sorted (once per side; a
    side with documents taken out has its whole side's, but for those documents)."""
    found = side.memo.get(tokenizer)
    if found is None and side.taken_from is not None:
        whole, taken = side.taken_from
        cuts = _cuts_inside(batch, whole, tokenizer)
        found = side.memo[tokenizer] = cuts[
            ~taken[np.searchsorted(batch.starts, cuts, "right") - 1]
        ]
    if found is None:
        _, start, end = batch_tokens(batch, tokenizer)
        _, starts_upto, _ = _token_places(batch, tokenizer)
        inside = []
        if len(start):
            for edge in (side.spans.start, side.spans.end):
                token = np.maximum(starts_upto[edge] - 1, 0)
                inside.append(edge[(start[token] < edge) & (edge < end[token])])
        found = side.memo[tokenizer] = np.unique(np.concatenate(inside or [np.zeros(0, np.int64)]))
    return found


def token_units(
    batch: Batch, sides: Sequence[Side], docs: BoolArray, tokenizer: Tokenizer
) -> Units:
    """The units of kappa and alpha over the documents ``docs``: their tokens, cut at every
    span edge that one of ``sides`` puts strictly inside a token."""
    doc, start, end = batch_tokens(batch, tokenizer)
    keep = docs[doc]
    doc, start, end = doc[keep], start[keep], end[keep]
    cuts = np.unique(np.concatenate([_cuts_inside(batch, side, tokenizer) for side in sides]))
    cuts = cuts[docs[np.searchsorted(batch.starts, cuts, side="right") - 1]]
    if not len(cuts):
        return doc, start, end
    # Each cut ends one piece of its token and starts the next: few, so inserted, not sorted.
    token = np.searchsorted(start, cuts, side="right") - 1
    return (
        np.insert(doc, token + 1, doc[token]),
        np.insert(start, token + 1, cuts),
        np.insert(end, token, cuts),
    )


def unit_codes(
    batch: Batch, sides: Sequence[Side], docs: BoolArray, tokenizer: Tokenizer
) -> tuple[Units, list[IntArray]]:
    """The units of ``docs`` (:func:`token_units`) and each side's categories of them
    (:func:`token_codes`). Where no span of the batch's records puts an edge inside a token
    (nearly always), the units are the batch's tokens themselves: each annotator's codes of
    them are then worked out once for every pair and statistic, and picked for ``docs``."""
    every_side = [*batch.sides.values(), *sides]
    if any(len(_cuts_inside(batch, side, tokenizer)) for side in every_side):
        units = token_units(batch, sides, docs, tokenizer)
        return units, [token_codes(batch, side, units) for side in sides]
    doc, start, end = batch_tokens(batch, tokenizer)
    keep = docs[doc]
    units = (doc[keep], start[keep], end[keep])
    return units, [_batch_codes(batch, side, tokenizer)[keep] for side in sides]


def _batch_codes(batch: Batch, side: Side, tokenizer: Tokenizer) -> IntArray:
    """The side's code of every token of the batch (once per side). A side with some
    documents taken out (:meth:`Side.without`) has its whole side's codes, but none there."""
    key = (_batch_codes, tokenizer)
    found = side.memo.get(key)
    if found is None:
        if side.taken_from is not None:
            whole, taken = side.taken_from
            doc = batch_tokens(batch, tokenizer)[0]
            found = np.where(taken[doc], 0, _batch_codes(batch, whole, tokenizer))
        else:
            places = _token_places(batch, tokenizer)
            found = token_codes(batch, side, batch_tokens(batch, tokenizer), places)
        side.memo[key] = found
    return found


def token_codes(
    batch: Batch,
    side: Side,
    units: Units,
    places: Places | None = None,
) -> IntArray:
    """The category of each unit as a code: 0 for :data:`OUTSIDE`, else the label's code in
    ``batch.labels`` plus one. A unit takes the label of the first span (by start, then the
    longest, then the label's name) that shares a character with it, as :func:`token_labels`."""
    _, start, end = units
    codes = np.zeros(len(start), dtype=np.int64)
    spans = side.spans
    if not len(spans) or not len(start):
        return codes
    if places is None:
        first = np.searchsorted(end, spans.start, side="right")
        stop = np.searchsorted(start, spans.end, side="left")
    else:  # the units are the batch's tokens, looked up by position (_token_places)
        starts_before, _, ends_upto = places
        first = ends_upto[spans.start].astype(np.int64)
        stop = starts_before[spans.end].astype(np.int64)
    sizes = np.maximum(stop - first, 0)
    # by start, then the longest, then the label's name
    longest = int(spans.end.max()) - spans.end
    priority = lexical_order([spans.start, longest, batch.labels.ranks()[spans.label]])
    first, stop, sizes = first[priority], stop[priority], sizes[priority]
    labels = spans.label[priority] + 1
    covered = np.repeat(first, sizes) + (
        np.arange(int(sizes.sum())) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    )
    filled = sizes > 0
    if not np.any(first[filled][1:] < stop[filled][:-1]):  # no unit under two spans
        codes[covered] = np.repeat(labels, sizes)
        return codes
    best = np.full(len(start), len(spans), dtype=np.int64)
    np.minimum.at(best, covered, np.repeat(np.arange(len(spans)), sizes))
    hit = best < len(spans)
    codes[hit] = labels[best[hit]]
    return codes
