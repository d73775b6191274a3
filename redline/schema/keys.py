"""When two versions say the same thing, and whose versions they are.

Every annotator numbers spans in their own way, so merging, agreement, evaluation and review
compare spans by extent and label (:class:`SpanKey`) and relations by the keys of their two
ends plus their label (:class:`RelationKey`), never by ids. Offsets only mean the same thing
on the same text, hence :func:`check_same_text` beside them.

Two names are not people: the reviewed set is stored as the pseudo-annotator
:data:`GOLD_ANNOTATOR`, a model's suggestions under :data:`MODEL_ANNOTATOR_PREFIX` plus the
model's name. What counts as a person is decided here only (:func:`is_person`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from redline.errors import RedlineError

GOLD_ANNOTATOR = "gold"
"""The annotator name of gold records (the store checks that a file holds one annotator)."""

MODEL_ANNOTATOR_PREFIX = "model:"
"""Records under ``model:<name>`` are a model's suggestions, not anyone's judgement."""


def model_annotator(model_name: str) -> str:
    """The pseudo-annotator under which a model's suggestions are stored."""
    return f"{MODEL_ANNOTATOR_PREFIX}{Path(model_name).name}"


def is_model(annotator: str) -> bool:
    return annotator.startswith(MODEL_ANNOTATOR_PREFIX)


def is_person(annotator: str) -> bool:
    """An annotator whose versions are compared and merged: neither a model nor gold."""
    return not is_model(annotator) and annotator != GOLD_ANNOTATOR


class _Extent(Protocol):
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def label(self) -> str: ...


class _Identified(_Extent, Protocol):
    @property
    def id(self) -> str: ...


class _Link(Protocol):
    @property
    def head(self) -> str: ...
    @property
    def child(self) -> str: ...
    @property
    def label(self) -> str: ...


class _Version(Protocol):
    @property
    def text_sha1(self) -> str: ...


@dataclass(frozen=True, order=True, slots=True)
class SpanKey:
    """What makes two annotators' spans the same span: extent and label, not the id."""

    start: int
    end: int
    label: str

    @classmethod
    def of(cls, span: _Extent) -> SpanKey:
        return cls(span.start, span.end, span.label)


@dataclass(frozen=True, order=True, slots=True)
class RelationKey:
    """A relation compared across annotators: its ends by :class:`SpanKey`, plus its label."""

    head: SpanKey
    child: SpanKey
    label: str


def keys_of(
    spans: Iterable[_Identified], relations: Iterable[_Link]
) -> tuple[dict[str, SpanKey], list[RelationKey]]:
    """The key of each span (by id) and of each relation between those spans, in order.

    For a record: ``keys_of(record.spans, record.relations)``. A relation whose ends are not
    among ``spans`` (in an editing session: an end that was rejected) has no key.
    """
    by_id = {span.id: SpanKey.of(span) for span in spans}
    keys = [
        RelationKey(by_id[r.head], by_id[r.child], r.label)
        for r in relations
        if r.head in by_id and r.child in by_id
    ]
    return by_id, keys


def check_same_text(doc_id: str, versions: Mapping[str, _Version]) -> None:
    """Versions made on different texts cannot be compared: their offsets mean other things."""
    by_text: dict[str, list[str]] = {}
    for annotator, record in sorted(versions.items()):
        by_text.setdefault(record.text_sha1, []).append(annotator)
    if len(by_text) > 1:
        readings = "; ".join(
            f"{', '.join(names)} on text {sha1[:10]}" for sha1, names in by_text.items()
        )
        raise RedlineError(
            f"document {doc_id!r}: the annotators worked on different texts ({readings}); "
            "offsets cannot be compared, re-annotate the stale versions"
        )
