"""The annotation store: every verified document, append-only, never lost.

:mod:`redline.store.base` is the interface everything above the store talks to;
:mod:`redline.store.jsonl` is the default backend, a folder of JSONL files;
:mod:`redline.store.postgres` keeps a team's records on a PostgreSQL server.
"""

from pathlib import Path

from redline.store.base import DEFAULT_ROOT, AnnotatorLog, DatasetStore, check_name
from redline.store.jsonl import (
    INDEX_SUFFIX,
    LOCK_SUFFIX,
    RECORD_SUFFIX,
    JsonlAnnotatorLog,
)
from redline.store.jsonl_dataset import JsonlDataset, open_dataset
from redline.store.postgres import PostgresDataset
from redline.store.postgres_connection import is_postgres_url, shown_store, shown_url
from redline.store.torn import TORN_SUFFIX


def open_store(
    name: str, root: str | Path = DEFAULT_ROOT, store: str | None = None
) -> DatasetStore:
    """The dataset ``name`` in ``store``: a ``postgresql://`` URL, or a folder of JSONL
    datasets; None: the folder ``root``."""
    if store is not None and is_postgres_url(store):
        return PostgresDataset(name, store)
    return JsonlDataset(name, root if store is None else Path(store))


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
    "PostgresDataset",
    "check_name",
    "is_postgres_url",
    "open_dataset",
    "open_store",
    "shown_store",
    "shown_url",
]
