"""Agreement on the document answer (accept / reject / ignore), and the answers policy
applied to what the span statistics compare (:func:`accepted_only`).

Whether a document is worth annotating at all is a judgement of its own: annotators who
agree on every span of the documents they accept may still accept different documents.
So the answer is measured here, by the same statistics as the tokens (percent agreement,
Cohen's, Fleiss' and Krippendorff's), with documents as the units, over every document
whatever its answers.

Which documents the span, token and relation statistics compare is the answers policy
(:mod:`redline.metrics.answer_policy`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import get_args

import numpy as np
import numpy.typing as npt

from redline.metrics.alpha import nominal_alpha
from redline.metrics.answer_policy import AnswerPolicy
from redline.metrics.batch_builder import batch_of
from redline.metrics.columns import ANSWER_CODES, NOT_DONE, Side
from redline.metrics.compared import (
    Score,
    Versions,
    done_counts,
    group_docs,
    require_two,
)
from redline.metrics.kappa import cohen_kappa, fleiss_value
from redline.schema.records import Annotation, Answer

ANSWERS: tuple[Answer, ...] = get_args(Answer)


def accepted_only(
    versions: Versions, policy: AnswerPolicy, needed: int = 2
) -> tuple[dict[str, list[Annotation]], int]:
    """``versions`` as a statistic that compares the documents done by at least ``needed``
    of these annotators should see them under ``policy``, and how many documents the policy
    left out. Under ``accept``, such a document that one of them did not accept is taken
    out of every annotator's records; a document done by fewer is left alone, for the
    statistic to leave out and count as done by too few (the reason it is left out for)."""
    kept = {name: list(records) for name, records in versions.items()}
    if policy == "all":
        return kept, 0
    require_two(versions)
    batch = batch_of(versions)
    sides, left_out = accepted_sides(batch.sides, policy, needed)
    taken = np.any([batch.sides[n].done & ~side.done for n, side in sides.items()], axis=0)
    dropped = {batch.doc_ids[i] for i in np.flatnonzero(taken).tolist()}
    return {n: [r for r in rs if r.doc_id not in dropped] for n, rs in kept.items()}, left_out


@dataclass(frozen=True)
class AnswerAgreement:
    """Agreement on the document answer (accept / reject / ignore).

    ``percent``: the share of agreeing annotator pairs over every pair of annotators of every
    document done by two or more (units: documents); ``cohen``: Cohen's kappa per annotator
    pair over the documents both did; ``fleiss``: Fleiss' kappa over the documents all did;
    ``alpha``: Krippendorff's nominal alpha over the documents done by two or more (an
    annotator who did not do a document is missing).
    """

    percent: Score
    cohen: Mapping[tuple[str, str], Score]
    fleiss: Score
    alpha: Score


def answer_agreement(versions: Versions) -> AnswerAgreement:
    """Agreement on the document answer over the documents done by two or more annotators."""
    docs = group_docs(versions)
    answers = {
        doc_id: {n: r.answer for n, r in records.items()} for doc_id, records in docs.items()
    }
    return agreement_on_answers(answers, sorted(versions))


def agreement_on_answers(
    docs: Mapping[str, Mapping[str, Answer]], names: Sequence[str]
) -> AnswerAgreement:
    """:func:`answer_agreement` from each document's answers by annotator (sorted by doc
    id)."""
    codes = np.full((len(docs), len(names)), NOT_DONE, dtype=np.int8)
    for row, answers in enumerate(docs.values()):
        for column, name in enumerate(names):
            if name in answers:
                codes[row, column] = ANSWER_CODES[answers[name]]
    return agreement_on_answer_codes(codes, names)


def agreement_on_answer_codes(codes: npt.NDArray[np.int8], names: Sequence[str]) -> AnswerAgreement:
    """:func:`answer_agreement` from a documents x ``names`` table of answer codes
    (:data:`~redline.metrics.columns.ANSWER_CODES`, :data:`NOT_DONE` where not done), rows
    in doc-id order: what a report keeps of each record once its spans are counted."""
    done = codes != NOT_DONE
    many = done.sum(axis=1)
    kept = many >= 2
    left_out = int(np.count_nonzero(~kept))
    agreeing = pairs = 0
    for p, q in combinations(range(len(names)), 2):
        both = done[:, p] & done[:, q]
        pairs += int(np.count_nonzero(both))
        agreeing += int(np.count_nonzero(both & (codes[:, p] == codes[:, q])))
    documents = int(np.count_nonzero(kept))
    percent = Score(agreeing / pairs if pairs else None, documents, documents, left_out)

    named = np.asarray([*ANSWERS, None], dtype=object)  # code -1: None
    cohen: dict[tuple[str, str], Score] = {}
    for (i, x), (j, y) in combinations(enumerate(names), 2):
        both = done[:, i] & done[:, j]
        one = int(np.count_nonzero(done[:, i] ^ done[:, j]))
        kappa = cohen_kappa(named[codes[both, i]].tolist(), named[codes[both, j]].tolist())
        units = int(np.count_nonzero(both))
        cohen[x, y] = Score(kappa.value, units, units, one)

    everyone = done.all(axis=1)
    table = np.stack([(codes[everyone] == k).sum(axis=1) for k in range(len(ANSWERS))], axis=1)
    subjects = len(table)
    value = fleiss_value(
        subjects,
        len(names) if subjects else 0,
        int((table * table).sum()),
        int((table.sum(axis=0) ** 2).sum()),
    )
    fleiss = Score(value, subjects, subjects, len(codes) - subjects)

    alpha = nominal_alpha([named[codes[kept, i]].tolist() for i in range(len(names))])
    return AnswerAgreement(
        percent, cohen, fleiss, Score(alpha.value, alpha.units, documents, left_out)
    )


def accepted_sides(
    sides: Mapping[str, Side], policy: AnswerPolicy, needed: int = 2
) -> tuple[dict[str, Side], int]:
    """:func:`accepted_only` over a batch's sides."""
    if policy == "all":
        return dict(sides), 0
    done = done_counts(sides.values())
    refused = np.any(
        [side.done & (side.answer != ANSWER_CODES["accept"]) for side in sides.values()], axis=0
    )
    dropped = (done >= needed) & refused
    return {n: side.without(dropped) for n, side in sides.items()}, int(np.count_nonzero(dropped))
