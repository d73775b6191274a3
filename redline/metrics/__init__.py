"""Numbers about annotations: dataset statistics now; agreement and evaluation next."""

from redline.metrics.stats import AnnotatorStats, dataset_stats

__all__ = ["AnnotatorStats", "dataset_stats"]
