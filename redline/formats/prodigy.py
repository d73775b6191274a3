"""Prodigy tasks: our records to Prodigy's JSONL and back.

A task carries what Prodigy reads (``text``, ``tokens``, ``spans`` with inclusive
``token_end``, ``relations`` by the index of each span's last token with ``head_span`` and
``child_span``, ``answer``, ``_input_hash``, ``_task_hash``, ``_annotator_id``, ``meta``) and
keeps what Prodigy has no place for under ``_redline``, a key Prodigy passes through, so that
record -> task -> record gives back the same record. Spans and relations carry our ``id``;
``_redline.spans`` / ``_redline.relations`` remember each one's origin and edit, so a span
relabelled or resized in Prodigy comes back marked as such.

A plain Prodigy task (no ``_redline``) becomes a record whose spans and relations were added
by the annotator; its doc_id is ``meta.id``, else its ``_input_hash``, else a hash of the text.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import orjson
from pydantic import ValidationError
from typing_extensions import TypeIs

from redline.atomic import atomic_writer
from redline.errors import InputError, Location, describe_validation_error
from redline.formats.lines import json_lines
from redline.schema.labels import LabelSchema
from redline.schema.records import Annotation, Relation, Span, text_sha1
from redline.tokens import TokenIndex, span_edges, split_tokens, tokenize

REDLINE_KEY = "_redline"
_ANSWERS = ("accept", "reject", "ignore")


def _hash32(data: bytes) -> int:
    """A signed 32-bit int, the kind Prodigy uses for its hashes, from SHA-1."""
    return int.from_bytes(hashlib.sha1(data).digest()[:4], "big", signed=True)


def input_hash(text: str) -> int:
    return _hash32(text.encode("utf-8"))


def task_hash(
    text: str, spans: Sequence[dict[str, Any]], relations: Sequence[dict[str, Any]]
) -> int:
    canonical = {
        "input": input_hash(text),
        "spans": sorted([s["start"], s["end"], s["label"]] for s in spans),
        "relations": sorted([r["head"], r["child"], r["label"]] for r in relations),
    }
    return _hash32(orjson.dumps(canonical))


def _extra(item: Span | Relation) -> dict[str, Any]:
    return {} if item.annotators is None else {"annotators": item.annotators}


def to_prodigy(
    record: Annotation, tokens: Sequence[tuple[int, int]] | None = None
) -> dict[str, Any]:
    """The Prodigy task of a record; ``tokens`` are ``tokenize(record.text)`` when known, cut
    at each span's edges because Prodigy's spans are whole tokens: "Hun Sen" of "Sen." makes
    the tokens "Sen" (``ws`` false) and ".", and the span keeps its own offsets."""
    text = record.text
    found = tokenize(text) if tokens is None else tokens
    index = TokenIndex(split_tokens(found, span_edges(record.spans)))
    token_dicts = [
        {
            "text": text[start:end],
            "start": start,
            "end": end,
            "id": i,
            "ws": text[end : end + 1] == " ",
        }
        for i, (start, end) in enumerate(index.tokens)
    ]
    span_dicts: dict[str, dict[str, Any]] = {}
    for span in record.spans:
        first, stop = index.span_tokens(span.start, span.end) if index.tokens else (0, 1)
        span_dicts[span.id] = {
            "start": span.start,
            "end": span.end,
            "token_start": first,
            "token_end": stop - 1,
            "label": span.label,
            "id": span.id,
        }
    relations = [
        {
            "head": span_dicts[r.head]["token_end"],
            "child": span_dicts[r.child]["token_end"],
            "head_span": span_dicts[r.head],
            "child_span": span_dicts[r.child],
            "label": r.label,
            "id": r.id,
        }
        for r in record.relations
    ]
    spans = list(span_dicts.values())
    meta = dict(record.meta)
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
    if "doc_id" in meta:
        ours["meta"] = dict(record.meta)  # our meta has its own doc_id: keep it as it was
    meta["doc_id"] = record.doc_id
    return {
        "text": text,
        "tokens": token_dicts,
        "spans": spans,
        "relations": relations,
        "answer": record.answer,
        "_input_hash": input_hash(text),
        "_task_hash": task_hash(text, spans, relations),
        "_annotator_id": record.annotator,
        "meta": meta,
        REDLINE_KEY: ours,
    }


def export_prodigy(records: Iterable[Annotation], out: Path, schema: LabelSchema) -> list[Path]:
    """One task per line (the schema plays no part)."""
    with atomic_writer(out) as handle:
        for record in records:
            handle.write(orjson.dumps(to_prodigy(record)) + b"\n")
    return [out]


def import_prodigy(
    path: Path, annotator: str, schema: LabelSchema, problems: list[InputError]
) -> Iterator[tuple[Annotation, Location]]:
    """Each task's record, ``annotator``'s; a line that is no task is a problem."""

    def parse(raw: bytes, location: Location) -> Annotation:
        data: Any = orjson.loads(raw)
        if not isinstance(data, dict):
            raise InputError(location, f"expected a JSON object, got {type(data).__name__}")
        return from_prodigy(data, annotator, location)

    return json_lines(path, parse, problems)


def from_prodigy(task: dict[str, Any], annotator: str, location: Location) -> Annotation:
    """The record of a Prodigy task; an InputError at ``location`` for anything a record
    cannot express (no text, a span without offsets or label, a relation to no span...)."""
    if not isinstance(task, dict):
        raise InputError(location, f"expected a JSON object, got {type(task).__name__}")
    text = task.get("text")
    if not isinstance(text, str):
        what = "no" if text is None else f"a {type(text).__name__} as"
        raise InputError(location, f'{what} "text" field; a task needs its text as a string')
    ours = task.get(REDLINE_KEY)
    if ours is None:
        ours = {}
    elif not isinstance(ours, dict):
        raise InputError(location, f'"{REDLINE_KEY}" must be a JSON object')
    if "text_sha1" in ours and ours["text_sha1"] != text_sha1(text):
        raise InputError(
            location,
            "text_sha1 does not match the text: the text changed since the task was exported, "
            "so its offsets no longer fit",
        )
    meta = task.get("meta", {})
    if not isinstance(meta, dict):
        raise InputError(location, '"meta" must be a JSON object')
    answer = task.get("answer", "accept")
    if answer not in _ANSWERS:
        raise InputError(location, f"answer {answer!r} is not one of {', '.join(_ANSWERS)}")

    rejected = ours.get("rejected", [])
    rejected_relations = ours.get("rejected_relations", [])
    if not isinstance(rejected, list) or not isinstance(rejected_relations, list):
        raise InputError(location, f"{REDLINE_KEY}.rejected and rejected_relations must be lists")
    taken = {str(s.get("id")) for s in rejected if isinstance(s, dict)}
    spans, token_ends = _spans(task, text, ours.get("spans") or {}, taken, location)
    relations = _relations(task, spans, token_ends, ours.get("relations") or {}, location)

    if "doc_id" in ours:
        doc_id = ours["doc_id"]
        meta = ours["meta"] if "meta" in ours else {k: v for k, v in meta.items() if k != "doc_id"}
    else:
        doc_id = meta.get("id") or meta.get("doc_id") or task.get("_input_hash")
        if doc_id in (None, "") or isinstance(doc_id, bool):
            doc_id = text_sha1(text)[:16]
    fields = {
        key: ours[key]
        for key in ("flagged", "note", "created_at", "seconds", "suggested_by", "format_version")
        if key in ours
    }
    try:
        return Annotation.model_validate(
            {
                "doc_id": str(doc_id),
                "text": text,
                "text_sha1": text_sha1(text),
                "meta": meta,
                "spans": spans,
                "relations": relations,
                "rejected": rejected,
                "rejected_relations": rejected_relations,
                "answer": answer,
                "annotator": annotator,
                **fields,
            }
        )
    except ValidationError as error:
        raise InputError(location, describe_validation_error(error)) from None


def _int(value: object) -> TypeIs[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _fresh_id(prefix: str, taken: set[str]) -> str:
    n = 1
    while f"{prefix}{n}" in taken:
        n += 1
    taken.add(f"{prefix}{n}")
    return f"{prefix}{n}"


def _spans(
    task: dict[str, Any], text: str, known: dict[str, Any], taken: set[str], location: Location
) -> tuple[list[dict[str, Any]], list[int]]:
    """Our span dicts, and the (inclusive) last token of each, from the task's spans."""
    raw = task.get("spans") or []
    if not isinstance(raw, list):
        raise InputError(location, '"spans" must be a list')
    index: TokenIndex | None = None
    given = [s.get("id") for s in raw if isinstance(s, dict) and s.get("id") not in (None, "")]
    taken |= {str(i) for i in given}
    spans: list[dict[str, Any]] = []
    token_ends: list[int] = []
    for n, item in enumerate(raw, start=1):
        if not isinstance(item, dict):
            raise InputError(location, f"spans[{n - 1}] is not a JSON object")
        start, end, label = item.get("start"), item.get("end"), item.get("label")
        if not _int(start) or not _int(end):
            raise InputError(
                location, f"spans[{n - 1}] has no character offsets (integer start and end)"
            )
        if not isinstance(label, str) or not label:
            raise InputError(location, f"spans[{n - 1}] [{start}, {end}) has no label")
        span_id = item.get("id")
        span_id = _fresh_id("s", taken) if span_id in (None, "") else str(span_id)
        stored = known.get(span_id) if isinstance(known, dict) else None
        origin: str = "annotator"
        edit: str | None = "added"
        extra: dict[str, Any] = {}
        if isinstance(stored, dict):
            extra = {"annotators": stored["annotators"]} if "annotators" in stored else {}
            origin = stored.get("origin", "annotator")
            same_place = (stored.get("start"), stored.get("end")) == (start, end)
            if same_place and stored.get("label") == label:
                edit = stored.get("edit")
            elif origin != "annotator":
                edit = "relabeled" if same_place else "resized"
        spans.append(
            {
                "id": span_id,
                "start": start,
                "end": end,
                "label": label,
                "origin": origin,
                "edit": edit,
                **extra,
            }
        )
        token_end = item.get("token_end")
        if not _int(token_end):
            index = index or TokenIndex(tokenize(text))
            token_end = index.span_tokens(start, end)[1] - 1
        token_ends.append(token_end)
    return spans, token_ends


