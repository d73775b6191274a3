"""Records and label schemas: the one format that flows through redline."""

from redline.schema.keys import (
    GOLD_ANNOTATOR,
    MODEL_ANNOTATOR_PREFIX,
    RelationKey,
    SpanKey,
    check_same_text,
    is_model,
    is_person,
    keys_of,
    model_annotator,
)
from redline.schema.labels import (
    EntityType,
    LabelSchema,
    PatternSet,
    RelationType,
)
from redline.schema.loading import load_schema
from redline.schema.records import (
    FORMAT_VERSION,
    Annotation,
    Answer,
    Document,
    Edit,
    Origin,
    Relation,
    Span,
    SuggestedBy,
    annotation_json_schema,
    text_sha1,
)
from redline.schema.shipped import DEFAULT_SCHEMA_PATH, generic_schema, resolve_schema

__all__ = [
    "DEFAULT_SCHEMA_PATH",
    "FORMAT_VERSION",
    "GOLD_ANNOTATOR",
    "MODEL_ANNOTATOR_PREFIX",
    "Annotation",
    "Answer",
    "Document",
    "Edit",
    "EntityType",
    "LabelSchema",
    "Origin",
    "PatternSet",
    "Relation",
    "RelationKey",
    "RelationType",
    "Span",
    "SpanKey",
    "SuggestedBy",
    "annotation_json_schema",
    "check_same_text",
    "generic_schema",
    "is_model",
    "is_person",
    "keys_of",
    "load_schema",
    "model_annotator",
    "resolve_schema",
    "text_sha1",
]
