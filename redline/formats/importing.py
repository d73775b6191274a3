"""Reading records made elsewhere: Prodigy tasks, brat folders, our own JSONL, plain text.

Nothing is dropped silently: a line or file that cannot be read, and a record that does not
fit the label schema (unknown label, a relation between the wrong types, overlapping spans) or
has a span that begins or ends with whitespace, is left out and reported as one problem naming
the file and line. A span that starts or ends inside a spaCy token ("Hun Sen" of "Sen.") is
kept with its offsets as they are: the formats that need tokens cut them at its edges.

The same rules hold whatever the format, so that they are learnt once:

- A record with any problem is left out whole (``--skip-invalid`` imports the others), and
  records are counted as the format has them (:attr:`redline.formats.Reader.record`): a brat
  document with three bad lines is one record skipped, not three, nor a part of one kept.
- What is merged or only worth knowing is an :class:`InputWarning` and keeps nothing out:
  spans twice in a record (same start, end and label) and relations twice (same head, child
  and label) are kept once, since tools export them twice and counted twice they would skew
  agreement; a doc_id twice in one file is imported twice, in file order (the later is the
  newer version), but said.
- A record equal to the annotator's newest stored version (but for ``created_at``) is not
  appended again: importing the same file twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from redline.errors import InputError, InputWarning, Location, RedlineError, display_path
from redline.formats import RecordUnit, reader_of
from redline.formats.brat_conf import schema_beside
from redline.schema.keys import RelationKey, SpanKey
from redline.schema.labels import LabelSchema
from redline.schema.records import Annotation, Relation, Span
from redline.schema.shipped import resolve_schema
from redline.store import AnnotatorLog, DatasetStore, check_name
from redline.tokens import loose_edge


@dataclass
class ImportResult:
    records: list[Annotation] = field(default_factory=list)
    """The valid records (after :func:`import_into`: those appended)."""
    problems: list[InputError] = field(default_factory=list)
    """What keeps records out, each naming its file and line."""
    warnings: list[InputWarning] = field(default_factory=list)
    """What was merged or is worth knowing; it kept nothing out."""
    skipped: int = 0
    """How many records the problems are in: left out whole."""
    unchanged: int = 0
    """Valid records equal to the annotator's newest stored version, so not appended."""
    location: str | None = None
    """Where the records were saved; None while (or when) nothing was."""


def import_file(
    path: str | Path,
    fmt: str,
    annotator: str,
    schema: LabelSchema,
    *,
    id_key: str | None = None,
) -> ImportResult:
    """The records in ``path`` (a file, or a folder for brat and text), all by ``annotator``,
    with duplicates merged, and the problems and warnings met on the way; ``id_key`` is where
    each document's id is (a dotted path into a task or line), None for the format's rule."""
    if not annotator:
        raise ValueError("annotator must not be empty")
    reader = reader_of(fmt)
    path = Path(path)
    if reader.source != "file or folder" and not path.exists():
        raise RedlineError(f"{display_path(path)}: no such file or folder")
    if reader.source == "folder" and not path.is_dir():
        raise RedlineError(f"{display_path(path)}: {fmt} is read from a folder of .txt and .ann")
    if reader.source == "file" and path.is_dir():
        raise RedlineError(f"{display_path(path)}: {fmt} is read from one JSONL file")
    unit = reader.record_unit(path)
    _check_id_key(id_key, fmt, path, unit)
    found: list[InputError] = []
    options = {} if id_key is None else {"id_key": id_key}
    valid: list[tuple[Annotation, Location]] = []
    for read, location in reader.read(path, annotator, schema, found, **options):
        record = merge_duplicates(read, location, found)
        problems = record_problems(record, schema)
        if problems:
            found.extend(InputError(location, f"{p}; skipped") for p in problems)
        else:
            valid.append((record, location))
    result = ImportResult()
    for item in found:
        if isinstance(item, InputWarning):
            result.warnings.append(item)
        else:
            result.problems.append(item)
    bad = {reader.record_of(unit, problem.location) for problem in result.problems}
    result.skipped = len(bad)
    kept = [(r, where) for r, where in valid if reader.record_of(unit, where) not in bad]
    result.records = [record for record, _ in kept]
    result.warnings = sorted(
        [*result.warnings, *_doc_ids_twice(kept)],
        key=lambda w: (w.location.path, w.location.line or 0),
    )
    return result


def import_schema(path: Path, fmt: str, named: str | Path | None) -> tuple[LabelSchema, list[str]]:
    """The schema an import checks against, and notes on what it cannot hold: the one named;
    else, for brat, the ``annotation.conf`` beside the data (as brat finds it); else the
    default (:func:`~redline.schema.shipped.resolve_schema`)."""
    if named is None and fmt == "brat" and Path(path).is_dir():
        beside = schema_beside(Path(path))
        if beside is not None:
            return beside
    return resolve_schema(named), []


def import_into(
    dataset: DatasetStore,
    path: Path,
    fmt: str,
    annotator: str,
    schema: LabelSchema,
    *,
    skip_invalid: bool = False,
    id_key: str | None = None,
) -> ImportResult:
    """``redline import``: :func:`import_file`, then the records appended to the annotator's
    file (one sync) unless there were problems and ``skip_invalid`` is not set; those equal
    to what is stored are left out (:attr:`ImportResult.unchanged`)."""
    check_name("annotator", annotator)
    result = import_file(path, fmt, annotator, schema, id_key=id_key)
    if result.problems and not skip_invalid:
        return result
    with dataset.open(annotator, write=True) as log:
        new = changed(result.records, log)
        log.append_many(new)
        result.unchanged = len(result.records) - len(new)
        result.records = new
        result.location = log.location
    return result