def _relations(
    task: dict[str, Any],
    spans: list[dict[str, Any]],
    token_ends: list[int],
    known: dict[str, Any],
    location: Location,
) -> list[dict[str, Any]]:
    raw = task.get("relations") or []
    if not isinstance(raw, list):
        raise InputError(location, '"relations" must be a list')
    taken = {str(r["id"]) for r in raw if isinstance(r, dict) and r.get("id") not in (None, "")}
    relations: list[dict[str, Any]] = []
    for n, item in enumerate(raw):
        if not isinstance(item, dict):
            raise InputError(location, f"relations[{n}] is not a JSON object")
        label = item.get("label")
        if not isinstance(label, str) or not label:
            raise InputError(location, f"relations[{n}] has no label")
        head = _end_span(item, "head", spans, token_ends, location, n)
        child = _end_span(item, "child", spans, token_ends, location, n)
        relation_id = item.get("id")
        relation_id = _fresh_id("r", taken) if relation_id in (None, "") else str(relation_id)
        stored = known.get(relation_id) if isinstance(known, dict) else None
        origin: str = "annotator"
        edit: str | None = "added"
        extra: dict[str, Any] = {}
        if isinstance(stored, dict) and (stored.get("head"), stored.get("child")) == (head, child):
            extra = {"annotators": stored["annotators"]} if "annotators" in stored else {}
            origin = stored.get("origin", "annotator")
            if stored.get("label") == label:
                edit = stored.get("edit")
            elif origin != "annotator":
                edit = "relabeled"
        relations.append(
            {
                "id": relation_id,
                "head": head,
                "child": child,
                "label": label,
                "origin": origin,
                "edit": edit,
                **extra,
            }
        )
    return relations


