"""Retraining while an annotator works (``annotate --retrain-every N``).

Training is CPU-bound Python: in a thread it would hold the interpreter's lock and keep key
presses waiting, so it runs in a child process (a fresh interpreter, with no copy of the
UI's state) at a lower priority, and the UI's worker thread only waits on a pipe. The
child trains on the annotator's own saved records from the model in use, with
``only_if_better``: a new model is written and listed only when its dev scores are not worse
than the current one's, and only then does the UI swap it in.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import orjson

from redline.errors import RedlineError

CHILD_NICENESS = 10


@dataclass(frozen=True)
class RetrainOutcome:
    """What a background run ended with; ``model_dir`` only when the new model was kept."""

    message: str
    model_dir: Path | None = None


@dataclass(frozen=True)
class RetrainRequest:
    dataset: str
    root: str
    annotator: str
    schema: str | None
    base: str
    max_steps: int
    seed: int
    dev: float


def _score(scores: dict[str, Any], who: str) -> str:
    value = scores.get(who)
    return "—" if value is None else f"{value:.3f}"


def train_for_request(request: RetrainRequest) -> dict[str, Any]:
    """The child's whole job: train, and sum it up (or the error) in one JSON-able dict."""
    with contextlib.suppress(OSError):  # a lower priority is a courtesy, not a need
        os.nice(CHILD_NICENESS)
    try:
        from redline.schema.shipped import resolve_schema
        from redline.store import open_dataset
        from redline.training.entities import TrainOptions, train_model

        options = TrainOptions(
            source=request.annotator,
            base=request.base,
            seed=request.seed,
            max_steps=request.max_steps,
            dev=request.dev,
            only_if_better=True,
        )
        dataset = open_dataset(request.dataset, Path(request.root))
        result = train_model(dataset, resolve_schema(request.schema), options)
    except RedlineError as error:
        return {"error": str(error)}
    except Exception as error:
        return {"error": f"{type(error).__name__}: {error}"}
    f1 = {
        who: (None if r.f1 is None else float(r.f1))
        for who, r in result.comparison.entities.items()
    }
    return {
        "kept": result.kept,
        "name": result.name,
        "model_dir": str(result.model_dir),
        "f1": f1,
        "seconds": result.seconds,
    }


class Retrainer:
    """Counts an annotator's saves and, every ``every`` of them, trains a model in a child
    process (one at a time; saves made meanwhile count towards the next run)."""

    def __init__(
        self,
        dataset: str,
        root: Path,
        annotator: str,
        every: int,
        schema: str | None = None,
        *,
        max_steps: int = 50,
        seed: int = 0,
        dev: float = 0.2,
    ) -> None:
        if every < 1:
            raise RedlineError(f"--retrain-every must be at least 1, not {every}")
        self.dataset = dataset
        self.root = root
        self.annotator = annotator
        self.every = every
        self.schema = schema
        self.max_steps = max_steps
        self.seed = seed
        self.dev = dev
        self.saves = 0
        self._process: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def count_save(self) -> bool:
        """One more save; True when a run is due (and none is running)."""
        self.saves += 1
        return self.saves >= self.every and not self.running

    def run(self, base: str) -> RetrainOutcome:
        """Train from ``base`` (the model in use) and wait; call it from a worker thread."""
        self.saves = 0
        request = RetrainRequest(
            self.dataset,
            str(self.root),
            self.annotator,
            self.schema,
            base,
            self.max_steps,
            self.seed,
            self.dev,
        )
        # A plain child process, not multiprocessing: the UI has replaced stdout and
        # stderr, which multiprocessing's spawn would try to hand down.
        process = subprocess.Popen(
            [sys.executable, "-m", "redline.training.background"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        with self._lock:
            self._process = process
        output, errors = process.communicate(orjson.dumps(asdict(request)))
        try:
            summary = orjson.loads(output)
        except orjson.JSONDecodeError:
            last = errors.decode(errors="replace").strip().splitlines()[-1:] or ["no output"]
            return RetrainOutcome(f"retraining stopped (exit code {process.returncode}): {last[0]}")
        return _outcome(summary)

    def stop(self) -> None:
        """End a run still going (the app is closing): its model is not kept half-written,
        as training writes to a temporary folder first."""
        with self._lock:
            if self._process is not None and self._process.poll() is None:
                self._process.terminate()
                self._process.wait(timeout=5)


def _outcome(summary: dict[str, Any]) -> RetrainOutcome:
    if "error" in summary:
        return RetrainOutcome(f"retraining failed: {summary['error']}")
    f1 = summary["f1"]
    scores = f"dev entity F1 {_score(f1, 'trained')} against {_score(f1, 'base')}"
    seconds = f"{summary['seconds']:.0f}s"
    if not summary["kept"]:
        return RetrainOutcome(
            f"retrained in {seconds}, not better ({scores}): suggesting with the same model"
        )
    return RetrainOutcome(
        f"now suggesting with {summary['name']} ({scores}, trained in {seconds})",
        Path(summary["model_dir"]),
    )


if __name__ == "__main__":
    # The child: one request on stdin, one summary on stdout (whatever training prints goes
    # to stderr, so it cannot spoil the summary).
    summary_out = sys.stdout.buffer
    sys.stdout = sys.stderr
    request = RetrainRequest(**orjson.loads(sys.stdin.buffer.read()))
    summary_out.write(orjson.dumps(train_for_request(request)))
