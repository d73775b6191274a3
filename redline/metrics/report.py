"""Everything ``redline agreement`` and ``redline evaluate`` print, computed from a dataset.

Each statistic lives in its own module of :mod:`redline.metrics`; this module chooses the
records (annotators, labels), runs every statistic once (over batches of documents, see
:mod:`redline.metrics.streamed`) and keeps the results together, so the CLI (tables or
``--json``) and any script read the same numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TypeVar

import numpy as np

from redline.errors import InputError, RedlineError
from redline.metrics.answer_policy import DEFAULT_ANSWERS, AnswerPolicy
from redline.metrics.answers import AnswerAgreement, agreement_on_answer_codes
from redline.metrics.compared import Score
from redline.metrics.edits import EditSummary, summarize_edits
from redline.metrics.f1 import Counts, PairF1, relation_f1, span_f1
from redline.metrics.streamed import BATCH_DOCUMENTS, DatasetTally, count_dataset, note_problems
from redline.metrics.unitizing import UnitizingScore
from redline.schema.keys import GOLD_ANNOTATOR, is_model
from redline.schema.records import Annotation
from redline.store import DatasetStore

Pair = tuple[str, str]
T = TypeVar("T")
Noted = TypeVar("Noted", bound=Score | PairF1)


@dataclass
class AgreementReport:
    annotators: list[str]
    labels: list[str]
    documents: int
    """Documents done by two or more of the annotators that the answers policy compares
    (the ones the statistics over all annotators use)."""
    left_out: int
    """Documents done by only one of them."""
    left_out_answers: int = 0
    """Documents done by two or more that the answers policy left out (under ``accept``:
    someone answered reject or ignore)."""
    answers_policy: AnswerPolicy = DEFAULT_ANSWERS
    lang: str = "en"
    """The language whose tokenizer cut the texts into the tokens of kappa and alpha."""
    exact: dict[Pair, PairF1] = field(default_factory=dict)
    overlap: dict[Pair, PairF1] = field(default_factory=dict)
    unlabelled: dict[Pair, PairF1] = field(default_factory=dict)
    unlabelled_overlap: dict[Pair, PairF1] = field(default_factory=dict)
    token_kappa: dict[Pair, Score] = field(default_factory=dict)
    fleiss: Score | None = None
    alpha: Score | None = None
    alpha_u: UnitizingScore | None = None
    alpha_u_by_label: dict[str, UnitizingScore] = field(default_factory=dict)
    relations: dict[Pair, PairF1] = field(default_factory=dict)
    answers: AnswerAgreement | None = None
    confusion: dict[Pair, dict[tuple[str, str], int]] = field(default_factory=dict)
    per_doc: list[tuple[str, float | None, int]] = field(default_factory=list)
    """(doc_id, mean pairwise exact span F1, annotators), lowest agreement first."""
    problems: list[InputError] = field(default_factory=list)
    """Lines of the annotators' files that could not be read and were left out."""


def load_versions(
    dataset: DatasetStore, annotators: Sequence[str], problems: list[InputError] | None = None
) -> dict[str, list[Annotation]]:
    """Each annotator's newest records, validated; the lines that could not be read are left
    out and added to ``problems`` (:func:`~redline.metrics.streamed.note_problems`)."""
    dataset.require(*annotators)
    versions: dict[str, list[Annotation]] = {}
    for name in annotators:
        with dataset.open(name) as log:
            versions[name] = list(log.iter_newest())
            if problems is not None:
                note_problems(problems, log)
    return versions


