"""Which documents the span statistics compare: the answers policy (a module of its own, so
that the commands' options and the reports' wording import no numpy).

A document someone rejected or ignored holds no spans worth comparing (usually none at all),
and comparing it counts every span the others marked as a disagreement on a document that
was never annotated. The policy :data:`AnswerPolicy` says what the span, token and relation
statistics compare. ``accept`` (the default, :data:`DEFAULT_ANSWERS`): a document is
compared only when every annotator compared on it accepted it; the others are left out and
counted apart from the documents done by too few annotators
(:func:`redline.metrics.answers.accepted_only`). ``all``: every document, a rejected or
ignored one as the record it is (usually empty); what redline did before the policy had a
name. The functions of the statistics themselves (:mod:`.f1`, :mod:`.kappa`, :mod:`.alpha`,
:mod:`.unitizing`) compare the records they are given whatever their answer: the policy is
applied to their input.
"""

from __future__ import annotations

from typing import Literal, get_args

AnswerPolicy = Literal["accept", "all"]
"""Which documents the span statistics compare: ``accept``, those every compared annotator
accepted; ``all``, every one (a rejected or ignored record as it is, usually empty)."""

ANSWER_POLICIES: tuple[AnswerPolicy, ...] = get_args(AnswerPolicy)

DEFAULT_ANSWERS: AnswerPolicy = "accept"
"""A rejected document is one its annotator judged not worth annotating: its empty record
is no evidence of disagreement on spans, so it is left out unless asked for (``all``)."""

LEFT_OUT_FOR_ANSWERS = "answered reject or ignore by someone"
"""Why :func:`redline.metrics.answers.accepted_only` left a document out, as the reports
word it."""
