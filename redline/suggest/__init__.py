"""Suggestions: the spaCy pipeline a schema describes, relation rules, and their cache."""

from redline.suggest.pipeline import ModelChoice, build_pipeline, resolve_model
from redline.suggest.suggester import (
    Suggester,
    SuggestionCache,
    SuggestRun,
    cached_suggestions,
    suggest_documents,
)

__all__ = [
    "ModelChoice",
    "SuggestRun",
    "Suggester",
    "SuggestionCache",
    "build_pipeline",
    "cached_suggestions",
    "resolve_model",
    "suggest_documents",
]
