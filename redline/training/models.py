"""A dataset's trained models: ``annotations/<dataset>/models.json`` and the model folders.

``models.json`` lists every model trained on the dataset, oldest first (name, path, created_at,
documents, dev F1); it is rewritten whole (:func:`redline.atomic.write_atomic`) after each
training. A path inside the dataset folder is stored relative to it, so the folder can move.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from redline.atomic import write_atomic
from redline.errors import RedlineError, display_path
from redline.store import JsonlDataset

MODELS_FILE = "models.json"
MODELS_FOLDER = "models"


def models_file(dataset: JsonlDataset) -> Path:
    return dataset.folder / MODELS_FILE


def read_models(dataset: JsonlDataset) -> list[dict[str, Any]]:
    """The entries of ``models.json`` (none when the dataset has no trained model yet)."""
    path = models_file(dataset)
    if not path.is_file():
        return []
    try:
        data = orjson.loads(path.read_bytes())
    except orjson.JSONDecodeError as error:
        raise RedlineError(f"{display_path(path)}: not valid JSON ({error})") from None
    models = data.get("models") if isinstance(data, dict) else None
    if not isinstance(models, list):
        raise RedlineError(f"{display_path(path)}: no list of models under 'models'")
    return [entry for entry in models if isinstance(entry, dict)]


def model_path(dataset: JsonlDataset, entry: dict[str, Any]) -> Path:
    path = Path(str(entry.get("path", "")))
    return path if path.is_absolute() else dataset.folder / path


def latest_model(dataset: JsonlDataset) -> Path | None:
    """The folder of the newest trained model of the dataset that still exists, else None."""
    for entry in reversed(read_models(dataset)):
        path = model_path(dataset, entry)
        if (path / "meta.json").is_file():
            return path
    return None


def next_version(dataset: JsonlDataset) -> int:
    """1 + the number of models trained on the dataset so far."""
    return len(read_models(dataset)) + 1


def default_model_dir(dataset: JsonlDataset, version: int) -> Path:
    return dataset.folder / MODELS_FOLDER / f"{dataset.name}-v{version}"


def register_model(dataset: JsonlDataset, entry: dict[str, Any]) -> Path:
    """Append an entry (its ``path`` made relative to the dataset folder when inside it)."""
    path = Path(str(entry["path"])).resolve()
    try:
        stored = str(path.relative_to(dataset.folder.resolve()))
    except ValueError:
        stored = str(path)
    models = [*read_models(dataset), {**entry, "path": stored}]
    data = orjson.dumps({"models": models}, option=orjson.OPT_INDENT_2)
    return write_atomic(models_file(dataset), data + b"\n")
