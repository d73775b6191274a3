"""An annotator's documents when they are handed out on demand (a plan on PostgreSQL).

The list starts as the documents the annotator saved or holds, and grows by one claim each
time they go past its end, so the annotate screen walks it as it walks any corpus: k of N,
resuming and jumping work as before, and the next document is only taken when wanted. At
most :data:`AHEAD` documents are held unsaved at once (the one on screen and the one
prepared after it), so a fast annotator does not hoard the pool.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

from redline.corpus.index import CorpusIndex
from redline.errors import RedlineError
from redline.schema.records import Document
from redline.store.base import Handout

AHEAD = 2


class HandedOutIndex:
    """The documents of ``handout`` found in a corpus index, in the order handed out."""

    complete = False
    """Never known in full: more may be handed out whenever the annotator asks."""

    def __init__(
        self, base: CorpusIndex, handout: Handout, is_saved: Callable[[str], bool]
    ) -> None:
        self.base = base.finish()
        self.handout = handout
        self.is_saved = is_saved
        self._lock = threading.Lock()
        mine = handout.mine()
        missing = [doc_id for doc_id in mine if self.base.position(doc_id) is None]
        if missing:
            raise RedlineError(self._not_in_corpus(missing[0]))
        self.doc_ids: list[str] = mine
        self._where = {doc_id: n for n, doc_id in enumerate(mine)}
        self.left = handout.left()
        """Documents that could still be handed to this annotator, when last asked (the
        header's total is theirs plus these, without asking the server on a key press)."""

    def _not_in_corpus(self, doc_id: str) -> str:
        return (
            f"document {doc_id!r} handed out to {self.handout.annotator!r} is not in "
            f"{self.base.corpus.source}: annotate the corpus the plan was made from"
        )

    def __len__(self) -> int:
        return len(self.doc_ids)

    def has(self, position: int) -> bool:
        """Whether there is a document at ``position``, claiming the next one when
        ``position`` is just past the end and fewer than :data:`AHEAD` are held unsaved."""
        if 0 <= position < len(self.doc_ids):
            return True
        if position != len(self.doc_ids):
            return False
        with self._lock:
            if position < len(self.doc_ids):  # claimed meanwhile by another thread
                return True
            held = sum(1 for doc_id in self.doc_ids[-AHEAD:] if not self.is_saved(doc_id))
            if held >= AHEAD:
                return False
            doc_id = self.handout.claim_next()
            if doc_id is None:
                self.left = 0
                return False
            if self.base.position(doc_id) is None:
                raise RedlineError(self._not_in_corpus(doc_id))
            self._where[doc_id] = len(self.doc_ids)
            self.doc_ids.append(doc_id)
            self.left = self.handout.left()
            return True

    def iter_ids(self) -> Iterator[str]:
        return iter(list(self.doc_ids))

    def position(self, doc_id: str) -> int | None:
        return self._where.get(doc_id)

    def document(self, position: int) -> Document:
        if not 0 <= position < len(self.doc_ids):
            raise IndexError(position)
        where = self.base.position(self.doc_ids[position])
        assert where is not None
        return self.base.document(where)

    def finish(self) -> HandedOutIndex:
        """Nothing to index: the documents come as they are handed out."""
        return self
