"""Numbers about annotations: dataset statistics now; agreement and evaluation next."""

from redline.metrics.stats import AnnotatorStats, LabelSummary, dataset_stats, summarize_labels

__all__ = ["AnnotatorStats", "LabelSummary", "dataset_stats", "summarize_labels"]
