"""The annotation store: every verified document, append-only, never lost.

:mod:`redline.store.base` is the interface everything above the store talks to;
:mod:`redline.store.jsonl` is the default backend, a folder of JSONL files.
"""

from redline.store.base import DEFAULT_ROOT, AnnotatorLog, DatasetStore, check_name
from redline.store.jsonl import (
    INDEX_SUFFIX,
    LOCK_SUFFIX,
    RECORD_SUFFIX,
    TORN_SUFFIX,
    JsonlAnnotatorLog,
    JsonlDataset,
    open_dataset,
)

__all__ = [
    "DEFAULT_ROOT",
    "INDEX_SUFFIX",
    "LOCK_SUFFIX",
    "RECORD_SUFFIX",
    "TORN_SUFFIX",
    "AnnotatorLog",
    "DatasetStore",
    "JsonlAnnotatorLog",
    "JsonlDataset",
    "check_name",
    "open_dataset",
]
