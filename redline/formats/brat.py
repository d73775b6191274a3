"""brat standoff: ``<doc_id>.txt`` with ``<doc_id>.ann`` beside it, and ``annotation.conf``.

Written: ``T1<TAB>LABEL start end<TAB>text`` per accepted span (a span across a line break is
written as brat writes one, in fragments split at the break), ``R1<TAB>LABEL Arg1:T1
Arg2:T2`` per relation, and the record's note as ``#1<TAB>AnnotatorNotes T1<TAB>note`` on
the first span (brat notes belong to an annotation; a record without spans has nowhere to put
one). Rejected suggestions have no place in brat and are not written.

Read: what a record cannot express is reported with its file and line and left out; the rest
of the document is still read. That is: discontinuous spans, events (E), attributes (A, M),
normalizations (N), equivalences (*), unknown line types, offsets outside the text or not
matching the quoted text, spans beginning or ending with whitespace, relations to missing
spans, and, with a schema, unknown labels, relations between the wrong types and overlapping
spans. Offsets are characters both ways, so a span inside a spaCy token ("Hun Sen" of "Sen.")
is written and read as it is.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from redline.atomic import write_atomic
from redline.errors import InputError, Location, display_path
from redline.schema.labels import LabelSchema
from redline.schema.records import Annotation, Relation, Span, text_sha1
from redline.tokens import loose_edge

CONF_NAME = "annotation.conf"
_UNSAFE = re.compile(r"[^\w.\-]+")
_OFFSETS = re.compile(r"^\d+ \d+(;\d+ \d+)*$")
_NOT_EXPRESSIBLE = {
    "E": "events",
    "A": "attributes",
    "M": "attributes",
    "N": "normalizations",
    "*": "equivalences",
}


def file_stem(doc_id: str) -> str:
    """A file name for a doc_id: characters other than letters, digits, '.', '_' and '-'
    become '_'."""
    stem = _UNSAFE.sub("_", doc_id).lstrip(".")
    return stem or "_"


def annotation_conf(schema: LabelSchema) -> str:
    lines = ["[entities]", *(e.label for e in schema.entities), "", "[relations]"]
    lines += [
        f"{r.label}\tArg1:{'|'.join(r.head)}, Arg2:{'|'.join(r.child)}" for r in schema.relations
    ]
    lines += ["", "[events]", "", "[attributes]", ""]
    return "\n".join(lines)


def _fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """[start, end) cut at line breaks, as brat stores a span across lines."""
    pieces: list[tuple[int, int]] = []
    for match in re.finditer(r"[^\n\r]+", text[start:end]):
        piece_start, piece_end = start + match.start(), start + match.end()
        pieces.append((piece_start, piece_end))
    return pieces or [(start, end)]


def one_line(value: str) -> str:
    """A note as brat can hold it: line breaks and tabs become spaces."""
    return " ".join(value.replace("\t", " ").splitlines())


def ann_text(record: Annotation) -> str:
    """The ``.ann`` file of one record."""
    lines: list[str] = []
    t_ids: dict[str, str] = {}
    for n, span in enumerate(record.spans, start=1):
        t_ids[span.id] = f"T{n}"
        pieces = _fragments(record.text, span.start, span.end)
        offsets = ";".join(f"{s} {e}" for s, e in pieces)
        quoted = " ".join(record.text[s:e] for s, e in pieces)
        lines.append(f"T{n}\t{span.label} {offsets}\t{quoted}")
    for n, relation in enumerate(record.relations, start=1):
        lines.append(
            f"R{n}\t{relation.label} Arg1:{t_ids[relation.head]} Arg2:{t_ids[relation.child]}"
        )
    if record.note and record.spans:
        lines.append(f"#1\tAnnotatorNotes T1\t{one_line(record.note)}")
    return "".join(f"{line}\n" for line in lines)


def export_brat_folder(
    records: Iterable[Annotation], out_dir: Path, schema: LabelSchema
) -> list[Path]:
    """:func:`export_brat`, naming the folder rather than each file (what a user is told)."""
    export_brat(records, out_dir, schema)
    return [Path(out_dir)]


def export_brat(records: Iterable[Annotation], out_dir: Path, schema: LabelSchema) -> list[Path]:
    """Write each record's ``.txt`` and ``.ann`` and the schema's ``annotation.conf`` into
    ``out_dir``; returns the paths written. Two records for one file name are an error."""
    out_dir = Path(out_dir)
    written: list[Path] = []
    seen: dict[str, str] = {}
    for record in records:
        stem = file_stem(record.doc_id)
        if stem in seen:
            raise ValueError(
                f"doc_ids {seen[stem]!r} and {record.doc_id!r} would both be written to "
                f"{stem}.ann; brat holds one record per document"
            )
        seen[stem] = record.doc_id
        written.append(write_atomic(out_dir / f"{stem}.txt", record.text.encode("utf-8")))
        written.append(write_atomic(out_dir / f"{stem}.ann", ann_text(record).encode("utf-8")))
    written.append(write_atomic(out_dir / CONF_NAME, annotation_conf(schema).encode("utf-8")))
    return written


def read_brat(
    folder: Path, annotator: str, schema: LabelSchema, problems: list[InputError]
) -> Iterator[tuple[Annotation, Location]]:
    """Each document's record, placed at its ``.ann`` file; what cannot be read is in
    ``problems`` before the first record comes."""
    records, found = import_brat(folder, annotator, schema)
    problems.extend(found)
    return iter([(r, Location(display_path(Path(folder) / f"{r.doc_id}.ann"))) for r in records])


def import_brat(
    folder: Path, annotator: str, schema: LabelSchema | None = None
) -> tuple[list[Annotation], list[InputError]]:
    """One record per ``.txt`` in ``folder`` (with its ``.ann``; none means no annotations),
    and one problem per thing that cannot be read (see the module's docstring)."""
    folder = Path(folder)
    records: list[Annotation] = []
    problems: list[InputError] = []
    texts = sorted(p for p in folder.iterdir() if p.suffix == ".txt" and not p.name.startswith("."))
    for ann in sorted(folder.glob("*.ann")):
        if not ann.with_suffix(".txt").is_file():
            problems.append(
                InputError(Location(display_path(ann)), "no .txt beside this .ann; skipped")
            )
    for txt in texts:
        record = _read_document(txt, annotator, schema, problems)
        if record is not None:
            records.append(record)
    return records, problems


def _decode(path: Path, problems: list[InputError]) -> str | None:
    shown = display_path(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        problems.append(InputError(Location(shown), f"cannot read: {error.strerror}; skipped"))
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        problems.append(InputError(Location(shown, line), "invalid UTF-8; skipped"))
        return None


def _read_document(
    txt: Path, annotator: str, schema: LabelSchema | None, problems: list[InputError]
) -> Annotation | None:
    text = _decode(txt, problems)
    if text is None:
        return None
    ann = txt.with_suffix(".ann")
    content = _decode(ann, problems) if ann.is_file() else ""
    if content is None:
        return None
    reader = _AnnReader(text, display_path(ann), schema, problems)
    for number, line in enumerate(content.split("\n"), start=1):
        line = line.removesuffix("\r")
        if line.strip():
            reader.read(line, number)
    return Annotation(
        doc_id=txt.stem,
        text=text,
        text_sha1=text_sha1(text),
        meta={"source": display_path(txt)},
        spans=reader.spans,
        relations=reader.relations,
        note="\n".join(reader.notes),
        annotator=annotator,
    )


class _AnnReader:
    """Reads the lines of one ``.ann`` file into spans, relations and notes."""

    def __init__(
        self, text: str, shown: str, schema: LabelSchema | None, problems: list[InputError]
    ) -> None:
        self.text = text
        self.shown = shown
        self.schema = schema
        self.problems = problems
        self.spans: list[Span] = []
        self.relations: list[Relation] = []
        self.notes: list[str] = []
        self.by_id: dict[str, Span] = {}
        self.skipped: set[str] = set()  # ids of T lines already reported

    def problem(self, number: int, message: str) -> None:
        self.problems.append(InputError(Location(self.shown, number), message))

    def read(self, line: str, number: int) -> None:
        kind = line[0]
        if kind == "T":
            self._span(line, number)
        elif kind == "R":
            self._relation(line, number)
        elif kind == "#":
            self._note(line, number)
        elif kind in _NOT_EXPRESSIBLE:
            ident = line.split("\t", 1)[0]
            self.problem(
                number, f"{ident}: brat {_NOT_EXPRESSIBLE[kind]} have no place in a record; skipped"
            )
        else:
            self.problem(number, f"unknown line type {line.split(chr(9), 1)[0]!r}; skipped")

    def _span(self, line: str, number: int) -> None:
        parts = line.split("\t")
        ident = parts[0]
        if len(parts) < 2 or " " not in parts[1]:
            self.skipped.add(ident)
            return self.problem(number, f"{ident}: expected 'T1<TAB>LABEL start end<TAB>text'")
        label, offsets = parts[1].split(" ", 1)
        if not _OFFSETS.match(offsets):
            self.skipped.add(ident)
            return self.problem(number, f"{ident}: offsets {offsets!r} are not 'start end'")
        pieces = [tuple(int(x) for x in piece.split()) for piece in offsets.split(";")]
        start, end = pieces[0][0], pieces[-1][1]
        refusal = self._span_refusal(ident, label, pieces, parts[2] if len(parts) > 2 else None)
        if refusal:
            self.skipped.add(ident)
            return self.problem(number, f"{ident}: {refusal}; skipped")
        span = Span(id=ident, start=start, end=end, label=label, origin="annotator", edit="added")
        self.spans.append(span)
        self.by_id[ident] = span

    def _span_refusal(
        self, ident: str, label: str, pieces: list[tuple[int, ...]], quoted: str | None
    ) -> str | None:
        text = self.text
        if ident in self.by_id or ident in self.skipped:
            return f"id {ident} is used twice"
        for s, e in pieces:
            if not s < e <= len(text):
                return f"offsets {s} {e} are not a range inside the text ({len(text)} characters)"
        for (_, e), (s, _) in itertools.pairwise(pieces):
            if s < e or text[e:s].strip():
                return f"discontinuous span {text[e:s]!r} left out between fragments"
        found = " ".join(text[s:e] for s, e in pieces)
        if (
            quoted is not None
            and quoted != found
            and " ".join(quoted.split()) != " ".join(found.split())
        ):
            return f"the offsets give {found!r}, not {quoted!r}: the text does not match the .txt"
        start, end = pieces[0][0], pieces[-1][1]
        if loose_edge(text, start, end):
            return f"[{start}, {end}) {text[start:end]!r} begins or ends with whitespace"
        if self.schema is not None:
            if label not in self.schema.entity_labels:
                return f"label {label!r} is not in schema {self.schema.name!r}"
            if not self.schema.allow_overlap:
                for other in self.spans:
                    if other.start < end and start < other.end:
                        return (
                            f"overlaps {other.id} [{other.start}, {other.end}), and schema "
                            f"{self.schema.name!r} does not allow overlapping spans"
                        )
        return None

    def _relation(self, line: str, number: int) -> None:
        parts = line.split("\t")
        ident = parts[0]
        fields = parts[1].split() if len(parts) > 1 else []
        args: dict[str, str] = {}
        for field in fields[1:]:
            name, _, value = field.partition(":")
            args[name] = value
        if len(fields) != 3 or set(args) != {"Arg1", "Arg2"}:
            return self.problem(
                number, f"{ident}: expected 'R1<TAB>LABEL Arg1:T1 Arg2:T2'; skipped"
            )
        label = fields[0]
        for name in ("Arg1", "Arg2"):
            if args[name] not in self.by_id:
                why = "was skipped" if args[name] in self.skipped else "is not in this file"
                return self.problem(
                    number, f"{ident}: {name} {args[name]} {why}, so the relation is skipped"
                )
        head, child = self.by_id[args["Arg1"]], self.by_id[args["Arg2"]]
        if any(r.id == ident for r in self.relations):
            return self.problem(number, f"{ident}: id {ident} is used twice; skipped")
        if self.schema is not None:
            refusal = self.schema.relation_refusal(label, head.label, child.label)
            if refusal:
                return self.problem(number, f"{ident}: {refusal}; skipped")
        self.relations.append(
            Relation(
                id=ident,
                head=head.id,
                child=child.id,
                label=label,
                origin="annotator",
                edit="added",
            )
        )

    def _note(self, line: str, number: int) -> None:
        """A note belongs to the record, whichever annotation brat hung it on."""
        parts = line.split("\t")
        fields = parts[1].split() if len(parts) > 1 else []
        if len(parts) < 3 or len(fields) != 2 or fields[0] != "AnnotatorNotes":
            return self.problem(
                number, f"{parts[0]}: expected '#1<TAB>AnnotatorNotes T1<TAB>note'; skipped"
            )
        self.notes.append("\t".join(parts[2:]))
