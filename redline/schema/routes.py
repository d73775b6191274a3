"""A dataset's routing plan as it is stored: which annotators get which documents (made by
:func:`redline.routing.plan_routes`, kept by the store, read by ``annotate`` and ``stats``)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from redline.errors import RedlineError


class RoutingPlan(BaseModel):
    """A dataset's routing, as stored (``routes.json`` beside the JSONL files, or a row)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    per_doc: int = Field(ge=1)
    everyone_fraction: float = Field(ge=0, le=1)
    seed: int
    annotators: list[str] = Field(min_length=1)
    everyone: list[str] = Field(default_factory=list)
    """The documents every annotator gets."""
    assignments: dict[str, list[str]]
    """Each annotator's documents, in corpus order (the shared ones included)."""

    def documents_of(self, annotator: str) -> list[str]:
        if annotator not in self.assignments:
            raise RedlineError(
                f"no documents are routed to {annotator!r} (routed: {', '.join(self.annotators)}); "
                "run `redline route` again with them among --annotators"
            )
        return self.assignments[annotator]

    def annotators_of(self) -> dict[str, list[str]]:
        """Each document's annotators."""
        holders: dict[str, list[str]] = {}
        for annotator in self.annotators:
            for doc_id in self.assignments[annotator]:
                holders.setdefault(doc_id, []).append(annotator)
        return holders
