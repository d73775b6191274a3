"""spaCy's binary training format (``.spacy``, a DocBin): what ``spacy train`` reads.

Each record becomes a Doc: its accepted spans are ``doc.spans["sc"]`` (all of them, overlaps
included, for a spancat) and ``doc.ents`` (the longest of any overlapping ones, since
entities may not overlap); the suggestions the annotator rejected are
``doc.spans["incorrect_spans"]``, the key spaCy's ``ner`` reads negative examples from
(``incorrect_spans_key``), and are never entities. ``doc.user_data["redline"]`` keeps the
doc_id, annotator and answer, and each span's id, origin and edit, so ``from_docbin`` gives the
spans back as they were.

A span starting or ending inside a spaCy token ("Hun Sen" of "Sen.") cannot be a spaCy span
of that token, so the token is cut at the span's edge ("Sen" and "." with no space between):
the Doc's words are the tokenizer's, cut at every span edge (:func:`split_doc`), and each span
covers exactly its characters.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, DocBin
from spacy.tokens import Span as SpacySpan
from spacy.util import filter_spans

from redline.atomic import write_atomic
from redline.errors import RedlineError, display_path
from redline.schema.labels import LabelSchema
from redline.schema.records import Annotation, Span, text_sha1
from redline.tokens import blank, span_edges, split_tokens

SPANS_KEY = "sc"
INCORRECT_SPANS_KEY = "incorrect_spans"
USER_DATA_KEY = "redline"


def split_doc(doc: Doc, cuts: Iterable[int]) -> Doc:
    """``doc`` with its tokens cut at ``cuts`` (:func:`redline.tokens.split_tokens`), the
    text unchanged: a cut piece is followed by no space, the last piece by the token's."""
    text = doc.text
    bounds = [(token.idx, token.idx + len(token)) for token in doc]
    pieces = split_tokens(bounds, cuts)
    if len(pieces) == len(bounds):
        return doc
    # spaCy's whitespace after a token is one space or none, so a gap between two pieces is
    # always that space (whitespace beyond it is a token of its own).
    nexts = [start for start, _ in pieces[1:]] + [len(text)]
    return Doc(
        doc.vocab,
        words=[text[start:end] for start, end in pieces],
        spaces=[after > end for (_, end), after in zip(pieces, nexts, strict=True)],
    )


def record_doc(record: Annotation, nlp: Language | None = None, lang: str = "en") -> Doc:
    """The record's text as ``nlp`` (default: a blank ``lang`` pipeline) tokenizes it, cut at
    the edges of its spans, accepted and rejected, so every one is whole tokens."""
    doc = (nlp or blank(lang)).make_doc(record.text)
    return split_doc(doc, span_edges([*record.spans, *record.rejected]))


def spacy_span(doc: Doc, span: Span, doc_id: str) -> SpacySpan:
    """The spaCy span of exactly the span's characters; an error if ``doc`` was not cut at
    its edges (:func:`record_doc`), rather than a span quietly grown or shrunk."""
    found = doc.char_span(span.start, span.end, span.label, span_id=span.id)
    if found is None:
        raise RedlineError(
            f"{doc_id}: span {span.id} [{span.start}, {span.end}) "
            f"{doc.text[span.start : span.end]!r} does not start and end on spaCy token boundaries"
        )
    return found


def to_doc(record: Annotation, nlp: Language | None = None, lang: str = "en") -> Doc:
    doc = record_doc(record, nlp, lang)
    spans = [spacy_span(doc, s, record.doc_id) for s in record.spans]
    doc.spans[SPANS_KEY] = spans
    doc.ents = filter_spans(spans)
    if record.rejected:
        doc.spans[INCORRECT_SPANS_KEY] = [
            spacy_span(doc, s, record.doc_id) for s in record.rejected
        ]
    doc.user_data[USER_DATA_KEY] = {
        "doc_id": record.doc_id,
        "annotator": record.annotator,
        "answer": record.answer,
        "spans": {s.id: [s.origin, s.edit] for s in (*record.spans, *record.rejected)},
    }
    return doc


def to_docbin(
    records: Iterable[Annotation], nlp: Language | None = None, lang: str = "en"
) -> DocBin:
    """A DocBin of the records, tokenized by ``nlp`` (default: a blank ``lang`` pipeline,
    which cuts tokens as the stock pipelines do) and cut at the spans' edges."""
    docbin = DocBin(store_user_data=True)
    for record in records:
        docbin.add(to_doc(record, nlp, lang))
    return docbin


def export_docbin(records: Iterable[Annotation], out: Path, schema: LabelSchema) -> list[Path]:
    """One ``.spacy`` file of the records, tokenized in the schema's language."""
    return [write_atomic(out, to_docbin(records, lang=schema.lang).to_bytes())]


def from_docbin(path: Path, annotator: str | None = None, lang: str = "en") -> list[Annotation]:
    """The records of a ``.spacy`` file: spans from ``doc.spans["sc"]`` (else ``doc.ents``),
    rejected ones from ``doc.spans["incorrect_spans"]``. ``annotator`` overrides the one
    stored; docs made elsewhere get ``annotator`` or "spacy" and their spans are "added"."""
    path = Path(path)
    try:
        docbin = DocBin(store_user_data=True).from_bytes(path.read_bytes())
    except OSError as error:
        raise RedlineError(f"{display_path(path)}: cannot read: {error.strerror}") from None
    except Exception as error:  # DocBin raises whatever its zlib/msgpack decoding raises
        raise RedlineError(f"{display_path(path)}: not a .spacy file ({error})") from None
    records = []
    for number, doc in enumerate(docbin.get_docs(blank(lang).vocab), start=1):
        stored: dict[str, Any] = doc.user_data.get(USER_DATA_KEY) or {}
        info = stored.get("spans") or {}
        spans = doc.spans.get(SPANS_KEY, doc.ents)
        rejected = doc.spans.get(INCORRECT_SPANS_KEY, [])
        taken: set[str] = set()
        text = doc.text
        records.append(
            Annotation(
                doc_id=stored.get("doc_id") or f"{path.stem}-{number}",
                text=text,
                text_sha1=text_sha1(text),
                spans=_spans_back(spans, info, taken),
                rejected=_spans_back(rejected, info, taken),
                answer=stored.get("answer", "accept"),
                annotator=annotator or stored.get("annotator") or "spacy",
            )
        )
    return records


def _spans_back(found: Iterable[SpacySpan], info: dict[str, Any], taken: set[str]) -> list[Span]:
    """Our spans from spaCy's: the id kept in the span (else a fresh one), the origin and
    edit kept in ``user_data`` (else added by the annotator)."""
    spans = []
    for span in found:
        span_id = span.id_
        n = len(taken)
        while not span_id or span_id in taken:
            n += 1
            span_id = f"s{n}"
        taken.add(span_id)
        origin, edit = info.get(span_id, ("annotator", "added"))
        spans.append(
            Span(
                id=span_id,
                start=span.start_char,
                end=span.end_char,
                label=span.label_,
                origin=origin,
                edit=edit,
            )
        )
    return spans