def agreement_report(
    dataset: DatasetStore,
    annotators: Sequence[str] | None = None,
    labels: Sequence[str] | None = None,
    *,
    lang: str = "en",
    answers: AnswerPolicy = DEFAULT_ANSWERS,
    on_progress: Callable[[int, int], None] | None = None,
    processes: int | None = None,
    batch: int = BATCH_DOCUMENTS,
    on_layout: Callable[[str, int, int], None] | None = None,
) -> AgreementReport:
    """Every agreement statistic of the dataset's annotators (default: every person).

    ``lang`` is the schema's language (``LabelSchema.lang``): its tokenizer cuts the units
    of kappa and alpha, as it cut them for the annotators in the UI. ``answers`` is the
    answers policy (:mod:`redline.metrics.answers`), applied per statistic to the annotators
    it compares; each statistic counts the documents it left out for it apart from those
    done by too few (``documents_left_out_answers``). The answer agreement itself is over
    every document, whatever the policy. ``on_progress(documents done, documents)`` is told
    after each batch of ``batch`` documents; ``processes``: how many count at once (None:
    two for a big dataset; see :func:`redline.metrics.streamed.count_dataset`);
    ``on_layout(annotator, records laid out, records to lay out)`` while an annotator's
    records are laid out as columns (the first report over them: ``saved_columns``)."""
    names = list(annotators) if annotators else dataset.people()
    if len(names) < 2:
        found = ", ".join(names) or "none"
        raise RedlineError(
            f"agreement needs two or more annotators; dataset {dataset.name!r} has {found}"
        )
    dataset.require(*names)
    problems: list[InputError] = []
    tally = DatasetTally(names, answers, lang)
    count_dataset(dataset, names, tally, labels, problems, on_progress, processes, batch, on_layout)
    report = AgreementReport(
        annotators=names,
        labels=sorted(set(labels) if labels else tally.labels.names),
        documents=tally.documents,
        left_out=tally.left_out,
        left_out_answers=tally.answered_some,
        answers_policy=answers,
        lang=lang,
        problems=problems,
    )
    for pair, counted in tally.pairs.items():
        answered = counted.answered
        report.exact[pair] = _noted(counted.spans["exact"], answered)
        report.overlap[pair] = _noted(counted.spans["overlap"], answered)
        report.unlabelled[pair] = _noted(counted.spans["unlabelled"], answered)
        report.unlabelled_overlap[pair] = _noted(counted.spans["unlabelled_overlap"], answered)
        report.token_kappa[pair] = _noted(counted.kappa.score(), answered)
        report.relations[pair] = _noted(counted.relations, answered)
        report.confusion[pair] = dict(sorted(counted.confusion.items()))
    report.fleiss = _noted(tally.fleiss.score(), tally.answered_all)
    report.alpha = _noted(tally.alpha.score(), tally.answered_some)
    report.alpha_u = _noted(tally.unitizing.score(None), tally.answered_some)
    report.alpha_u_by_label = {
        label: _noted(score, tally.answered_some)
        for label, score in tally.unitizing.by_label().items()
    }
    codes = tally.answer_codes or [np.zeros((0, len(names)), dtype=np.int8)]
    report.answers = agreement_on_answer_codes(np.concatenate(codes), sorted(names))
    report.per_doc = sorted(
        tally.per_doc, key=lambda row: (1.0 if row[1] is None else row[1], row[0])
    )
    return report


def _noted(score: Noted, answered: int) -> Noted:
    """``score`` with the number of documents the answers policy left out for it."""
    return replace(score, documents_left_out_answers=answered)


@dataclass
class EvaluationReport:
    gold: str
    pred: str
    exact: PairF1
    overlap: PairF1
    relations: PairF1
    edits: EditSummary
    problems: list[InputError] = field(default_factory=list)
    """Lines of the files read that could not be read and were left out."""
    lang: str = "en"
    """The schema's language. Every statistic of the evaluation compares characters, so none
    tokenizes today; it is kept so that the report says which tokenizer a token statistic
    of it would use, as the agreement report does."""


def default_prediction(dataset: DatasetStore) -> str:
    models = [a for a in dataset.annotators() if is_model(a)]
    if not models:
        raise RedlineError(
            f"dataset {dataset.name!r} has no model suggestions; pass --pred ANNOTATOR "
            "or run `redline suggest` with --dataset first"
        )
    return models[0]


