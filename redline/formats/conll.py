"""CoNLL-style IOB2: one token per line, ``TOKEN<TAB>TAG``, a blank line after each sentence.

Each document starts with the CoNLL-2003 line ``-DOCSTART- -X- -X- O`` and a blank line.
Tokens are spaCy's (whitespace is not a token); sentences come from spaCy's rule-based
``sentencizer``. IOB2 cannot nest, so where accepted spans overlap the longest one is tagged
(as for spaCy's ``doc.ents``); rejected suggestions are never tagged. A token a span starts or
ends inside is cut there, as for spaCy's DocBin (:func:`.spacy_docbin.split_doc`): "Hun Sen"
of "Sen." is the lines ``Hun B-PERSON``, ``Sen I-PERSON``, ``. O``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from spacy.pipeline import Sentencizer
from spacy.util import filter_spans

from redline.atomic import atomic_writer
from redline.formats.spacy_docbin import spacy_span, split_doc
from redline.schema.labels import LabelSchema
from redline.schema.records import Annotation
from redline.tokens import blank, span_edges

DOCSTART = "-DOCSTART- -X- -X- O"


_SENTENCIZER = Sentencizer()


def conll_lines(record: Annotation, lang: str = "en") -> Iterator[str]:
    """The lines of one document, without line ends: DOCSTART, a blank, then the sentences,
    each followed by a blank line."""
    # Only the accepted spans cut: rejected ones are not written, so their edges would split
    # a token for nothing.
    doc = _SENTENCIZER(split_doc(blank(lang).make_doc(record.text), span_edges(record.spans)))
    tags = ["O"] * len(doc)
    for span in filter_spans([spacy_span(doc, s, record.doc_id) for s in record.spans]):
        tags[span.start] = f"B-{span.label_}"
        for i in range(span.start + 1, span.end):
            tags[i] = f"I-{span.label_}"
    yield DOCSTART
    yield ""
    for sentence in doc.sents:
        tokens = [t for t in sentence if not t.is_space]
        if not tokens:
            continue
        for token in tokens:
            yield f"{token.text}\t{tags[token.i]}"
        yield ""


def export_conll_file(records: Iterable[Annotation], out: Path, schema: LabelSchema) -> list[Path]:
    """:func:`export_conll` as the format registry calls it, in the schema's language."""
    return [export_conll(records, out, schema.lang)]


def export_conll(records: Iterable[Annotation], out: Path, lang: str = "en") -> Path:
    """Write all records to ``out`` (atomically) and return it."""
    out = Path(out)
    with atomic_writer(out) as handle:
        for record in records:
            handle.write("".join(f"{line}\n" for line in conll_lines(record, lang)).encode("utf-8"))
    return out
