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

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import get_args

import numpy as np

from redline.metrics.alpha import nominal_alpha
from redline.metrics.answer_policy import AnswerPolicy
from redline.metrics.batch_builder import batch_of
from redline.metrics.columns import ANSWER_CODES, Side
from redline.metrics.compared import (
    Score,
    Versions,
    done_by_at_least,
    done_counts,
    group_docs,
    require_two,
)
from redline.metrics.kappa import cohen_kappa, fleiss_kappa
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
    id), what a report keeps of each record once its spans are counted."""
    kept, left_out = done_by_at_least(docs, 2)
    agreeing = pairs = 0
    for answers in kept:
        for answer_x, answer_y in combinations(answers.values(), 2):
            pairs += 1
            agreeing += answer_x == answer_y
    percent = Score(agreeing / pairs if pairs else None, len(kept), len(kept), left_out)

    cohen = {}
    for x, y in combinations(names, 2):
        both = [r for r in docs.values() if x in r and y in r]
        one = sum((x in r) != (y in r) for r in docs.values())
        kappa = cohen_kappa([r[x] for r in both], [r[y] for r in both])
        cohen[x, y] = Score(kappa.value, len(both), len(both), one)

    everyone, not_all = done_by_at_least(docs, len(names))
    counts = [Counter(answers.values()) for answers in everyone]
    table = fleiss_kappa([[row[answer] for answer in ANSWERS] for row in counts])
    fleiss = Score(table.value, table.units, len(everyone), not_all)

    alpha = nominal_alpha([[answers.get(n) for answers in kept] for n in names])
    return AnswerAgreement(
        percent, cohen, fleiss, Score(alpha.value, alpha.units, len(kept), left_out)
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