def evaluation_report(
    dataset: DatasetStore,
    gold: str = GOLD_ANNOTATOR,
    pred: str | None = None,
    *,
    lang: str = "en",
) -> EvaluationReport:
    """Precision, recall and F1 of ``pred`` (an annotator or ``model:NAME``) against ``gold``,
    and how the people changed the suggestions."""
    pred = pred or default_prediction(dataset)
    problems: list[InputError] = []
    versions = load_versions(dataset, [gold, pred], problems=problems)
    everyone = load_versions(dataset, dataset.people(), problems=problems)
    return EvaluationReport(
        gold=gold,
        pred=pred,
        exact=span_f1(versions[gold], versions[pred], "exact"),
        overlap=span_f1(versions[gold], versions[pred], "overlap"),
        relations=relation_f1(versions[gold], versions[pred]),
        edits=summarize_edits(r for records in everyone.values() for r in records),
        problems=problems,
        lang=lang,
    )


def counts_json(counts: Counts) -> dict[str, float | int | None]:
    return {
        "precision": counts.precision,
        "recall": counts.recall,
        "f1": counts.f1,
        "tp": counts.tp,
        "fp": counts.fp,
        "fn": counts.fn,
        "units": counts.units,
    }


def _pair_f1(result: PairF1) -> dict[str, object]:
    return {
        **counts_json(result.overall),
        "documents": result.documents,
        "documents_left_out": result.documents_left_out,
        "documents_left_out_answers": result.documents_left_out_answers,
        "per_label": {label: counts_json(c) for label, c in sorted(result.per_label.items())},
    }


def _score(score: Score | None) -> dict[str, object] | None:
    if score is None:
        return None
    data: dict[str, object] = {
        "value": score.value,
        "units": score.units,
        "documents": score.documents,
        "documents_left_out": score.documents_left_out,
        "documents_left_out_answers": score.documents_left_out_answers,
    }
    if isinstance(score, UnitizingScore):
        data.update(characters=score.characters, observed=score.observed, expected=score.expected)
    return data


def _pairs(values: Mapping[Pair, T], convert: Callable[[T], object]) -> dict[str, object]:
    return {f"{a}|{b}": convert(v) for (a, b), v in values.items()}


def agreement_json(report: AgreementReport) -> dict[str, object]:
    """The report as plain JSON-able data (pairs keyed "a|b")."""
    answers = report.answers
    return {
        "annotators": report.annotators,
        "labels": report.labels,
        "answers_policy": report.answers_policy,
        "lang": report.lang,
        "documents": report.documents,
        "documents_left_out": report.left_out,
        "documents_left_out_answers": report.left_out_answers,
        "span_f1_exact": _pairs(report.exact, _pair_f1),
        "span_f1_overlap": _pairs(report.overlap, _pair_f1),
        "span_f1_unlabelled_exact": _pairs(report.unlabelled, _pair_f1),
        "span_f1_unlabelled_overlap": _pairs(report.unlabelled_overlap, _pair_f1),
        "token_cohen_kappa": _pairs(report.token_kappa, _score),
        "token_fleiss_kappa": _score(report.fleiss),
        "krippendorff_alpha_nominal": _score(report.alpha),
        "krippendorff_alpha_unitizing": _score(report.alpha_u),
        "krippendorff_alpha_unitizing_by_label": {
            label: _score(s) for label, s in report.alpha_u_by_label.items()
        },
        "relation_f1": _pairs(report.relations, _pair_f1),
        "answers": None
        if answers is None
        else {
            "percent": _score(answers.percent),
            "cohen_kappa": _pairs(answers.cohen, _score),
            "fleiss_kappa": _score(answers.fleiss),
            "krippendorff_alpha": _score(answers.alpha),
        },
        "label_confusion": _pairs(
            report.confusion, lambda m: {f"{x}|{y}": n for (x, y), n in sorted(m.items())}
        ),
        "per_document": [
            {"doc_id": d, "mean_pairwise_exact_f1": f1, "annotators": n}
            for d, f1, n in report.per_doc
        ],
    }


def evaluation_json(report: EvaluationReport) -> dict[str, object]:
    return {
        "gold": report.gold,
        "pred": report.pred,
        "lang": report.lang,
        "entities_exact": _pair_f1(report.exact),
        "entities_overlap": _pair_f1(report.overlap),
        "relations": _pair_f1(report.relations),
        "edits": {
            "documents": report.edits.documents,
            "overall": dict(report.edits.overall),
            "by_label": {k: dict(v) for k, v in sorted(report.edits.by_label.items())},
        },
    }
