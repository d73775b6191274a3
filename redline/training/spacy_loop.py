"""spaCy's own training, on a config built for continuing a base pipeline's ``ner``.

Every component of the base is sourced (``[components.X] source = BASE``); all but ``ner``
are frozen, so the tagger, parser and lemmatizer the relation rules read stay exactly the
base's. The tokenizer and vocab are copied from the base (``spacy.copy_from_base_model.v1``).
The ``ner`` gets the schema's labels it lacks and reads the rejected suggestions as negative
evidence (``incorrect_spans_key``). Progress reaches the caller through a logger registered
here (``redline.progress.v1``), called once per step by :func:`spacy.training.loop.train`.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import orjson
import spacy
from spacy.language import Language
from spacy.pipeline import EntityRecognizer
from spacy.training.initialize import init_nlp
from spacy.training.loop import train
from spacy.util import load_config_from_str

from redline.errors import RedlineError
from redline.formats.spacy_docbin import INCORRECT_SPANS_KEY


@dataclass(frozen=True)
class TrainProgress:
    """One training step: ``loss`` and ``score`` (dev entity F1) as of the last evaluation."""

    step: int
    total: int
    loss: float | None = None
    score: float | None = None


ProgressCallback = Callable[[TrainProgress], None]
_listeners: list[Callable[[dict[str, Any] | None], None]] = []


@spacy.registry.loggers("redline.progress.v1")
def make_progress_logger() -> Callable[..., Any]:
    def setup(
        nlp: Language, stdout: IO[str], stderr: IO[str]
    ) -> tuple[Callable[[dict[str, Any] | None], None], Callable[[], None]]:
        def log_step(info: dict[str, Any] | None) -> None:
            for listener in list(_listeners):
                listener(info)

        def finalize() -> None:
            return None

        return log_step, finalize

    return setup


@contextmanager
def _listening(total: int, on_progress: ProgressCallback | None) -> Iterator[None]:
    state: dict[str, float | int | None] = {"step": 0, "loss": None, "score": None}

    def listener(info: dict[str, Any] | None) -> None:
        state["step"] = int(state["step"] or 0) + 1
        if info is not None:
            state["loss"] = float(info.get("losses", {}).get("ner", 0.0))
            state["score"] = float(info.get("score") or 0.0)
        if on_progress is not None:
            loss, score = state["loss"], state["score"]
            on_progress(
                TrainProgress(
                    min(int(state["step"] or 0), total),
                    total,
                    None if loss is None else float(loss),
                    None if score is None else float(score),
                )
            )

    _listeners.append(listener)
    try:
        yield
    finally:
        _listeners.remove(listener)


def _quoted(value: str) -> str:
    return orjson.dumps(value).decode()


def build_config(
    base: Language,
    base_target: str,
    train_path: Path,
    dev_path: Path,
    *,
    seed: int,
    max_steps: int,
) -> str:
    """The training config, as text (``spacy.util.load_config_from_str`` reads it)."""
    names = list(base.component_names)
    source = _quoted(base_target)
    frozen = [name for name in names if name != "ner"]
    components = "\n".join(f"[components.{name}]\nsource = {source}\n" for name in names)
    return f"""
[paths]
train = {_quoted(str(train_path))}
dev = {_quoted(str(dev_path))}

[system]
gpu_allocator = null
seed = {seed}

[nlp]
lang = {_quoted(base.lang or "en")}
pipeline = {orjson.dumps(names).decode()}
disabled = {orjson.dumps(list(base.disabled)).decode()}
batch_size = 64

[components]

{components}

[corpora]

[corpora.train]
@readers = "spacy.Corpus.v1"
path = ${{paths.train}}
max_length = 0
gold_preproc = false
limit = 0

[corpora.dev]
@readers = "spacy.Corpus.v1"
path = ${{paths.dev}}
max_length = 0
gold_preproc = false
limit = 0

[training]
seed = {seed}
gpu_allocator = null
dropout = 0.1
accumulate_gradient = 1
patience = 0
max_epochs = 0
max_steps = {max_steps}
eval_frequency = {max(1, max_steps // 5)}
frozen_components = {orjson.dumps(frozen).decode()}
annotating_components = []
train_corpus = "corpora.train"
dev_corpus = "corpora.dev"

[training.batcher]
@batchers = "spacy.batch_by_words.v1"
discard_oversize = false
tolerance = 0.2
size = 2000

[training.logger]
@loggers = "redline.progress.v1"

[training.optimizer]
@optimizers = "Adam.v1"
learn_rate = 0.0005

[training.score_weights]
ents_f = 1.0
ents_p = 0.0
ents_r = 0.0
ents_per_type = null

[initialize]

[initialize.before_init]
@callbacks = "spacy.copy_from_base_model.v1"
tokenizer = {source}
vocab = {source}
"""


def train_ner(
    base: Language,
    base_target: str,
    train_path: Path,
    dev_path: Path,
    work: Path,
    labels: Sequence[str],
    *,
    seed: int,
    max_steps: int,
    on_progress: ProgressCallback | None = None,
) -> Path:
    """Train and return the folder of the last step's pipeline (``work/model-last``): the
    dev score is then an estimate, not the score the model was picked by."""
    if "ner" not in base.component_names:
        raise RedlineError(f"{base_target}: the base pipeline has no 'ner' to train")
    config = load_config_from_str(
        build_config(base, base_target, train_path, dev_path, seed=seed, max_steps=max_steps)
    )
    log = io.StringIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        nlp = init_nlp(config)
        ner = nlp.get_pipe("ner")
        if not isinstance(ner, EntityRecognizer):
            raise RedlineError(f"{base_target}: its 'ner' is not spaCy's entity recognizer")
        for label in labels:
            if label not in ner.labels:
                ner.add_label(label)
        # kept in ner/cfg when saved: the sourced component's config block is not read
        ner.cfg["incorrect_spans_key"] = INCORRECT_SPANS_KEY
        work.mkdir(parents=True, exist_ok=True)
        with _listening(max_steps, on_progress):
            train(nlp, work, stdout=log, stderr=log)
    return work / "model-last"
