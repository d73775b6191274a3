"""Plain text as records: each document of a corpus, with nothing annotated yet."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from redline.corpus import Corpus
from redline.errors import InputError, Location
from redline.schema.labels import LabelSchema
from redline.schema.records import Annotation


def import_text(
    path: Path,
    annotator: str,
    schema: LabelSchema,
    problems: list[InputError],
    *,
    id_key: str | None = None,
) -> Iterator[tuple[Annotation, Location]]:
    """Each document of the corpus at ``path`` (a folder of .txt, a .txt or a JSONL file) as
    an empty record of ``annotator``'s, placed where the corpus would report it (a JSONL line
    by its number, so that its problems and its record are counted as one); the corpus's bad
    files and lines come last. Read as ``annotate`` reads it (one byte order mark rule, a
    doc_id seen twice kept the first time), so the records are of the texts annotated.
    ``id_key`` names where each JSONL line's id is (see :class:`Corpus`)."""
    corpus = Corpus(path, id_key=id_key)
    for document, where in corpus.located():
        yield Annotation.of(document, annotator=annotator), where
    problems.extend(corpus.problems)
