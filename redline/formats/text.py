"""Plain text as records: each document of a corpus, with nothing annotated yet."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from redline.corpus import Corpus
from redline.errors import InputError, Location, display_path
from redline.schema.labels import LabelSchema
from redline.schema.records import Annotation


def import_text(
    path: Path, annotator: str, schema: LabelSchema, problems: list[InputError]
) -> Iterator[tuple[Annotation, Location]]:
    """Each document of the corpus at ``path`` (a folder of .txt, a .txt or a JSONL file) as
    an empty record of ``annotator``'s; the corpus's bad files and lines come last."""
    corpus = Corpus(path)
    for document in corpus:
        where = Location(document.meta.get("source", display_path(path)))
        yield Annotation.of(document, annotator=annotator), where
    problems.extend(corpus.problems)
