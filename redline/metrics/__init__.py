"""Numbers about annotations: how much annotators agree, how a model scores, what a set holds.

One module per kind of statistic, each the only place its formula lives:

- :mod:`~redline.metrics.compared`: which documents a statistic compares, and :class:`Score`;
- :mod:`~redline.metrics.token_categories`: spans as one category per token, for kappa and
  nominal alpha;
- :mod:`~redline.metrics.f1`: span and relation precision, recall and F1, label confusion;
- :mod:`~redline.metrics.kappa`: Cohen's and Fleiss' kappa;
- :mod:`~redline.metrics.alpha`: Krippendorff's nominal alpha;
- :mod:`~redline.metrics.unitizing`: Krippendorff's unitizing alpha (alpha_U);
- :mod:`~redline.metrics.answers`: agreement on the document answer;
- :mod:`~redline.metrics.edits`: what annotators did to the suggestions;
- :mod:`~redline.metrics.corrections`: what an annotator would have to do to turn a
  suggestion into the gold (a simulated annotator's work);
- :mod:`~redline.metrics.stats`: dataset statistics;
- :mod:`~redline.metrics.report`: everything ``redline agreement`` and ``redline evaluate``
  print, read from a dataset (the commands' assembly of the above, so not re-exported).
"""

from redline.metrics.alpha import krippendorff_nominal, nominal_alpha
from redline.metrics.answers import AnswerAgreement, answer_agreement
from redline.metrics.compared import Score, Versions
from redline.metrics.corrections import (
    CORRECTION_KINDS,
    CorrectionCounts,
    corrections,
    corrections_over,
    sum_corrections,
)
from redline.metrics.edits import EDIT_KINDS, EditSummary, summarize_edits
from redline.metrics.f1 import MISSING, Counts, PairF1, label_confusion, relation_f1, span_f1
from redline.metrics.kappa import cohen_kappa, fleiss_kappa, token_cohen_kappa, token_fleiss_kappa
from redline.metrics.stats import AnnotatorStats, LabelSummary, dataset_stats, summarize_labels
from redline.metrics.token_categories import OUTSIDE, Tokenizer, token_labels
from redline.metrics.unitizing import (
    UnitizingScore,
    document_unitizing_alpha,
    document_unitizing_alpha_by_label,
    unitizing_alpha,
)

__all__ = [
    "CORRECTION_KINDS",
    "EDIT_KINDS",
    "MISSING",
    "OUTSIDE",
    "AnnotatorStats",
    "AnswerAgreement",
    "CorrectionCounts",
    "Counts",
    "EditSummary",
    "LabelSummary",
    "PairF1",
    "Score",
    "Tokenizer",
    "UnitizingScore",
    "Versions",
    "answer_agreement",
    "cohen_kappa",
    "corrections",
    "corrections_over",
    "dataset_stats",
    "document_unitizing_alpha",
    "document_unitizing_alpha_by_label",
    "fleiss_kappa",
    "krippendorff_nominal",
    "label_confusion",
    "nominal_alpha",
    "relation_f1",
    "span_f1",
    "sum_corrections",
    "summarize_edits",
    "summarize_labels",
    "token_cohen_kappa",
    "token_fleiss_kappa",
    "token_labels",
    "unitizing_alpha",
]
