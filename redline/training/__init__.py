"""Training models on a dataset's gold: ``redline train`` (entities here, relations beside)."""

from redline.training.entities import TrainOptions, TrainResult, train_model
from redline.training.models import latest_model, read_models
from redline.training.spacy_loop import TrainProgress

__all__ = [
    "TrainOptions",
    "TrainProgress",
    "TrainResult",
    "latest_model",
    "read_models",
    "train_model",
]
