"""What every store backend offers: the interface the rest of redline talks to.

Everything above the store uses :class:`DatasetStore` and :class:`AnnotatorLog` only, so a
backend other than JSONL files (PostgreSQL for teams) can slot in.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

import orjson

from redline.errors import InputError, RedlineError
from redline.schema.keys import is_person
from redline.schema.records import Annotation, Document
from redline.schema.routes import PoolProgress, RoutingPlan
from redline.schema.team import TeamMember

ReadProgress = Callable[[int, int], None]
"""Told (bytes read, bytes to read) while a store reads a file through."""

DEFAULT_ROOT = Path("annotations")
_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.@:+-]{0,99}")


def check_name(kind: str, name: str) -> str:
    """Dataset and annotator names become file names: no separators, '..' or control chars."""
    if not _NAME.fullmatch(name) or ".." in name:
        raise RedlineError(
            f"invalid {kind} name {name!r}: use letters, digits and _ . @ : + - "
            "(at most 100, not starting with '.' or '-', no '..')"
        )
    return name


class NumberedRecords(ABC):
    """An annotator's records numbered 0, 1, ... in the order they were saved, numbers that
    never change: what a reader derives from records 0 to n-1 holds while
    :meth:`prefix_stamp` of n is what it was, so it can be kept between runs (the agreement
    report's span columns, :mod:`redline.metrics.saved_columns`)."""

    @property
    @abstractmethod
    def source(self) -> str:
        """What tells this log from every other on the machine (a file's resolved path)."""

    @abstractmethod
    def record_count(self) -> int: ...

    @abstractmethod
    def prefix_stamp(self, count: int) -> str:
        """Changes when any of the first ``count`` records is no longer what it was."""

    @abstractmethod
    def newest_numbers(self, doc_ids: Sequence[str]) -> list[int]:
        """The number of each document's current version; -1 for a document not done."""

    @abstractmethod
    def json_of(self, numbers: Sequence[int]) -> list[dict[str, Any]]:
        """Those records as plain JSON objects (validated when saved or indexed)."""


class AnnotatorLog(ABC):
    """One annotator's versions of the documents of one dataset."""

    annotator: str
    problems: list[InputError]
    """Invalid lines found on opening, each naming file and line; they were skipped."""
    torn: list[InputError]
    """Last lines cut off by a crash (quarantined by a writer, left alone by a reader)."""
    remote = False
    """Saves go over a network (a database server): a UI saves from a worker, so no key
    press waits on it, and tries again while the server cannot be reached."""

    def append(self, record: Annotation) -> None:
        """Store a record durably; when this returns, the record survives a crash."""
        self.append_many([record])

    def encoded(self, records: Sequence[Annotation]) -> list[bytes]:
        """Each record as the JSON it is stored as, checked before anything is written: a
        record of another annotator, or one JSON cannot hold (values, nesting deeper than can
        be written back), is refused and nothing of the batch is saved."""
        encoded: list[bytes] = []
        for record in records:
            if record.annotator != self.annotator:
                raise RedlineError(
                    f"a record of annotator {record.annotator!r} cannot go into {self.location}"
                )
            try:
                encoded.append(orjson.dumps(record.model_dump(mode="json")))
            except (orjson.JSONEncodeError, ValueError) as error:
                raise RedlineError(
                    f"cannot save {record.doc_id!r} to {self.location}: {error}; "
                    "nothing was written"
                ) from None
        return encoded

    @abstractmethod
    def append_many(self, records: Sequence[Annotation]) -> None:
        """Store several records durably with one sync (for bulk writers such as suggest)."""

    @abstractmethod
    def newest(self, doc_id: str) -> Annotation | None:
        """This annotator's current version of a document."""

    @abstractmethod
    def history(self, doc_id: str) -> list[Annotation]:
        """Every saved version of a document, oldest first."""

    @abstractmethod
    def doc_ids(self) -> list[str]:
        """The documents with at least one record, in the order they were first saved."""

    @abstractmethod
    def with_text(self, sha1: str) -> Iterator[Annotation]:
        """Records whose text has this SHA-1, newest first (whatever their doc_id)."""

    @abstractmethod
    def close(self) -> None: ...

    @property
    @abstractmethod
    def location(self) -> str:
        """Where the records go, as a user would name it (a path, a table)."""

    def __contains__(self, doc_id: object) -> bool:
        return isinstance(doc_id, str) and self.newest(doc_id) is not None

    def __len__(self) -> int:
        return len(self.doc_ids())

    def iter_newest(self) -> Iterator[Annotation]:
        """The current version of every document, streamed."""
        for doc_id in self.doc_ids():
            record = self.newest(doc_id)
            if record is not None:
                yield record

    def newest_json(self, doc_ids: Sequence[str]) -> list[dict[str, Any]]:
        """The current versions of ``doc_ids`` (those it has) as plain JSON objects, for
        readers that count over many records and need no model object per span (the
        agreement report). The store validated them when it wrote or indexed them."""
        numbered = self.numbered()
        if numbered is not None:
            return numbered.json_of([n for n in numbered.newest_numbers(doc_ids) if n >= 0])
        return [r.model_dump(mode="json") for d in doc_ids if (r := self.newest(d)) is not None]

    def numbered(self) -> NumberedRecords | None:
        """This log's records by fixed numbers; None where the store keeps none."""
        return None

    def resume_point(self, doc_ids: Iterable[str]) -> str | None:
        """The first document (in corpus order) without a record; None when all are done."""
        done = set(self.doc_ids())
        return next((doc_id for doc_id in doc_ids if doc_id not in done), None)

    def text_changed(self, document: Document) -> bool:
        """True when the saved version was made on a different text: its offsets are stale."""
        record = self.newest(document.doc_id)
        return record is not None and record.text_sha1 != document.text_sha1

    def __enter__(self) -> AnnotatorLog:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


class SaveWatcher(ABC):
    """Who saved in a dataset lately: what ``review``, ``stats --live`` and the annotate
    header follow to see other people's saves without a restart."""

    @abstractmethod
    def wait(self, timeout: float) -> set[str]:
        """The annotators who saved since the last call (or since the watcher was made);
        waits up to ``timeout`` seconds for one, and returns an empty set if none did."""

    @abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> SaveWatcher:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class Handout(ABC):
    """Documents handed out on demand (a routing plan on PostgreSQL): each needs a number of
    annotators; an annotator claims the next one that still needs someone, and a claim
    expires, so whoever walks away holds nothing."""

    annotator: str

    @abstractmethod
    def mine(self) -> list[str]:
        """This annotator's documents so far (saved, or claimed and not expired), in the
        order they were handed out."""

    @abstractmethod
    def claim_next(self) -> str | None:
        """Claim the first document (in corpus order) that still needs an annotator and is
        not already this one's; None when none is left."""

    @abstractmethod
    def renew(self, doc_id: str) -> bool:
        """Keep holding a document (it is being worked on); False when it can no longer be
        held (its annotators are complete without this one)."""

    @abstractmethod
    def left(self) -> int:
        """Documents this annotator could still be handed now."""

    @abstractmethod
    def pool(self) -> PoolProgress:
        """Where the whole pool stands (every annotator's work)."""

    @abstractmethod
    def close(self) -> None: ...


class DatasetStore(ABC):
    """A named set of annotator logs."""

    name: str

    @abstractmethod
    def annotators(self, include_models: bool = True) -> list[str]:
        """Every annotator with a file, sorted; without the models' pseudo-annotators when
        ``include_models`` is False."""

    @abstractmethod
    def open(
        self, annotator: str, *, write: bool = False, progress: ReadProgress | None = None
    ) -> AnnotatorLog:
        """``progress``: told (bytes read, bytes to read) while opening reads through a big
        file it has no index of (JSONL only: seconds for hundreds of MB); else never called."""

    @abstractmethod
    def routes(self) -> RoutingPlan | None:
        """The dataset's routing plan (``redline route``), None when every annotator gets every
        document."""

    @abstractmethod
    def save_routes(self, plan: RoutingPlan) -> None:
        """Keep a new plan (the newest is the one in force)."""

    @abstractmethod
    def members(self) -> list[TeamMember]:
        """The team's sign-in entries, oldest first (``redline team add``)."""

    @abstractmethod
    def save_member(self, member: TeamMember) -> None: ...

    @abstractmethod
    def watch(self) -> SaveWatcher:
        """Follow the dataset's saves from now on."""

    def handout(self, annotator: str) -> Handout | None:
        """The documents handed out on demand to ``annotator``; None when the store hands
        nothing out (no plan, or a fixed one: :meth:`routes`)."""
        return None

    def documents_saved(self, annotators: Sequence[str]) -> int:
        """How many documents the ``annotators`` have saved, each annotator's counted (the
        annotate header's team count)."""
        saved = 0
        for name in annotators:
            with self.open(name) as log:
                saved += len(log)
        return saved

    def people(self) -> list[str]:
        """The annotators whose versions are compared and reviewed: no model, not gold."""
        return [name for name in self.annotators() if is_person(name)]

    def require(self, *names: str, people_only: bool = False) -> list[str]:
        """``names``, once each, after checking the dataset has them all (only among its
        people with ``people_only``); else one error naming what is missing and what is there."""
        known = self.people() if people_only else self.annotators()
        missing = [name for name in names if name not in known]
        if missing:
            raise RedlineError(
                f"dataset {self.name!r} has no annotator {', '.join(map(repr, missing))} "
                f"(it has: {', '.join(known) or 'none'})"
            )
        return list(dict.fromkeys(names))
