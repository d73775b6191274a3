"""The record format: one verified document, as one line of an annotator's JSONL file.

These models are the single source of the format's contract; ``schema/annotation.schema.json``
is generated from them (``redline schema export``). A record checks everything it can know
by itself (offsets inside the text, ids that resolve, the text's hash); checks that need a
label schema live in :mod:`redline.schema.labels`.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any, Literal

import orjson
from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from redline.schema.keys import is_model

FORMAT_VERSION = 1

Origin = Literal["model", "rule", "annotator"]
Edit = Literal["accepted", "kept", "relabeled", "resized", "added"]
"""``kept``: a suggestion saved as it was without the annotator ever looking at it (it was
not accepted, corrected or passed over by ``j``); ``accepted``: looked at and kept."""
Answer = Literal["accept", "reject", "ignore"]


def text_sha1(text: str) -> str:
    """Hex SHA-1 of the UTF-8 text: offsets in a record are only valid for this exact text."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def utc_now() -> datetime:
    return datetime.now(UTC)


class _Record(BaseModel):
    """``defer_build``: each model's validator is built when first used, not on import, so
    a command that never reads a record (a help page, annotate's first frame) never pays
    for building it."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Span(_Record):
    """A labelled character range ``[start, end)`` of the document's text."""

    id: str = Field(min_length=1)
    start: int = Field(ge=0)
    end: int = Field(ge=1)
    label: str = Field(min_length=1)
    origin: Origin
    edit: Edit | None = Field(
        default=None,
        description=(
            "What the annotator did; kept: saved unchanged without being looked at; "
            "null on a suggestion nobody has reviewed yet."
        ),
    )
    annotators: list[str] | None = Field(
        default=None,
        exclude_if=lambda value: value is None,
        description="In a gold record: the annotators whose versions had this span.",
    )

    @model_validator(mode="after")
    def _end_after_start(self) -> Span:
        if self.end <= self.start:
            raise ValueError(
                f"span {self.id}: end {self.end} must be greater than start {self.start}"
            )
        return self


class Relation(_Record):
    """A directed, labelled link from the span ``head`` to the span ``child`` (span ids)."""

    id: str = Field(min_length=1)
    head: str = Field(min_length=1)
    child: str = Field(min_length=1)
    label: str = Field(min_length=1)
    origin: Origin
    edit: Edit | None = None
    annotators: list[str] | None = Field(
        default=None,
        exclude_if=lambda value: value is None,
        description="In a gold record: the annotators whose versions had this relation.",
    )


class SuggestedBy(_Record):
    """Which pipeline and label schema produced the suggestions the annotator started from."""

    model: str
    model_version: str
    schema_name: str
    schema_hash: str


class Document(_Record):
    """A text to annotate, with an id that stays the same across runs."""

    doc_id: str = Field(min_length=1)
    text: str
    text_sha1: str = Field(pattern=r"^[0-9a-f]{40}$")
    meta: dict[str, Any] = Field(default_factory=dict)
    foreign: dict[str, Any] = Field(
        default_factory=dict,
        exclude_if=lambda value: not value,
        description=(
            "What another tool's format holds that a record does not model, by format "
            "(prodigy: a task's own fields, tokens, span and relation fields; brat: notes), "
            "written back unchanged when the record is exported to that format."
        ),
    )

    @classmethod
    def from_text(cls, doc_id: str, text: str, meta: dict[str, Any] | None = None) -> Document:
        return cls(doc_id=doc_id, text=text, text_sha1=text_sha1(text), meta=meta or {})

    @field_validator("meta", "foreign")
    @classmethod
    def _meta_can_be_written(cls, meta: dict[str, Any], info: ValidationInfo) -> dict[str, Any]:
        """A record read from a file is written again (export, review), so it must fit JSON as
        orjson writes it: pydantic reads integers of any size, orjson writes 64 bits at most.
        (A record built in Python is checked when it is saved, with a message naming it.)"""
        if info.mode == "json":
            try:
                orjson.dumps(meta)
            except orjson.JSONEncodeError as error:
                raise ValueError(f"cannot be written back as JSON ({error})") from None
        return meta

    @model_validator(mode="after")
    def _hash_matches_text(self) -> Document:
        if self.text_sha1 != text_sha1(self.text):
            raise ValueError("text_sha1 does not match text (the text was changed after hashing)")
        return self


