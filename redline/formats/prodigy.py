"""Prodigy tasks: our records to Prodigy's JSONL and back (reading: :mod:`.prodigy_tasks`).

A task carries what Prodigy reads (``text``, ``tokens``, ``spans`` with inclusive
``token_end``, ``relations`` by the index of each span's last token with ``head_span`` and
``child_span``, ``answer``, ``_input_hash``, ``_task_hash``, ``_annotator_id``, ``meta``).

A record that came from Prodigy is written back as it came: its own fields, tokens and the
dicts of the spans and relations still there are taken from ``record.foreign["prodigy"]``
(token indices are re-cut only where a span added in redline ends inside a token), and its
hashes are Prodigy's; ``_redline`` is added only when the task alone would not give the record
back (a suggestion, a rejected span, a note). A record made in redline is a new task: its
hashes are computed as Prodigy computes them (:mod:`.prodigy_hashes`), and ``_redline`` keeps
what Prodigy has no place for, so that record -> task -> record gives back the same record.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import orjson

from redline.atomic import atomic_writer
from redline.errors import InputError, Location
from redline.formats.lines import json_lines
from redline.formats.prodigy_hashes import with_hashes
from redline.formats.prodigy_tasks import FOREIGN_KEY, REDLINE_KEY, from_prodigy
from redline.schema.keys import RelationKey, SpanKey
from redline.schema.labels import LabelSchema
from redline.schema.records import Annotation, Relation, Span
from redline.tokens import TokenIndex, span_edges, split_tokens, tokenize

__all__ = ["REDLINE_KEY", "export_prodigy", "from_prodigy", "import_prodigy", "to_prodigy"]

_HERE = Location("<export>")


def _extra(item: Span | Relation) -> dict[str, Any]:
    return {} if item.annotators is None else {"annotators": item.annotators}


def _token_dicts(
    record: Annotation, kept: Any, tokens: Sequence[tuple[int, int]] | None, lang: str
) -> list[dict[str, Any]]:
    """The task's tokens: its own when it came with them (as they were, unless a span added
    since ends inside one, which is then cut), else the tokenizer's, cut at span edges."""
    text = record.text
    own = kept if isinstance(kept, list) else None
    extents = (
        [(t["start"], t["end"]) for t in own]
        if own is not None
        else list(tokenize(text, lang) if tokens is None else tokens)
    )
    refined = split_tokens(extents, span_edges(record.spans))
    if own is not None and refined == extents:
        return list(own)
    by_extent = {(t["start"], t["end"]): t for t in own or ()}
    dicts: list[dict[str, Any]] = []
    for i, (start, end) in enumerate(refined):
        found = by_extent.get((start, end))
        if found is not None:
            dicts.append({**found, "id": i} if "id" in found else dict(found))
        else:
            ws = text[end : end + 1] == " "
            dicts.append({"text": text[start:end], "start": start, "end": end, "id": i, "ws": ws})
    return dicts


def _span_key(item: Any) -> SpanKey | None:
    if not isinstance(item, dict):
        return None
    start, end, label = item.get("start"), item.get("end"), item.get("label")
    if isinstance(start, int) and isinstance(end, int) and isinstance(label, str):
        return SpanKey(start, end, label)
    return None


def _with_tokens(item: dict[str, Any], first: int, last: int) -> dict[str, Any]:
    """A kept span dict with its token indices as they are now (only those it had)."""
    moved = dict(item)
    for key, value in (("token_start", first), ("token_end", last)):
        if key in moved:
            moved[key] = value
    return moved


def to_prodigy(
    record: Annotation, tokens: Sequence[tuple[int, int]] | None = None, lang: str = "en"
) -> dict[str, Any]:
    """The Prodigy task of a record; ``tokens`` are ``tokenize(record.text, lang)`` when
    known. Prodigy's spans are whole tokens, so the tokens are cut at each span's edges:
    "Hun Sen" of "Sen." makes "Sen" (``ws`` false) and ".", and the span keeps its offsets."""
    kept = record.foreign.get(FOREIGN_KEY, {})
    came_from_prodigy = "spans" in kept
    token_dicts = _token_dicts(record, kept.get("tokens"), tokens, lang)
    index = TokenIndex([(t["start"], t["end"]) for t in token_dicts])
    old_spans = {key: s for s in kept.get("spans", ()) if (key := _span_key(s)) is not None}
    span_dicts: dict[str, dict[str, Any]] = {}
    for span in record.spans:
        first, stop = index.span_tokens(span.start, span.end) if index.tokens else (0, 1)
        found = old_spans.get(SpanKey.of(span))
        span_dicts[span.id] = (
            _with_tokens(found, first, stop - 1)
            if found is not None
            else {
                "start": span.start,
                "end": span.end,
                "token_start": first,
                "token_end": stop - 1,
                "label": span.label,
                "id": span.id,
            }
        )
    task: dict[str, Any] = dict(kept.get("task", {}))
    task.update(
        text=record.text,
        tokens=token_dicts,
        spans=list(span_dicts.values()),
        relations=_relation_dicts(record, span_dicts, kept.get("relations", ())),
        answer=record.answer,
    )
    meta = dict(record.meta)
    if not came_from_prodigy:
        task.setdefault("_annotator_id", record.annotator)
        meta["doc_id"] = record.doc_id
    task["meta"] = meta
    if came_from_prodigy:  # what the task did not have, it does not get (when it says nothing)
        unsaid = {"spans": [], "relations": [], "meta": {}, "answer": "accept"}
        for field, empty in unsaid.items():
            if field not in kept.get("keys", unsaid) and task[field] == empty:
                del task[field]
        if "tokens" not in kept:
            del task["tokens"]
    else:  # a new task: hashed as Prodigy hashes one (a task from Prodigy keeps its own)
        task = with_hashes(task)
    if not came_from_prodigy:
        task[REDLINE_KEY] = _ours(record)
    elif not _gives_back(task, record, lang):
        task[REDLINE_KEY] = {**_ours(record), "prodigy_task": True}
    return task


