"""Reading one Prodigy task into a record, keeping what a record does not model.

A task written by redline carries ``_redline`` (origins, edits, rejected suggestions, the
note...), so record -> task -> record gives back the same record. A task made by Prodigy is
kept whole: its own fields (``_input_hash``, ``_task_hash``, ``_view_id``, ``_timestamp``,
``_session_id``, ``_annotator_id``, custom top-level fields), its ``tokens`` (with
``disabled`` and anything else) and the dicts of its spans and relations (``color``,
``source``...) go to ``record.foreign["prodigy"]``, and :mod:`.prodigy` writes them back
unchanged. Its spans and relations become the annotator's (``added``); its doc_id is taken
from ``id_key`` when given, else ``meta.id``, ``meta.doc_id``, ``_input_hash``, else a hash
of the text. A task's own ``tokens`` are its token indices: they are used, never re-cut.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError
from typing_extensions import TypeIs

from redline.byte_order_mark import strip_bom
from redline.errors import InputError, Location, describe_validation_error
from redline.formats.prodigy_hashes import input_hash, task_hash
from redline.schema.records import Annotation, text_sha1
from redline.tokens import TokenIndex, tokenize

REDLINE_KEY = "_redline"
FOREIGN_KEY = "prodigy"
MODELLED = frozenset({"text", "tokens", "spans", "relations", "answer", "meta", REDLINE_KEY})
"""Top-level task fields a record holds itself; every other field is kept as it came."""
_ANSWERS = ("accept", "reject", "ignore")


def _int(value: object) -> TypeIs[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def from_prodigy(
    task: dict[str, Any],
    annotator: str,
    location: Location,
    *,
    lang: str = "en",
    id_key: str | None = None,
) -> Annotation:
    """The record of a Prodigy task; an InputError at ``location`` for anything a record
    cannot express (no text, a span without offsets or label, a relation to no span...)."""
    if not isinstance(task, dict):
        raise InputError(location, f"expected a JSON object, got {type(task).__name__}")
    text = task.get("text")
    if not isinstance(text, str):
        what = "no" if text is None else f"a {type(text).__name__} as"
        raise InputError(location, f'{what} "text" field; a task needs its text as a string')
    text, shift = strip_bom(text)
    if shift:
        task = _shifted(task, text)
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
    own_tokens = _own_tokens(task, text, location)

    rejected = ours.get("rejected", [])
    rejected_relations = ours.get("rejected_relations", [])
    if not isinstance(rejected, list) or not isinstance(rejected_relations, list):
        raise InputError(location, f"{REDLINE_KEY}.rejected and rejected_relations must be lists")
    taken = {str(s.get("id")) for s in rejected if isinstance(s, dict)}
    spans, token_ends = _spans(
        task, text, ours.get("spans") or {}, taken, location, own_tokens, lang
    )
    relations = _relations(task, spans, token_ends, ours.get("relations") or {}, location)

    if "doc_id" in ours and id_key is None:
        doc_id = ours["doc_id"]
        meta = ours["meta"] if "meta" in ours else {k: v for k, v in meta.items() if k != "doc_id"}
    else:
        doc_id = _doc_id(task, meta, text, id_key, location)
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
                "foreign": _kept(task, ours),
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


def is_prodigy_task(ours: dict[str, Any]) -> bool:
    """Whether a task came from Prodigy (kept whole) rather than from a redline record:
    a task without ``_redline``, or one redline wrote for a record that came from Prodigy."""
    return not ours or bool(ours.get("prodigy_task"))


def _kept(task: dict[str, Any], ours: dict[str, Any]) -> dict[str, Any]:
    """``record.foreign`` for a task: every field it has that a record does not model; for a
    task that came from Prodigy also its tokens and the dicts of its spans and relations,
    which the export writes back where the same span or relation is still there."""
    fields = {k: v for k, v in task.items() if k not in MODELLED}
    if not is_prodigy_task(ours):
        # redline wrote the annotator and the hashes: a hash is kept only where Prodigy's
        # differs from what redline computes now (Prodigy knows the task by it)
        fields.pop("_annotator_id", None)
        if fields.get("_input_hash") == input_hash(task):
            fields.pop("_input_hash")
        if fields.get("_task_hash") == task_hash(task):
            fields.pop("_task_hash")
        return {FOREIGN_KEY: {"task": fields}} if fields else {}
    kept: dict[str, Any] = {
        "task": fields,
        "keys": [k for k in task if k in MODELLED and k != REDLINE_KEY],
        "spans": [s for s in task.get("spans") or [] if isinstance(s, dict)],
        "relations": [r for r in task.get("relations") or [] if isinstance(r, dict)],
    }
    if isinstance(task.get("tokens"), list):
        kept["tokens"] = task["tokens"]
    return {FOREIGN_KEY: kept}


def _doc_id(
    task: dict[str, Any], meta: dict[str, Any], text: str, id_key: str | None, location: Location
) -> str:
    if id_key is not None:
        node: Any = task
        for part in id_key.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        if node in (None, "") or isinstance(node, bool | dict | list):
            raise InputError(location, f"no id at {id_key!r} (--id-key) in this task")
        return str(node)
    found = meta.get("id") or meta.get("doc_id") or task.get("_input_hash")
    if found in (None, "") or isinstance(found, bool):
        return text_sha1(text)[:16]
    return str(found)


def _shifted(task: dict[str, Any], text: str) -> dict[str, Any]:
    """The task of a text that began with a byte order mark: the mark dropped, and every
    character offset (spans, tokens, relations' span dicts) one less."""

    def back(item: Any) -> Any:
        if not isinstance(item, dict):
            return item
        moved = dict(item)
        for key in ("start", "end"):
            if _int(moved.get(key)):
                moved[key] = max(0, moved[key] - 1)
        return moved

    shifted = dict(task, text=text)
    for key in ("spans", "tokens"):
        if isinstance(task.get(key), list):
            shifted[key] = [back(item) for item in task[key]]
    if isinstance(task.get("relations"), list):
        shifted["relations"] = [
            {
                **r,
                **{
                    f"{s}_span": back(r[f"{s}_span"]) for s in ("head", "child") if f"{s}_span" in r
                },
            }
            if isinstance(r, dict)
            else r
            for r in task["relations"]
        ]
    return shifted


def _own_tokens(
    task: dict[str, Any], text: str, location: Location
) -> list[tuple[int, int]] | None:
    """The task's own tokens as (start, end), checked to be in order inside the text."""
    raw = task.get("tokens")
    if raw is None:
        return None
    if not isinstance(raw, list):
        raise InputError(location, '"tokens" must be a list')
    tokens: list[tuple[int, int]] = []
    for n, token in enumerate(raw):
        start = token.get("start") if isinstance(token, dict) else None
        end = token.get("end") if isinstance(token, dict) else None
        if not _int(start) or not _int(end) or not 0 <= start <= end <= len(text):
            raise InputError(location, f"tokens[{n}] has no character offsets inside the text")
        if tokens and start < tokens[-1][1]:
            raise InputError(location, f"tokens[{n}] starts before the token before it ends")
        tokens.append((start, end))
    return tokens


def _fresh_id(prefix: str, taken: set[str]) -> str:
    n = 1
    while f"{prefix}{n}" in taken:
        n += 1
    taken.add(f"{prefix}{n}")
    return f"{prefix}{n}"


def _spans(
    task: dict[str, Any],
    text: str,
    known: dict[str, Any],
    taken: set[str],
    location: Location,
    tokens: Sequence[tuple[int, int]] | None,
    lang: str,
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
            index = index or TokenIndex(tokens if tokens is not None else tokenize(text, lang))
            token_end = index.span_tokens(start, end)[1] - 1 if len(index) else 0
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