class Annotation(Document):
    """One annotator's verified version of a document: the unit the store appends."""

    spans: list[Span] = Field(default_factory=list)
    relations: list[Relation] = Field(default_factory=list)
    rejected: list[Span] = Field(
        default_factory=list,
        description="Span suggestions the annotator removed: negative evidence.",
    )
    rejected_relations: list[Relation] = Field(
        default_factory=list,
        description="Relation suggestions the annotator removed; their ends may be rejected spans.",
    )
    answer: Answer = "accept"
    flagged: bool = False
    note: str = ""
    annotator: str = Field(min_length=1)
    created_at: AwareDatetime = Field(default_factory=utc_now)
    seconds: float = Field(default=0.0, ge=0, allow_inf_nan=False)
    suggested_by: SuggestedBy | None = None
    format_version: int = FORMAT_VERSION

    @field_validator("created_at")
    @classmethod
    def _in_utc(cls, value: datetime) -> datetime:
        """Stored as UTC: offsets with seconds do not survive ISO 8601 output otherwise."""
        return value.astimezone(UTC)

    @classmethod
    def of(cls, document: Document, **fields: Any) -> Annotation:
        """A version of ``document``: its id, text, hash, meta and foreign fields (unless
        ``fields`` give others), and ``fields``."""
        return cls(
            doc_id=document.doc_id,
            text=document.text,
            text_sha1=document.text_sha1,
            **{"meta": document.meta, "foreign": document.foreign, **fields},
        )

    @property
    def is_model(self) -> bool:
        return is_model(self.annotator)

    @model_validator(mode="after")
    def _consistent(self) -> Annotation:
        if self.format_version > FORMAT_VERSION or self.format_version < 1:
            raise ValueError(
                f"format_version {self.format_version} is not one this redline reads "
                f"(1 to {FORMAT_VERSION}); upgrade redline"
            )
        size = len(self.text)
        span_ids: set[str] = set()
        for where, spans in (("spans", self.spans), ("rejected", self.rejected)):
            for span in spans:
                if span.end > size:
                    raise ValueError(
                        f"{where}: span {span.id} [{span.start}, {span.end}) is outside the text "
                        f"({size} characters)"
                    )
                if span.id in span_ids:
                    raise ValueError(f"{where}: span id {span.id!r} is used twice")
                span_ids.add(span.id)
        accepted_ids = {span.id for span in self.spans}
        relation_ids: set[str] = set()
        for where, relations, known in (
            ("relations", self.relations, accepted_ids),
            ("rejected_relations", self.rejected_relations, span_ids),
        ):
            for relation in relations:
                if relation.id in relation_ids:
                    raise ValueError(f"{where}: relation id {relation.id!r} is used twice")
                relation_ids.add(relation.id)
                for end in (relation.head, relation.child):
                    if end not in known:
                        raise ValueError(
                            f"{where}: relation {relation.id} points to span {end!r}, "
                            f"which is not in {'spans' if where == 'relations' else 'the record'}"
                        )
        return self

    def span_text(self, span: Span) -> str:
        return self.text[span.start : span.end]

    def to_document(self) -> Document:
        return Document(
            doc_id=self.doc_id,
            text=self.text,
            text_sha1=self.text_sha1,
            meta=self.meta,
            foreign=self.foreign,
        )


def annotation_json_schema() -> dict[str, Any]:
    """The JSON Schema of one JSONL record, as written to ``schema/annotation.schema.json``."""
    schema = Annotation.model_json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "redline annotation record"
    schema["description"] = (
        f"One verified document: one line of annotations/<dataset>/<annotator>.jsonl "
        f"(format_version {FORMAT_VERSION}). Generated by `redline schema export`; do not edit."
    )
    return schema
