"""Paths of the repository's real files, and builders of records and folders for tests."""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import orjson

from redline.schema.records import Annotation, Relation, Span, text_sha1

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO / "seeds"
NEWS_SCHEMA = REPO / "schema" / "news.toml"
DEFAULT_TEXT = "Hun Sen met Nguyễn Phú Trọng in Hà Nội 😀."


def subprocess_env() -> dict[str, str]:
    """The environment for a child Python that imports this checkout's redline."""
    paths = [str(REPO), *filter(None, [os.environ.get("PYTHONPATH")])]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}


def span(
    span_id: str,
    start: int,
    end: int,
    label: str = "PERSON",
    origin: str = "annotator",
    edit: str | None = "added",
) -> Span:
    return Span(id=span_id, start=start, end=end, label=label, origin=origin, edit=edit)


def relation(
    relation_id: str, head: str, child: str, label: str = "MEETS", origin: str = "annotator"
) -> Relation:
    return Relation(
        id=relation_id, head=head, child=child, label=label, origin=origin, edit="added"
    )


def make_record(
    doc_id: str = "doc-1",
    text: str = DEFAULT_TEXT,
    *,
    spans: Sequence[Span] = (),
    relations: Sequence[Relation] = (),
    annotator: str = "alice",
    **fields: Any,
) -> Annotation:
    return Annotation(
        doc_id=doc_id,
        text=text,
        text_sha1=text_sha1(text),
        spans=list(spans),
        relations=list(relations),
        annotator=annotator,
        **fields,
    )


def seed_copies(tmp_path: Path, count: int, dataset: str) -> list[str]:
    """A corpus folder ``tmp_path/corpus`` of ``count`` documents, the seed texts over again,
    and the dataset's cache of the model's suggestions for them (so no model is loaded)."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    doc_ids = [f"d{n:02d}" for n in range(count)]
    for n, doc_id in enumerate(doc_ids):
        (corpus / f"{doc_id}.txt").write_text(texts[n % len(texts)], encoding="utf-8")
    folder = tmp_path / "annotations" / dataset
    folder.mkdir(parents=True)
    model_file = "model:en_core_web_sm.jsonl"
    shutil.copy(REPO / "annotations" / "seeds-demo" / model_file, folder / model_file)
    return doc_ids


def digests(*roots: Path) -> dict[str, str]:
    """SHA-256 of every file (and the names of the folders) under each root."""
    entries: dict[str, str] = {}
    for root in roots:
        for path in [root, *sorted(root.rglob("*"))] if root.is_dir() else [root]:
            if path.is_dir():
                entries[str(path)] = "folder"
            elif path.exists():
                entries[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return entries


def jsonl_line(record: Annotation) -> bytes:
    """A record exactly as the store writes it."""
    return orjson.dumps(record.model_dump(mode="json")) + b"\n"