def _relation_dicts(
    record: Annotation, span_dicts: dict[str, dict[str, Any]], kept: Iterable[Any]
) -> list[dict[str, Any]]:
    """Each relation as Prodigy has it: the kept dict of the same relation (its ``color``
    and all) with its token indices as they are now, else a new one."""
    by_key: dict[RelationKey, dict[str, Any]] = {}
    for item in kept:
        if isinstance(item, dict):
            ends = _span_key(item.get("head_span")), _span_key(item.get("child_span"))
            if ends[0] is not None and ends[1] is not None and isinstance(item.get("label"), str):
                by_key[RelationKey(ends[0], ends[1], item["label"])] = item
    spans = {s.id: s for s in record.spans}
    dicts: list[dict[str, Any]] = []
    for r in record.relations:
        head, child = span_dicts[r.head], span_dicts[r.child]
        key = RelationKey(SpanKey.of(spans[r.head]), SpanKey.of(spans[r.child]), r.label)
        found = by_key.get(key)
        if found is None:
            dicts.append(
                {
                    "head": head["token_end"],
                    "child": child["token_end"],
                    "head_span": head,
                    "child_span": child,
                    "label": r.label,
                    "id": r.id,
                }
            )
            continue
        moved = dict(found)
        for side, end in (("head", head), ("child", child)):
            if "token_end" in end:
                moved[side] = end["token_end"]
                moved[f"{side}_span"] = _with_tokens(
                    found[f"{side}_span"], end.get("token_start", 0), end["token_end"]
                )
        dicts.append(moved)
    return dicts


def _gives_back(task: dict[str, Any], record: Annotation, lang: str) -> bool:
    """Whether the task alone (no ``_redline``) reads back as the record, when it was made."""
    plain = from_prodigy(task, record.annotator, _HERE, lang=lang)
    return plain.model_copy(
        update={"created_at": record.created_at, "foreign": record.foreign}
    ) == (record)


def _ours(record: Annotation) -> dict[str, Any]:
    """What Prodigy has no place for, under ``_redline`` (a key Prodigy passes through)."""
    ours: dict[str, Any] = {
        "doc_id": record.doc_id,
        "text_sha1": record.text_sha1,
        "spans": {
            s.id: {
                "start": s.start,
                "end": s.end,
                "label": s.label,
                "origin": s.origin,
                "edit": s.edit,
                **_extra(s),
            }
            for s in record.spans
        },
        "relations": {
            r.id: {
                "head": r.head,
                "child": r.child,
                "label": r.label,
                "origin": r.origin,
                "edit": r.edit,
                **_extra(r),
            }
            for r in record.relations
        },
        "rejected": [s.model_dump(mode="json") for s in record.rejected],
        "rejected_relations": [r.model_dump(mode="json") for r in record.rejected_relations],
        "flagged": record.flagged,
        "note": record.note,
        "created_at": record.model_dump(mode="json", include={"created_at"})["created_at"],
        "seconds": record.seconds,
        "suggested_by": (
            None if record.suggested_by is None else record.suggested_by.model_dump(mode="json")
        ),
        "format_version": record.format_version,
    }
    if "doc_id" in record.meta:
        ours["meta"] = dict(record.meta)  # our meta has its own doc_id: keep it as it was
    return ours


def export_prodigy(records: Iterable[Annotation], out: Path, schema: LabelSchema) -> list[Path]:
    """One task per line, tokenized in the schema's language where the task has no tokens."""
    with atomic_writer(out) as handle:
        for record in records:
            handle.write(orjson.dumps(to_prodigy(record, lang=schema.lang)) + b"\n")
    return [out]


def import_prodigy(
    path: Path,
    annotator: str,
    schema: LabelSchema,
    problems: list[InputError],
    *,
    id_key: str | None = None,
) -> Iterator[tuple[Annotation, Location]]:
    """Each task's record, ``annotator``'s; a line that is no task is a problem."""

    def parse(raw: bytes, location: Location) -> Annotation:
        data: Any = orjson.loads(raw)
        if not isinstance(data, dict):
            raise InputError(location, f"expected a JSON object, got {type(data).__name__}")
        return from_prodigy(data, annotator, location, lang=schema.lang, id_key=id_key)

    return json_lines(path, parse, problems)
