"""``redline train``: a dataset's gold into a spaCy pipeline that suggests the schema's labels.

The steps: the accepted gold records (checked against the schema) are split by document into
train and dev; texts of the dataset the gold never saw are partly annotated by the base model
for rehearsal (against forgetting) and partly kept to measure forgetting; DocBins and the
config go to a temporary folder; spaCy trains the base's ``ner`` (:mod:`.spacy_loop`) under
the base's own labels (:func:`.data.base_label_space`); the relation model is fitted on the
train split's relations (:mod:`.relations`) and saved in the pipeline's ``redline_relations/``;
base (relations by the schema's rules) and trained (by the model, rules for labels it did not
learn) are scored on dev (:mod:`.evaluation`); the pipeline is moved into
``annotations/<dataset>/models/<dataset>-v<N>/`` (or ``--out``) with a ``redline`` object in
its ``meta.json``, and listed in ``models.json``.
"""

from __future__ import annotations

import shutil
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import spacy
from spacy.language import Language

from redline.atomic import write_atomic
from redline.errors import RedlineError, display_path
from redline.schema.labels import LabelSchema
from redline.store import JsonlDataset
from redline.suggest.model_choice import REDLINE_META_KEY, resolve_model
from redline.suggest.suggester import RELATION_MODEL_DIR
from redline.training.data import (
    TrainingData,
    base_label_space,
    docbin_of,
    in_label_space,
    load_gold,
    rehearsal_docs,
    split_data,
    unseen_documents,
)
from redline.training.evaluation import Comparison, compare, comparison_json
from redline.training.models import default_model_dir, next_version, register_model
from redline.training.relations import train_relation_model
from redline.training.spacy_loop import ProgressCallback, train_ner

NO_DEV_SCORED = 10
"""Training documents spaCy's loop scores at each evaluation when there is no dev split."""


@dataclass(frozen=True)
class TrainOptions:
    source: str = "gold"
    base: str | None = None
    """A pipeline name or path; default: the schema's model."""
    out: Path | None = None
    dev: float = 0.2
    seed: int = 0
    max_steps: int = 50
    relations: bool = True
    """Also train the relation model (``--no-relations``: the schema's rules keep suggesting)."""
    only_if_better: bool = False
    """Keep (write and list) the model only when its dev scores are not worse than the base's:
    how ``annotate --retrain-every`` decides whether the new model replaces the one in use."""


@dataclass
class TrainResult:
    model_dir: Path
    name: str
    version: str
    base: str
    data: TrainingData
    comparison: Comparison
    seconds: float
    meta: dict[str, Any] = field(default_factory=dict)
    relation_note: str | None = None
    """Why no relation model was trained, when none was."""
    kept: bool = True
    """False when ``only_if_better`` found it worse on dev: nothing was written or listed."""


def _check_out(model_dir: Path) -> None:
    if model_dir.exists() and (not model_dir.is_dir() or any(model_dir.iterdir())):
        raise RedlineError(
            f"{display_path(model_dir)} already exists and is not an empty folder: "
            "choose another --out"
        )


