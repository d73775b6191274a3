"""Records and label schemas: the one format that flows through redline."""

from redline.schema.labels import (
    DEFAULT_SCHEMA_PATH,
    EntityType,
    LabelSchema,
    PatternSet,
    RelationType,
    generic_schema,
    load_schema,
    resolve_schema,
)
from redline.schema.records import (
    FORMAT_VERSION,
    MODEL_ANNOTATOR_PREFIX,
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

__all__ = [
    "DEFAULT_SCHEMA_PATH",
    "FORMAT_VERSION",
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
    "RelationType",
    "Span",
    "SuggestedBy",
    "annotation_json_schema",
    "generic_schema",
    "load_schema",
    "resolve_schema",
    "text_sha1",
]
