"""Suggestions: the spaCy pipeline a schema describes, relation rules, and their cache.

Importing this package does not import spaCy (:mod:`.suggester`); the pipeline itself is
:func:`redline.suggest.pipeline.build_pipeline`.
"""

from redline.suggest.cache import (
    SuggestionCache,
    SuggestRun,
    cached_suggestions,
    suggest_documents,
)
from redline.suggest.model_choice import ModelChoice, resolve_model
from redline.suggest.suggester import Suggester

__all__ = [
    "ModelChoice",
    "SuggestRun",
    "Suggester",
    "SuggestionCache",
    "cached_suggestions",
    "resolve_model",
    "suggest_documents",
]
