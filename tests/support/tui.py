"""Shared set-up for the UI tests: the seeds with their suggestions already cached, so the real
app opens instantly; each test gets its own copy of the dataset folder."""

from __future__ import annotations

import shutil
from pathlib import Path

from redline.corpus import Corpus
from redline.schema import Annotation, load_schema
from redline.store import open_dataset
from redline.suggest import Suggester, suggest_documents
from redline.tui.app import RedlineApp
from redline.worklist import Worklist
from tests.support.data import NEWS_SCHEMA, SEEDS

DATASET = "seeds"


def prepare_suggestions(root: Path) -> None:
    schema = load_schema(NEWS_SCHEMA)
    suggest_documents(lambda: Corpus(SEEDS), open_dataset(DATASET, root), Suggester(schema))


def make_app(
    cached_root: Path, root: Path, *, annotator: str = "alice", corpus: Path = SEEDS, **options
) -> RedlineApp:
    if cached_root != root:
        shutil.copytree(cached_root / DATASET, root / DATASET, dirs_exist_ok=True)
    schema = load_schema(NEWS_SCHEMA)
    worklist = Worklist(
        Corpus(corpus), open_dataset(DATASET, root), annotator, schema, Suggester(schema)
    )
    return RedlineApp(worklist, **options)


def saved(root: Path, annotator: str = "alice") -> list[Annotation]:
    """Every line of the annotator's file, oldest first: what the store holds."""
    path = root / DATASET / f"{annotator}.jsonl"
    if not path.exists():
        return []
    return [Annotation.model_validate_json(line) for line in path.read_bytes().splitlines()]


def spans_of(record: Annotation) -> set[tuple[str, str, str]]:
    return {(record.text[s.start : s.end], s.label, s.edit or "") for s in record.spans}
