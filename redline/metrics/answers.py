"""Agreement on the document answer (accept / reject / ignore), apart from the spans.

Whether a document is worth annotating at all is a judgement of its own: annotators who
agree on every span of the documents they accept may still accept different documents.
So the answer is measured here, by the same statistics as the tokens (percent agreement,
Cohen's, Fleiss' and Krippendorff's), with documents as the units, and the span and token
statistics compare records whatever their answer.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import combinations
from typing import get_args

from redline.metrics.alpha import nominal_alpha
from redline.metrics.compared import Score, Versions, done_by_at_least, group_docs
from redline.metrics.kappa import cohen_kappa, fleiss_kappa
from redline.schema.records import Answer

ANSWERS: tuple[Answer, ...] = get_args(Answer)


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
    kept, left_out = done_by_at_least(docs, 2)
    names = sorted(versions)
    agreeing = pairs = 0
    for records in kept:
        answers = [r.answer for r in records.values()]
        for answer_x, answer_y in combinations(answers, 2):
            pairs += 1
            agreeing += answer_x == answer_y
    percent = Score(agreeing / pairs if pairs else None, len(kept), len(kept), left_out)

    cohen = {}
    for x, y in combinations(names, 2):
        both = [r for r in docs.values() if x in r and y in r]
        one = sum((x in r) != (y in r) for r in docs.values())
        kappa = cohen_kappa([r[x].answer for r in both], [r[y].answer for r in both])
        cohen[x, y] = Score(kappa.value, len(both), len(both), one)

    everyone, not_all = done_by_at_least(docs, len(names))
    counts = [Counter(r.answer for r in records.values()) for records in everyone]
    table = fleiss_kappa([[row[answer] for answer in ANSWERS] for row in counts])
    fleiss = Score(table.value, table.units, len(everyone), not_all)

    alpha = nominal_alpha(
        [[records[n].answer if n in records else None for records in kept] for n in names]
    )
    return AnswerAgreement(
        percent, cohen, fleiss, Score(alpha.value, alpha.units, len(kept), left_out)
    )