def _load_base(base_name: str) -> tuple[str, Language]:
    choice = resolve_model(base_name)
    if choice.load_target is None:
        raise RedlineError(
            f"no spaCy pipeline {base_name!r} is installed to start from: pass --base NAME|PATH"
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return choice.load_target, spacy.load(choice.load_target)


def _f1(comparison: Comparison, name: str) -> float | None:
    result = comparison.entities.get(name)
    return None if result is None else result.f1


def not_worse(comparison: Comparison) -> bool:
    """Entity F1 and relation F1 on dev each at least the base's (a score that cannot be
    computed, e.g. no gold relation on dev, does not count against it)."""
    for scores in (comparison.entities, comparison.relations):
        base, trained = scores.get("base"), scores.get("trained")
        if base is None or trained is None or base.f1 is None:
            continue
        if (trained.f1 or 0.0) < base.f1:
            return False
    return True


def train_model(
    dataset: JsonlDataset,
    schema: LabelSchema,
    options: TrainOptions | None = None,
    on_progress: ProgressCallback | None = None,
) -> TrainResult:
    """Train the NER (and relations) on the dataset's gold; see the module docstring."""
    options = options or TrainOptions()
    started = time.perf_counter()
    if options.max_steps < 1:
        raise RedlineError(f"--max-steps must be at least 1, not {options.max_steps}")
    gold = load_gold(dataset, options.source, schema)
    data = split_data(gold, unseen_documents(dataset, gold), options.dev, options.seed)
    version = next_version(dataset)
    name = f"{dataset.name}-v{version}"
    model_dir = (
        Path(options.out) if options.out is not None else default_model_dir(dataset, version)
    )
    _check_out(model_dir)
    base_name = options.base or schema.model.name
    base_target, base = _load_base(base_name)
    created_at = datetime.now(UTC).replace(microsecond=0)
    model_version = f"{version}.0.0+{created_at:%Y%m%d%H%M%S}"
    with tempfile.TemporaryDirectory(prefix="redline-train-") as tmp:
        work = Path(tmp)
        rehearsal = rehearsal_docs(base, data.rehearsal, schema)
        space = base_label_space(schema)
        train_path = write_atomic(
            work / "train.spacy",
            docbin_of(in_label_space(data.train, space), base, rehearsal).to_bytes(),
        )
        # Without a dev split spaCy still scores some documents at each evaluation: a few
        # training ones (all of them would cost more than the training steps).
        dev_path = write_atomic(
            work / "dev.spacy",
            docbin_of(
                in_label_space(data.dev or data.train[:NO_DEV_SCORED], space), base
            ).to_bytes(),
        )
        last = train_ner(
            base,
            base_target,
            train_path,
            dev_path,
            work / "output",
            sorted({space.get(label, label) for label in schema.entity_labels}),
            seed=options.seed,
            max_steps=options.max_steps,
            on_progress=on_progress,
        )
        staged = work / name
        redline_meta: dict[str, Any] = {
            "dataset": dataset.name,
            "source": options.source,
            "schema": {"name": schema.name, "hash": schema.hash},
            # the schema labels the model predicts under their own names (the others come
            # out under the base's labels, which the schema's label_map renames)
            "labels": sorted(
                label
                for label in schema.entity_labels
                if label not in space or space[label] == label
            ),
            "documents": {
                "train": len({r.doc_id for r in data.train}),
                "dev": len({r.doc_id for r in data.dev}),
                "rehearsal": len(data.rehearsal),
                "unseen": len(data.unseen),
            },
            "base": base_name,
            "max_steps": options.max_steps,
            "seed": options.seed,
            "created_at": created_at.isoformat().replace("+00:00", "Z"),
        }
        _write_pipeline(last, staged, name, model_version, redline_meta)
        relation_note = _train_relations(base, data, schema, options, staged, redline_meta)
        comparison = compare(schema, base_name, str(staged), data.dev, data.unseen)
        redline_meta["scores"] = comparison_json(comparison)
        meta = _set_meta(staged, redline_meta)
        kept = not options.only_if_better or not_worse(comparison)
        if kept:
            model_dir.parent.mkdir(parents=True, exist_ok=True)
            if model_dir.exists():
                model_dir.rmdir()  # empty, checked above
            shutil.move(str(staged), str(model_dir))
            _register(dataset, name, model_version, model_dir, redline_meta, comparison)
    return TrainResult(
        model_dir,
        name,
        model_version,
        base_name,
        data,
        comparison,
        time.perf_counter() - started,
        meta=meta,
        relation_note=relation_note,
        kept=kept,
    )


def _register(
    dataset: JsonlDataset,
    name: str,
    version: str,
    model_dir: Path,
    redline_meta: dict[str, Any],
    comparison: Comparison,
) -> None:
    register_model(
        dataset,
        {
            "name": name,
            "version": version,
            "path": str(model_dir),
            "created_at": redline_meta["created_at"],
            "documents": redline_meta["documents"],
            "dev_f1": {"base": _f1(comparison, "base"), "trained": _f1(comparison, "trained")},
        },
    )


def _train_relations(
    nlp: Language,
    data: TrainingData,
    schema: LabelSchema,
    options: TrainOptions,
    folder: Path,
    redline_meta: dict[str, Any],
) -> str | None:
    """Fit and save the relation model beside the pipeline; the reason when there is none.

    The base's parse is the trained pipeline's (its parser is frozen), so either parses."""
    if not options.relations:
        return "--no-relations: the schema's rules suggest relations"
    if not schema.relations:
        return f"schema {schema.name!r} has no relation types"
    try:
        model = train_relation_model(nlp, data.train, schema, seed=options.seed)
    except RedlineError as error:
        return f"{error}: the schema's rules suggest relations"
    model.to_disk(folder / RELATION_MODEL_DIR)
    redline_meta["relations"] = {
        "labels": sorted(model.labels),
        "training_pairs": model.training_pairs,
    }
    return None


def _write_pipeline(
    trained: Path, folder: Path, name: str, version: str, redline_meta: dict[str, Any]
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        nlp = spacy.load(trained)
    nlp.meta["name"] = name
    nlp.meta["version"] = version
    nlp.meta["description"] = f"trained by redline on {redline_meta['dataset']}"
    nlp.meta[REDLINE_META_KEY] = redline_meta
    nlp.to_disk(folder)


def _set_meta(folder: Path, redline_meta: dict[str, Any]) -> dict[str, Any]:
    path = folder / "meta.json"
    meta: dict[str, Any] = orjson.loads(path.read_bytes())
    meta[REDLINE_META_KEY] = redline_meta
    write_atomic(path, orjson.dumps(meta, option=orjson.OPT_INDENT_2))
    return meta
