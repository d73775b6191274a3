"""A dataset's routing plan as it is stored: which annotators get which documents (made by
:func:`redline.routing.plan_routes`, kept by the store, read by ``annotate`` and ``stats``)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from redline.errors import RedlineError


class RoutingPlan(BaseModel):
    """A dataset's routing, as stored (``routes.json`` beside the JSONL files, or a row)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    per_doc: int = Field(ge=1)
    everyone_fraction: float = Field(ge=0, le=1)
    seed: int
    annotators: list[str] = Field(min_length=1)
    everyone: list[str] = Field(default_factory=list)
    """The documents every annotator gets."""
    assignments: dict[str, list[str]] = Field(default_factory=dict)
    """Each annotator's documents, in corpus order (the shared ones included); empty when
    they are handed out on demand."""
    on_demand: bool = False
    """Handed out as annotators ask (PostgreSQL), not decided in advance."""
    claim_minutes: float = Field(default=30.0, gt=0)
    """On demand: how long a document handed out stays the annotator's without a save."""
    documents: list[str] = Field(default_factory=list)
    """On demand: every document of the plan, in corpus order."""

    def needed(self, doc_id: str) -> int:
        """How many annotators a document gets."""
        return len(self.annotators) if doc_id in set(self.everyone) else self.per_doc

    def check_annotator(self, annotator: str) -> None:
        if annotator not in self.annotators:
            raise RedlineError(
                f"no documents are routed to {annotator!r} (routed: {', '.join(self.annotators)}); "
                "run `redline route` again with them among --annotators"
            )

    def documents_of(self, annotator: str) -> list[str]:
        """A fixed plan's documents of ``annotator``."""
        self.check_annotator(annotator)
        return self.assignments[annotator]

    def annotators_of(self) -> dict[str, list[str]]:
        """Each document's annotators."""
        holders: dict[str, list[str]] = {}
        for annotator in self.annotators:
            for doc_id in self.assignments[annotator]:
                holders.setdefault(doc_id, []).append(annotator)
        return holders


class PoolProgress(BaseModel):
    """Where documents handed out on demand stand: versions the plan asks for, saved, held."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    documents: int
    needed: int
    """Versions the plan asks for in all (each document times its annotators)."""
    saved: int
    """Of those, versions saved (a document's versions past its number are not counted)."""
    held: int
    """Documents handed out and not saved yet (claims that have not expired)."""

    @property
    def to_hand_out(self) -> int:
        return self.needed - self.saved - self.held
