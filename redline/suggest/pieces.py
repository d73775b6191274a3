"""Cutting a text longer than the pipeline's ``max_length`` into pieces it can analyse.

spaCy refuses a text over ``nlp.max_length`` (1,000,000 characters; error E088) because the
parser's and NER's memory grows with the text. A long article is still annotated, so the
suggester analyses it piece by piece and shifts what each piece found back to the offsets
of the whole text. Where a piece ends decides what may be lost, so a cut is made, in this
order of preference, at the last paragraph break (a blank line) that fits, else after the
last sentence-ish break (``.``, ``!``, ``?`` and closing quotes, then whitespace), else at
the last line break, else at the last whitespace: entities and relations (which the rules
and the relation model look for within a sentence) never cross a paragraph or a sentence,
so only a text with neither for a million characters can lose a name at a cut. Every cut
falls after a run of whitespace, so no token is ever split.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from redline.errors import RedlineError
from redline.schema.records import Document, Origin, Relation, Span

_BREAKS = (
    re.compile(r"\n[^\S\n]*\n\s*"),  # a paragraph break: a blank line
    re.compile(r"[.!?…。！？][\"'”’»)\]]*\s+"),  # the end of a sentence, roughly
    re.compile(r"\n\s*"),  # a line break
    re.compile(r"\s+"),  # any whitespace
)
"""Where a text may be cut, best first; a cut goes at the end of the match."""


class TextTooLongError(RedlineError):
    """A text with a stretch longer than the pipeline's limit and no whitespace to cut at."""


def _cut_in(text: str, start: int, stop: int) -> int | None:
    """The best cut in ``text[start:stop]`` strictly after ``start``, or None."""
    for pattern in _BREAKS:
        last = None
        for last in pattern.finditer(text, start, stop):  # noqa: B007 - the last match
            pass
        if last is not None and last.end() > start:
            return last.end()
    return None


def cut_pieces(text: str, limit: int) -> list[tuple[int, int]]:
    """[start, end) of each piece of ``text``, in order and covering it, each at most
    ``limit`` characters long; one piece when the text fits. Raises
    :class:`TextTooLongError` where ``limit`` characters in a row hold no whitespace."""
    if limit < 1:
        raise ValueError(f"a piece must be at least 1 character long, not {limit}")
    pieces: list[tuple[int, int]] = []
    start = 0
    while len(text) - start > limit:
        cut = _cut_in(text, start, start + limit)
        if cut is None:
            raise TextTooLongError(
                f"{len(text):,} characters with no whitespace in the {limit:,} after "
                f"character {start:,}: longer than the model's limit of {limit:,} characters "
                "(spaCy's max_length), and nowhere to cut it"
            )
        pieces.append((start, cut))
        start = cut
    pieces.append((start, len(text)))
    return pieces


class SourceError(Exception):
    """An error raised by the documents' iterator, carried through ``nlp.pipe`` apart from
    the errors of analysing one document."""

    def __init__(self, error: Exception) -> None:
        super().__init__(str(error))
        self.error = error


@dataclass
class Found:
    """What the pieces of one document found so far, in the whole text's offsets."""

    document: Document
    pieces: int
    spans: list[Span] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    done: int = 0

    @property
    def complete(self) -> bool:
        return self.done == self.pieces

    def add(
        self, offset: int, spans: list[Span], relations: list[tuple[int, int, str, Origin]]
    ) -> None:
        """A piece's spans shifted by its offset, spans and relations numbered on from the
        pieces before (pieces arrive in order)."""
        first = len(self.spans)
        shifted = [
            s.model_copy(
                update={"id": f"s{first + n}", "start": s.start + offset, "end": s.end + offset}
            )
            for n, s in enumerate(spans, start=1)
        ]
        self.spans.extend(shifted)
        numbered = len(self.relations)
        self.relations.extend(
            Relation(
                id=f"r{numbered + n}",
                head=shifted[h].id,
                child=shifted[c].id,
                label=label,
                origin=origin,
            )
            for n, (h, c, label, origin) in enumerate(relations, start=1)
        )
        self.done += 1


def failure_line(document: Document, error: Exception) -> str:
    """One line for a document left out: its id and the error's first line (spaCy's
    messages run long, but a traceback is for bugs, not for a text that does not fit)."""
    message = " ".join(str(error).split()) or type(error).__name__
    if isinstance(error, RedlineError):
        return message if document.doc_id in message else f"document {document.doc_id!r}: {message}"
    return f"document {document.doc_id!r}: not analysed ({type(error).__name__}: {message})"
