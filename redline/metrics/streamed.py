"""Every agreement statistic of a dataset, read and counted a batch of documents at a time.

The report takes each annotator's current versions a thousand documents at a time in doc-id
order, from the columns kept in the cache folder (:mod:`redline.metrics.saved_columns`) or
as plain JSON (the store validated them when it wrote them), lays each batch out as arrays
(:mod:`redline.metrics.columns`) and adds its counts to one tally per statistic. What stays
in memory between batches is integer sums, a row per document for ``--per-doc`` and each
document's answer codes: not the records.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import ExitStack
from dataclasses import dataclass, field
from functools import partial
from itertools import combinations
from typing import Any

import numpy as np
import numpy.typing as npt

from redline.errors import InputError
from redline.metrics.alpha import AlphaTally
from redline.metrics.answer_policy import AnswerPolicy
from redline.metrics.answers import accepted_sides
from redline.metrics.batch_builder import BatchBuilder, collector_paused
from redline.metrics.columns import Batch, Labels, Side, found_in, row_keys
from redline.metrics.compared import done_counts
from redline.metrics.f1 import (
    Counts,
    Match,
    PairF1,
    batch_label_confusion,
    batch_relation_f1,
    batch_span_f1,
)
from redline.metrics.kappa import CohenTally, FleissTally
from redline.metrics.saved_columns import SavedColumns
from redline.metrics.unitizing import UnitizingTally
from redline.store import AnnotatorLog, DatasetStore
from redline.token_cache import shared_token_cache

Pair = tuple[str, str]

BATCH_DOCUMENTS = 1000
"""Documents read and counted at a time: big enough that numpy's per-call cost vanishes,
small enough that a batch of long articles stays a few tens of MB."""

SPAN_F1: dict[str, tuple[Match, bool]] = {
    "exact": ("exact", True),
    "overlap": ("overlap", True),
    "unlabelled": ("exact", False),
    "unlabelled_overlap": ("overlap", False),
}
"""The report's span F1 variants: (match, labelled)."""


@dataclass
class PairTally:
    """One pair of annotators' statistics, added up over batches."""

    spans: dict[str, PairF1] = field(
        default_factory=lambda: {variant: PairF1(Counts()) for variant in SPAN_F1}
    )
    relations: PairF1 = field(default_factory=lambda: PairF1(Counts()))
    kappa: CohenTally = field(default_factory=CohenTally)
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    answered: int = 0