def _end_span(
    relation: dict[str, Any],
    side: str,
    spans: list[dict[str, Any]],
    token_ends: list[int],
    location: Location,
    n: int,
) -> str:
    """The id of the span at one end of a relation: by the id in its ``<side>_span`` (kept when
    the span was resized), else by that span's offsets, else by the index of its last token."""
    described = relation.get(f"{side}_span")
    if isinstance(described, dict):
        wanted = described.get("id")
        by_id = [s for s in spans if wanted not in (None, "") and s["id"] == str(wanted)]
        if by_id:
            return str(by_id[0]["id"])
        at = [
            s
            for s in spans
            if (s["start"], s["end"]) == (described.get("start"), described.get("end"))
        ]
        if len(at) > 1:
            at = [s for s in at if s["label"] == described.get("label")] or at
        if at:
            return str(at[0]["id"])
        where = f"[{described.get('start')}, {described.get('end')})"
    else:
        token = relation.get(side)
        if not _int(token):
            raise InputError(location, f"relations[{n}] has no {side} (token index or {side}_span)")
        ending = [s for s, end in zip(spans, token_ends, strict=True) if end == token]
        if len(ending) == 1:
            return str(ending[0]["id"])
        if len(ending) > 1:
            raise InputError(
                location,
                f"relations[{n}]: {side} token {token} ends {len(ending)} spans; "
                f"give {side}_span to say which",
            )
        where = f"at token {token}"
    raise InputError(location, f"relations[{n}]: the {side} {where} is not one of the spans")
