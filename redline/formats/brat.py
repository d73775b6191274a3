"""brat standoff: ``<doc_id>.txt`` with ``<doc_id>.ann`` beside it, and ``annotation.conf``.

Written: ``T1<TAB>LABEL start end<TAB>text`` per accepted span (in fragments split at a line
break, as brat writes one), ``R1<TAB>LABEL Arg1:T1 Arg2:T2`` per relation, each kept note
(below) as ``#n<TAB>AnnotatorNotes <id><TAB>note`` on its annotation's new id, and the
record's own note on T1 unless a kept note says the same. Rejected suggestions are not
written; ``annotation.conf`` is :mod:`.brat_conf`'s.

Read: a document is one record or none. Anything wrong in it (offsets outside the text or
not matching its quote, a discontinuous span, whitespace at a span's edge, an id used twice,
a relation to a missing span, an unknown line type, a note on nothing; with a schema, an
unknown label, a relation between the wrong types, an overlap it does not allow) is a
problem at its file and line, and the document yields no record: half a document taken as
gold is wrong gold. Two T lines of one label and offsets are no overlap: both are read, the
importer keeps one. What a record does not model (events E, attributes A M, normalizations
N, equivalences *, relations and notes on them) is left out with one :class:`InputWarning`
per kind for the whole folder, keeping no document out.

A note belongs to one annotation: ``record.foreign["brat"]["notes"]`` lists, in file order,
``{"target": T, "note": text}``, ``T`` a span's key ``{"start", "end", "label"}`` or a
relation's ``{"head": <span key>, "child": <span key>, "label"}`` (keys, not brat ids: ids
are renumbered on export, and a duplicate span the importer merges keeps its key). A note
whose annotation is removed in redline goes with it, as in brat; ``record.note`` (typed in
redline) stays empty. A ``.txt`` beginning with a byte order mark is read without it, and
its ``.ann`` offsets, which brat counted with it, one less.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from redline.atomic import write_atomic
from redline.byte_order_mark import strip_bom
from redline.errors import InputError, InputWarning, Location, display_path
from redline.formats.brat_conf import CONF_NAME, annotation_conf
from redline.schema.labels import LabelSchema
from redline.schema.records import Annotation, Relation, Span, text_sha1
from redline.tokens import loose_edge

_UNSAFE = re.compile(r"[^\w.\-]+")
_OFFSETS = re.compile(r"^\d+ \d+(;\d+ \d+)*$")
MAX_STEM_BYTES = 200
"""File names stay well under the 255 bytes file systems allow, with ``.ann`` after them."""
_NOT_EXPRESSIBLE = {"E": "events (E)", "N": "normalizations (N)", "*": "equivalences (*)"}
_NOT_EXPRESSIBLE |= dict.fromkeys("AM", "attributes (A, M)")
_ATTACHED = "relations and notes on events, attributes, normalizations or equivalences"


def file_stem(doc_id: str) -> str:
    """A file name for a doc_id: characters other than letters, digits, '.', '_' and '-'
    become '_'; a name that would begin with '.' (hidden) or '-' (an option to every shell
    tool) gets a '_' in front; one over :data:`MAX_STEM_BYTES` in UTF-8 is cut and ends with
    ``~`` and a hash of the whole doc_id, which no other name has (``~`` is never kept)."""
    stem = _UNSAFE.sub("_", doc_id) or "_"
    if stem[0] in ".-":
        stem = f"_{stem}"
    if len(stem.encode("utf-8")) > MAX_STEM_BYTES:
        digest = hashlib.sha1(doc_id.encode("utf-8")).hexdigest()[:16]
        room = MAX_STEM_BYTES - len(digest) - 1
        stem = f"{stem.encode('utf-8')[:room].decode('utf-8', 'ignore')}~{digest}"
    return stem


def _fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """[start, end) cut at line breaks, as brat stores a span across lines."""
    pieces = re.finditer(r"[^\n\r]+", text[start:end])
    return [(start + m.start(), start + m.end()) for m in pieces] or [(start, end)]


def one_line(value: str) -> str:
    """A note as brat can hold it: line breaks and tabs become spaces."""
    return " ".join(value.replace("\t", " ").splitlines())


def _key(target: object) -> bytes:
    """A note's target (or an annotation's key) as a dict key."""
    return orjson.dumps(target, option=orjson.OPT_SORT_KEYS)


def kept_notes(record: Annotation) -> list[tuple[bytes, str]]:
    """The brat notes a record kept, as (target key, note) in their order."""
    brat = record.foreign.get("brat")
    notes = brat.get("notes") if isinstance(brat, dict) else None
    return [
        (_key(entry.get("target")), entry["note"])
        for entry in (notes if isinstance(notes, list) else [])
        if isinstance(entry, dict) and isinstance(entry.get("note"), str)
    ]


def ann_text(record: Annotation) -> str:
    """The ``.ann`` file of one record."""
    lines: list[str] = []
    t_ids: dict[str, str] = {}
    keys: dict[str, dict[str, Any]] = {}
    by_key: dict[bytes, str] = {}
    for n, span in enumerate(record.spans, start=1):
        t_ids[span.id] = f"T{n}"
        keys[span.id] = {"start": span.start, "end": span.end, "label": span.label}
        by_key.setdefault(_key(keys[span.id]), f"T{n}")
        pieces = _fragments(record.text, span.start, span.end)
        offsets = ";".join(f"{s} {e}" for s, e in pieces)
        quoted = " ".join(record.text[s:e] for s, e in pieces)
        lines.append(f"T{n}\t{span.label} {offsets}\t{quoted}")
    for n, relation in enumerate(record.relations, start=1):
        lines.append(
            f"R{n}\t{relation.label} Arg1:{t_ids[relation.head]} Arg2:{t_ids[relation.child]}"
        )
        head, child = keys[relation.head], keys[relation.child]
        by_key.setdefault(_key({"head": head, "child": child, "label": relation.label}), f"R{n}")
    notes = [
        (by_key[target], one_line(note)) for target, note in kept_notes(record) if target in by_key
    ]
    if record.note and record.spans and one_line(record.note) not in {n for _, n in notes}:
        notes.insert(0, ("T1", one_line(record.note)))
    lines += [f"#{n}\tAnnotatorNotes {t}\t{note}" for n, (t, note) in enumerate(notes, start=1)]
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
    folder: Path,
    annotator: str,
    schema: LabelSchema,
    problems: list[InputError],
    *,
    id_key: str | None = None,
) -> Iterator[tuple[Annotation, Location]]:
    """Each good document's record, placed at its ``.ann`` file; what cannot be read is in
    ``problems`` before the first record comes. ``id_key`` is ignored: a brat document's id
    is its file stem, and brat has no field to take another from."""
    records, found = import_brat(folder, annotator, schema)
    problems.extend(found)
    return iter([(r, Location(display_path(Path(folder) / f"{r.doc_id}.ann"))) for r in records])


def import_brat(
    folder: Path, annotator: str, schema: LabelSchema | None = None
) -> tuple[list[Annotation], list[InputError]]:
    """One record per ``.txt`` in ``folder`` (with its ``.ann``; none means no annotations)
    that has no problem, and every problem and warning (see the module's docstring)."""
    folder = Path(folder)
    problems = [
        InputError(Location(display_path(ann)), "no .txt beside this .ann; skipped")
        for ann in sorted(folder.glob("*.ann"))
        if not ann.with_suffix(".txt").is_file()
    ]
    left_out: list[tuple[str, str]] = []  # (what, .ann file) per line left out
    texts = sorted(p for p in folder.iterdir() if p.suffix == ".txt" and not p.name.startswith("."))
    found = [_read_document(txt, annotator, schema, problems, left_out) for txt in texts]
    kinds = [*_NOT_EXPRESSIBLE.values(), _ATTACHED]
    for what in sorted({what for what, _ in left_out}, key=kinds.index):
        files = [shown for kind, shown in left_out if kind == what]
        problems.append(
            InputWarning(
                Location(display_path(folder)),
                f"brat {what}: {len(files)} in {len(set(files))} file(s) have no place in a "
                "record and are left out (the rest of each document is read)",
            )
        )
    return [record for record in found if record is not None], problems


def _decode(path: Path, problems: list[InputError]) -> str | None:
    shown = display_path(path)
    raw = b""
    try:
        raw = path.read_bytes()
        return raw.decode("utf-8")
    except OSError as error:
        problems.append(InputError(Location(shown), f"cannot read: {error.strerror}; skipped"))
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        problems.append(InputError(Location(shown, line), "invalid UTF-8; skipped"))
    return None


def _read_document(
    txt: Path,
    annotator: str,
    schema: LabelSchema | None,
    problems: list[InputError],
    left_out: list[tuple[str, str]],
) -> Annotation | None:
    """The record of one document, or None when it has a problem (added to ``problems``,
    in line order); what it holds that a record cannot is counted in ``left_out``."""
    found: list[InputError] = []
    raw_text = _decode(txt, found)
    ann = txt.with_suffix(".ann")
    content = _decode(ann, found) if raw_text is not None and ann.is_file() else ""
    if raw_text is None or content is None:
        problems.extend(found)
        return None
    text, shift = strip_bom(raw_text)
    reader = _AnnReader(text, shift, display_path(ann), schema, found)
    reader.read_all(strip_bom(content)[0])
    left_out += [(what, reader.shown) for what in reader.left_out]
    problems.extend(sorted(found, key=lambda p: p.location.line or 0))
    if found:
        return None
    return Annotation(
        doc_id=txt.stem,
        text=text,
        text_sha1=text_sha1(text),
        meta={"source": display_path(txt)},
        foreign={"brat": {"notes": reader.notes}} if reader.notes else {},
        spans=reader.spans,
        relations=reader.relations,
        annotator=annotator,
    )


@dataclass
class _AnnReader:
    """Reads the lines of one ``.ann`` file into spans, relations and notes: T lines first,
    then R, then the rest, so that a line may name an annotation written after it."""

    text: str
    shift: int  # 1 when the .txt began with a byte order mark, which the offsets count
    shown: str
    schema: LabelSchema | None
    problems: list[InputError]
    spans: list[Span] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    notes: list[dict[str, Any]] = field(default_factory=list)
    by_id: dict[str, Span] = field(default_factory=dict)
    keys: dict[str, dict[str, Any]] = field(default_factory=dict)
    """The key of each span and relation read, by brat id: what a note's target is."""
    skipped: set[str] = field(default_factory=set)  # ids of T and R lines reported
    foreign_ids: set[str] = field(default_factory=set)  # ids of lines left out (events...)
    left_out: list[str] = field(default_factory=list)  # what, per line left out

    def problem(self, number: int, message: str) -> None:
        self.problems.append(InputError(Location(self.shown, number), message))

    def read_all(self, content: str) -> None:
        lines = [
            (number, line.removesuffix("\r"))
            for number, line in enumerate(content.split("\n"), start=1)
            if line.strip()
        ]
        self.foreign_ids = {line.split("\t")[0] for _, line in lines if line[0] in _NOT_EXPRESSIBLE}
        order, read = {"T": 0, "R": 1}, {"T": self._span, "R": self._relation, "#": self._note}
        for number, line in sorted(lines, key=lambda item: order.get(item[1][0], 2)):
            if line[0] in read:
                read[line[0]](line, number)
            elif line[0] in _NOT_EXPRESSIBLE:
                self.left_out.append(_NOT_EXPRESSIBLE[line[0]])
            else:
                self.problem(number, f"unknown line type {line.split(chr(9), 1)[0]!r}; skipped")

    def _span(self, line: str, number: int) -> None:
        parts = line.split("\t")
        ident = parts[0]
        label, _, offsets = parts[1].partition(" ") if len(parts) > 1 else ("", "", "")
        pieces = (
            [(int(s), int(e)) for s, e in (p.split() for p in offsets.split(";"))]
            if _OFFSETS.match(offsets)
            else []
        )
        refusal = (
            "expected 'T1<TAB>LABEL start end<TAB>text'"
            if not label
            else f"offsets {offsets!r} are not 'start end'"
            if not pieces
            else self._span_refusal(ident, label, pieces, parts[2] if len(parts) > 2 else None)
        )
        if refusal:
            self.skipped.add(ident)
            return self.problem(number, f"{ident}: {refusal}; skipped")
        start, end = pieces[0][0] - self.shift, pieces[-1][1] - self.shift
        span = Span(id=ident, start=start, end=end, label=label, origin="annotator", edit="added")
        self.spans.append(span)
        self.by_id[ident] = span
        self.keys[ident] = {"start": start, "end": end, "label": label}

    def _span_refusal(
        self, ident: str, label: str, pieces: list[tuple[int, int]], quoted: str | None
    ) -> str | None:
        if ident in self.by_id or ident in self.skipped:
            return f"id {ident} is used twice"
        size = len(self.text) + self.shift
        for s, e in pieces:
            if not self.shift <= s < e <= size:
                mark = ", the byte order mark counted as brat counts it" if self.shift else ""
                return f"offsets {s} {e} are not a range inside the text ({size} characters{mark})"
        text = self.text
        pieces = [(s - self.shift, e - self.shift) for s, e in pieces]
        for (_, e), (s, _) in itertools.pairwise(pieces):
            if s < e or text[e:s].strip():
                return f"discontinuous span {text[e:s]!r} left out between fragments"
        found = " ".join(text[s:e] for s, e in pieces)
        if quoted is not None and " ".join(quoted.split()) != " ".join(found.split()):
            return f"the offsets give {found!r}, not {quoted!r}: the text does not match the .txt"
        start, end = pieces[0][0], pieces[-1][1]
        if loose_edge(text, start, end):
            return f"[{start}, {end}) {text[start:end]!r} begins or ends with whitespace"
        if self.schema is not None:
            if label not in self.schema.entity_labels:
                return f"label {label!r} is not in schema {self.schema.name!r}"
            if not self.schema.allow_overlap:
                for other in self.spans:
                    same = (other.start, other.end, other.label) == (start, end, label)
                    if not same and other.start < end and start < other.end:
                        return (
                            f"overlaps {other.id} [{other.start}, {other.end}), and schema "
                            f"{self.schema.name!r} does not allow overlapping spans"
                        )
        return None

    def _relation(self, line: str, number: int) -> None:
        parts = line.split("\t")
        ident = parts[0]
        fields = parts[1].split() if len(parts) > 1 else []
        args = dict(item.partition(":")[::2] for item in fields[1:])
        if ident in self.keys or ident in self.skipped:
            return self.problem(number, f"{ident}: id {ident} is used twice; skipped")
        self.skipped.add(ident)  # until it is read
        if len(fields) != 3 or set(args) != {"Arg1", "Arg2"}:
            return self.problem(
                number, f"{ident}: expected 'R1<TAB>LABEL Arg1:T1 Arg2:T2'; skipped"
            )
        label = fields[0]
        if args["Arg1"] in self.foreign_ids or args["Arg2"] in self.foreign_ids:
            self.skipped.discard(ident)
            self.foreign_ids.add(ident)
            return self.left_out.append(_ATTACHED)
        for name in ("Arg1", "Arg2"):
            if args[name] not in self.by_id:
                why = "was skipped" if args[name] in self.skipped else "is not in this file"
                return self.problem(
                    number, f"{ident}: {name} {args[name]} {why}, so the relation is skipped"
                )
        head, child = self.by_id[args["Arg1"]], self.by_id[args["Arg2"]]
        if self.schema is not None:
            refusal = self.schema.relation_refusal(label, head.label, child.label)
            if refusal:
                return self.problem(number, f"{ident}: {refusal}; skipped")
        self.skipped.discard(ident)
        relation = Relation(
            id=ident, head=head.id, child=child.id, label=label, origin="annotator", edit="added"
        )
        self.relations.append(relation)
        self.keys[ident] = {
            "head": self.keys[head.id],
            "child": self.keys[child.id],
            "label": label,
        }

    def _note(self, line: str, number: int) -> None:
        """A note is kept with the annotation it is on (see the module's docstring)."""
        parts = line.split("\t")
        fields = parts[1].split() if len(parts) > 1 else []
        if len(parts) < 3 or len(fields) != 2 or fields[0] != "AnnotatorNotes":
            return self.problem(
                number, f"{parts[0]}: expected '#1<TAB>AnnotatorNotes T1<TAB>note'; skipped"
            )
        on = fields[1]
        if on in self.foreign_ids:
            return self.left_out.append(_ATTACHED)
        if on not in self.keys:
            why = "which was refused" if on in self.skipped else "which is not in this file"
            return self.problem(number, f"{parts[0]}: a note on {on}, {why}; skipped")
        self.notes.append({"target": self.keys[on], "note": "\t".join(parts[2:])})