@dataclass
class DatasetTally:
    """Every statistic of the report, fed one batch at a time."""

    names: list[str]
    policy: AnswerPolicy
    lang: str
    labels: Labels = field(default_factory=Labels)
    relation_labels: Labels = field(default_factory=Labels)
    pairs: dict[Pair, PairTally] = field(default_factory=dict)
    fleiss: FleissTally = field(init=False)
    alpha: AlphaTally = field(default_factory=AlphaTally)
    unitizing: UnitizingTally = field(default_factory=UnitizingTally)
    answered_all: int = 0
    answered_some: int = 0
    documents: int = 0
    left_out: int = 0
    answer_codes: list[npt.NDArray[np.int8]] = field(default_factory=list)
    """Per batch, each document's answer codes by annotator (sorted by name)."""
    per_doc: list[tuple[str, float | None, int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.tokens = shared_token_cache(self.lang)
        self.fleiss = FleissTally(len(self.names))
        self.pairs = {pair: PairTally() for pair in combinations(self.names, 2)}

    def add(self, batch: Batch) -> None:
        sides = {name: batch.sides[name] for name in self.names}
        done = done_counts(sides.values())
        some, answered_some = accepted_sides(sides, self.policy)
        self.documents += int(np.count_nonzero(done >= 2)) - answered_some
        self.left_out += int(np.count_nonzero(done < 2))
        self.answered_some += answered_some
        for (a, b), tally in self.pairs.items():
            both, answered = accepted_sides({a: sides[a], b: sides[b]}, self.policy)
            x, y = both[a], both[b]
            tally.answered += answered
            for variant, (match, labelled) in SPAN_F1.items():
                tally.spans[variant] += batch_span_f1(batch, x, y, match, labelled)
            tally.relations = tally.relations + batch_relation_f1(batch, x, y)
            tally.kappa.add(batch, x, y, self.tokens)
            tally.confusion.update(batch_label_confusion(batch, x, y))
        everyone, answered_all = accepted_sides(sides, self.policy, needed=len(self.names))
        self.answered_all += answered_all
        self.fleiss.add(batch, list(everyone.values()), self.tokens)
        self.alpha.add(batch, list(some.values()), self.tokens)
        self.unitizing.add(batch, list(some.values()))
        self.answer_codes.append(
            np.stack([sides[name].answer for name in sorted(self.names)], axis=1).astype(np.int8)
        )
        self.per_doc += _per_document(batch, some)

    def absorb(self, later: DatasetTally) -> None:
        """Add the counts of the documents after these (counted by another process)."""
        for name in later.labels.names:
            self.labels.code(name)
        for name in later.relation_labels.names:
            self.relation_labels.code(name)
        for pair, counted in later.pairs.items():
            mine = self.pairs[pair]
            for variant in SPAN_F1:
                mine.spans[variant] += counted.spans[variant]
            mine.relations += counted.relations
            mine.kappa.absorb(counted.kappa)
            mine.confusion.update(counted.confusion)
            mine.answered += counted.answered
        self.fleiss.absorb(later.fleiss)
        self.alpha.absorb(later.alpha)
        self.unitizing.absorb(later.unitizing)
        self.answered_all += later.answered_all
        self.answered_some += later.answered_some
        self.documents += later.documents
        self.left_out += later.left_out
        self.answer_codes += later.answer_codes
        self.per_doc += later.per_doc


def _per_document(batch: Batch, sides: dict[str, Side]) -> list[tuple[str, float | None, int]]:
    """Mean pairwise exact span F1 per document done by two or more (2|A∩B| / (|A|+|B|)
    over the sets of (start, end, label))."""
    done = done_counts(sides.values())
    total = np.zeros(len(batch), dtype=np.float64)
    scored = np.zeros(len(batch), dtype=np.int64)
    for a, b in combinations(sorted(sides), 2):
        x, y = sides[a], sides[b]
        both = x.done & y.done
        sa, sb = x.spans.of_docs(both), y.spans.of_docs(both)
        keys = row_keys(
            [np.concatenate([p, q]) for p, q in
             ((sa.start, sb.start), (sa.end - sa.start, sb.end - sb.start), (sa.label, sb.label))]
        )  # fmt: skip
        keys_a, first_a = np.unique(keys[: len(sa)], return_index=True)
        keys_b, first_b = np.unique(keys[len(sa) :], return_index=True)
        common, _ = found_in(keys_b, keys_a)
        common_doc = sa.doc[first_a[common]]
        sizes = np.bincount(sa.doc[first_a], minlength=len(batch)) + np.bincount(
            sb.doc[first_b], minlength=len(batch)
        )
        shared = np.bincount(common_doc, minlength=len(batch))
        counted = both & (sizes > 0)
        total[counted] += 2 * shared[counted] / sizes[counted]
        scored[counted] += 1
    rows = []
    for position in np.flatnonzero(done >= 2).tolist():
        mean = float(total[position] / scored[position]) if scored[position] else None
        rows.append((batch.doc_ids[position], mean, int(done[position])))
    return rows


PARALLEL_FROM = 4 * BATCH_DOCUMENTS
"""Documents from which a second process pays for its start (~0.3 s: Python and numpy;
spaCy too, ~1 s, for texts whose tokens are not cached yet)."""


def count_dataset(
    dataset: DatasetStore,
    names: Sequence[str],
    tally: DatasetTally,
    labels: Sequence[str] | None,
    problems: list[InputError],
    on_progress: Callable[[int, int], None] | None = None,
    processes: int | None = None,
    batch: int = BATCH_DOCUMENTS,
    on_layout: Callable[[str, int, int], None] | None = None,
) -> None:
    """Feed ``tally`` every document any of ``names`` did. ``processes``: 1, or 2 to share
    the batches with a second process (None: 2 for a big dataset on a machine with two cores
    or more); ``batch``: documents counted at a time; ``on_layout(annotator, records laid
    out, records to lay out)`` while an annotator's columns are laid out (a first report).
    The counts are integers added up in document order, so the report is the same whatever
    the processes and batches, to the last digit."""
    with ExitStack() as stack:
        logs: dict[str, AnnotatorLog] = {n: stack.enter_context(dataset.open(n)) for n in names}
        for log in logs.values():
            note_problems(problems, log)
        doc_ids = sorted({d for log in logs.values() for d in log.doc_ids()})
        chunks = [doc_ids[start : start + batch] for start in range(0, len(doc_ids), batch)]
        if processes is None:
            processes = 2 if len(doc_ids) >= PARALLEL_FROM and (os.cpu_count() or 1) >= 2 else 1
        if processes < 2:
            saved = _saved_columns(logs, stack, lay_out=True, on_layout=on_layout)
            told = (lambda done: on_progress(done, len(doc_ids))) if on_progress else None
            _count(logs, saved, chunks, tally, labels, told)
            return
        spawn = multiprocessing.get_context("spawn")
        claims = spawn.Array("q", [0, len(chunks)])
        pool = ProcessPoolExecutor(1, spawn, _hold_claims, (claims,))
        try:
            later = pool.submit(
                _count_part, dataset, list(names), tally.policy, tally.lang, labels, chunks
            )
            # laid out while the second process starts: it reads JSON until they are there
            saved = _saved_columns(logs, stack, lay_out=True, on_layout=on_layout)
            mine = _claimed(claims, chunks, from_front=True)
            told = _told_of_claims(on_progress, claims, len(chunks), batch, len(doc_ids))
            _count(logs, saved, mine, tally, labels, told)
            try:
                tally.absorb(later.result())
            except BrokenProcessPool:
                # The second process could not start or died (no room for a process, a
                # script without a main guard): its batches are counted here instead.
                # An error of the counting itself (different texts) is raised as it is.
                _count(logs, saved, chunks[claims[1] :], tally, labels)
        finally:
            # Its counts are in: the process is left to end by itself (~0.1 s of tearing
            # down), not waited for.
            pool.shutdown(wait=False, cancel_futures=True)
        if on_progress is not None:
            on_progress(len(doc_ids), len(doc_ids))


Claims = Any
"""The batches not yet taken, [first, last) as a shared array of two (the lock its own)."""

_CLAIMS: Claims = None
"""The second process's view of the claims (given to it when it starts)."""


def _hold_claims(claims: Claims) -> None:
    global _CLAIMS
    _CLAIMS = claims


def _claimed(claims: Claims, chunks: list[list[str]], from_front: bool) -> Iterator[list[str]]:
    """The batches this process takes, one at a time, until none is left: the opening process
    takes them from the front, the second from the back, so that both finish together
    (whenever the second one starts) and each counts one unbroken run of documents."""
    while True:
        with claims.get_lock():
            first, last = claims[0], claims[1]
            if first >= last:
                return
            if from_front:
                taken, claims[0] = first, first + 1
            else:
                taken = claims[1] = last - 1
        yield chunks[taken]


def _told_of_claims(
    on_progress: Callable[[int, int], None] | None,
    claims: Claims,
    batches: int,
    batch: int,
    total: int,
) -> Callable[[int], None] | None:
    """Progress as the batches either process took (the second one's are about as far)."""
    if on_progress is None:
        return None

    def told(_: int) -> None:
        taken = claims[0] + (batches - claims[1])
        on_progress(min(total, taken * batch), total)

    return told


def note_problems(problems: list[InputError], log: AnnotatorLog) -> None:
    """Add the lines of ``log`` that could not be read to ``problems``, once per line however
    often a file is read: the numbers rest on fewer records than the files hold, and the
    user must hear which."""
    reported = {str(p) for p in problems}
    for problem in [*log.problems, *log.torn]:
        if str(problem) not in reported:
            reported.add(str(problem))
            problems.append(problem)


def _count_part(
    dataset: DatasetStore,
    names: list[str],
    policy: AnswerPolicy,
    lang: str,
    labels: Sequence[str] | None,
    chunks: list[list[str]],
) -> DatasetTally:
    """The second process's part: its own logs, the batches it takes from the back (each
    counted apart, then added up from the first, as one pass over them would)."""
    counted: list[DatasetTally] = []
    with ExitStack() as stack:
        logs = {n: stack.enter_context(dataset.open(n)) for n in names}
        # the columns the opening process has laid out when this one starts, if any
        saved = _saved_columns(logs, stack, lay_out=False)
        for chunk in _claimed(_CLAIMS, chunks, from_front=False):
            counted.append(DatasetTally(names, policy, lang))
            _count(logs, saved, [chunk], counted[-1], labels)
    if not counted:
        return DatasetTally(names, policy, lang)
    whole = counted.pop()
    for later in reversed(counted):
        whole.absorb(later)
    return whole


def _saved_columns(
    logs: dict[str, AnnotatorLog],
    stack: ExitStack,
    lay_out: bool,
    on_layout: Callable[[str, int, int], None] | None = None,
) -> dict[str, SavedColumns]:
    """The columns of each log the store numbers (:mod:`redline.metrics.saved_columns`)."""
    saved = {}
    for name, log in logs.items():
        numbered = log.numbered()
        told = partial(on_layout, name) if on_layout is not None else None
        columns = SavedColumns.of(numbered, lay_out, told) if numbered is not None else None
        if columns is not None:
            saved[name] = columns
            stack.callback(columns.close)
    return saved


def _count(
    logs: dict[str, AnnotatorLog],
    saved: dict[str, SavedColumns],
    chunks: Iterable[Sequence[str]],
    tally: DatasetTally,
    labels: Sequence[str] | None,
    on_progress: Callable[[int], None] | None = None,
) -> None:
    """Count ``chunks`` (batches of doc ids, in document order); ``on_progress(documents
    counted)`` after each."""
    done = 0
    for chunk in chunks:
        builder = BatchBuilder(tally.labels, tally.relation_labels, labels)
        with collector_paused():
            for name, log in logs.items():
                builder.side(name)
                columns = saved.get(name)
                if columns is not None:
                    laid, texts = columns.gather(
                        chunk, tally.labels, tally.relation_labels, builder.only
                    )
                    builder.add_laid_out(name, laid, texts)
                    continue
                for record in log.newest_json(chunk):
                    builder.add_json(name, record)
        tally.add(builder.build())
        for columns in saved.values():
            columns.release()
        done += len(chunk)
        if on_progress is not None:
            on_progress(done)
