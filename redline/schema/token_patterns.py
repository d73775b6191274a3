"""spaCy's own check of a schema's token patterns, remembered once passed.

spaCy checks a token pattern only when the suggester is built, so a schema's patterns are
checked when it is loaded: `schema check` then finds what would otherwise stop `suggest`
with a traceback. But a schema is loaded by nearly every command, and importing spaCy only
to check patterns that have not changed costs each of them half a second: patterns that
passed the Matcher of this spaCy version are remembered in the cache folder
(``checked-patterns``), by a hash of the patterns and the version.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
from pathlib import Path
from typing import Any

import orjson

from redline.cache_folder import cache_folder

TokenPatterns = list[list[dict[str, Any]]]

_CHECKS = 1
"""The version of the checks below: a change to them must not trust what the old ones passed."""


def check_token_patterns(patterns: TokenPatterns) -> None:
    """Raise ValueError (naming the pattern's index) for a pattern spaCy would refuse."""
    if not patterns:
        return
    passed = _passed_marker(patterns)
    if passed is not None and passed.exists():
        return
    from spacy.matcher import Matcher
    from spacy.vocab import Vocab

    matcher = Matcher(Vocab(), validate=True)
    for index, pattern in enumerate(patterns):
        if any("_" in token for token in pattern):
            raise ValueError(f"[{index}]: custom attributes (_) are not available here")
        try:
            matcher.add(f"tokens[{index}]", [pattern])
        except Exception as error:  # spaCy's refusals: MatchPatternError, ValueError, re.error
            lines = [line.strip() for line in str(error).splitlines() if line.strip()]
            first = lines[0] if lines else type(error).__name__
            reason = next((line[2:] for line in lines if line.startswith("- ")), first)
            raise ValueError(f"[{index}] is not a spaCy token pattern: {reason}") from None
    if passed is not None:
        with contextlib.suppress(OSError):  # only a shortcut: the next load checks again
            passed.parent.mkdir(parents=True, exist_ok=True)
            passed.touch()


def _passed_marker(patterns: TokenPatterns) -> Path | None:
    """The file whose presence says these patterns passed this spaCy version's Matcher."""
    try:
        version = importlib.metadata.version("spacy")
    except importlib.metadata.PackageNotFoundError:
        return None
    key = hashlib.sha1(orjson.dumps([_CHECKS, version, patterns], option=orjson.OPT_SORT_KEYS))
    return cache_folder("checked-patterns") / key.hexdigest()