def changed(records: Iterable[Annotation], log: AnnotatorLog) -> list[Annotation]:
    """The records to append: not those equal to the newest stored version of their doc_id,
    unless another version of it from this import comes first (then all of them go, in
    order, so that the file's last one is still the newest)."""
    appended: set[str] = set()
    new: list[Annotation] = []
    for record in records:
        if record.doc_id not in appended:
            stored = log.newest(record.doc_id)
            if stored is not None and same_version(stored, record):
                continue
        appended.add(record.doc_id)
        new.append(record)
    return new


def same_version(a: Annotation, b: Annotation) -> bool:
    """Whether two records say the same, when they were made apart."""
    return a.model_dump(exclude={"created_at"}) == b.model_dump(exclude={"created_at"})


def record_problems(record: Annotation, schema: LabelSchema) -> list[str]:
    """What keeps a record out: the schema's objections, spans with whitespace at an edge, and
    what a line of JSON cannot hold (found here, at its line, not when the save fails)."""
    problems = schema.record_problems(record)
    problems += [
        f"span {s.id} [{s.start}, {s.end}) {record.text[s.start : s.end]!r} begins or ends "
        "with whitespace"
        for s in (*record.spans, *record.rejected)
        if loose_edge(record.text, s.start, s.end)
    ]
    try:
        orjson.dumps(record.model_dump(mode="json"))
    except (ValueError, TypeError) as error:  # pydantic's depth limit; orjson.JSONEncodeError
        problems.append(f"cannot be saved as JSON ({error})")
    return problems


def merge_duplicates(
    record: Annotation, location: Location, warnings: list[InputError]
) -> Annotation:
    """``record`` with each span (same start, end and label) and each relation (same head and
    child, by extent and label, and same label) once: the first kept, relations on a dropped
    span moved to the kept one, accepted and rejected each on their own; one warning for the
    spans and one for the relations of a record, saying how many were merged."""
    moved: dict[str, str] = {}
    spans, rejected = _once(record.spans, moved), _once(record.rejected, moved)
    span_merged = len(moved)
    extent = {s.id: SpanKey.of(s) for s in (*spans, *rejected)}
    before = len(record.relations) + len(record.rejected_relations)
    relations = _relations_once(record.relations, moved, extent)
    rejected_relations = _relations_once(record.rejected_relations, moved, extent)
    relation_merged = before - len(relations) - len(rejected_relations)
    if not span_merged and not relation_merged:
        return record
    if span_merged:
        warnings.append(
            InputWarning(
                location,
                f"{span_merged} duplicate span(s) (same start, end and label) kept once"
                + ("; their relations now join the span kept" if _on_any(record, moved) else ""),
            )
        )
    if relation_merged:
        warnings.append(
            InputWarning(
                location,
                f"{relation_merged} duplicate relation(s) (same head, child and label) kept once",
            )
        )
    return record.model_copy(
        update={
            "spans": spans,
            "rejected": rejected,
            "relations": relations,
            "rejected_relations": rejected_relations,
        }
    )


def _once(spans: list[Span], moved: dict[str, str]) -> list[Span]:
    """Each span once; ``moved`` learns which id each dropped one gave way to."""
    first: dict[SpanKey, str] = {}
    kept: list[Span] = []
    for span in spans:
        key = SpanKey.of(span)
        if key in first:
            moved[span.id] = first[key]
        else:
            first[key] = span.id
            kept.append(span)
    return kept


def _relations_once(
    relations: list[Relation], moved: dict[str, str], extent: dict[str, SpanKey]
) -> list[Relation]:
    seen: set[RelationKey] = set()
    kept: list[Relation] = []
    for relation in relations:
        head = moved.get(relation.head, relation.head)
        child = moved.get(relation.child, relation.child)
        key = RelationKey(extent[head], extent[child], relation.label)
        if key in seen:
            continue
        seen.add(key)
        if (head, child) != (relation.head, relation.child):
            relation = relation.model_copy(update={"head": head, "child": child})
        kept.append(relation)
    return kept


def _on_any(record: Annotation, moved: dict[str, str]) -> bool:
    return any(
        end in moved
        for relation in (*record.relations, *record.rejected_relations)
        for end in (relation.head, relation.child)
    )


def _doc_ids_twice(kept: list[tuple[Annotation, Location]]) -> list[InputWarning]:
    """One warning per pair of records with one doc_id, at the later one."""
    last: dict[str, Location] = {}
    warnings: list[InputWarning] = []
    for record, location in kept:
        earlier = last.get(record.doc_id)
        if earlier is not None:
            if earlier.path == location.path and earlier.line and location.line:
                places = f"lines {earlier.line} and {location.line}"
            else:
                places = f"{earlier} and {location}"
            warnings.append(
                InputWarning(
                    location,
                    f"doc_id {record.doc_id!r} on {places}: the later is stored as the newer "
                    "version",
                )
            )
        last[record.doc_id] = location
    return warnings


def _check_id_key(id_key: str | None, fmt: str, path: Path, unit: RecordUnit) -> None:
    """An id key must be a dotted path, and is only for records that are JSON lines: a file's
    document is named by its file, and a key that could not be used is refused, not ignored."""
    if id_key is None:
        return
    if any(not part.strip() for part in id_key.split(".")):
        raise RedlineError(f"id key {id_key!r} is not a dotted path of keys (e.g. meta.id)")
    if unit != "line":
        raise RedlineError(
            f"{display_path(path)}: {fmt} names each document by its file, so the id key "
            f"{id_key!r} has nothing to name; it is for records that are JSON lines "
            "(prodigy, jsonl, text from a JSONL file)"
        )
