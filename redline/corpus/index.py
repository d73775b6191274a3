"""Random access to a corpus by position and id, without keeping its text in memory."""

from __future__ import annotations

import hashlib
import threading
from array import array
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from redline.cache_folder import cache_folder
from redline.corpus.reading import Locator
from redline.errors import InputError, display_path
from redline.index_cache import WORTH_CACHING, IndexCache
from redline.schema.records import Document


class IndexedCorpus(Protocol):
    """What an index needs of its corpus (:class:`redline.corpus.Corpus` is one)."""

    @property
    def source(self) -> str: ...
    @property
    def problems(self) -> list[InputError]: ...
    @property
    def is_jsonl_file(self) -> bool: ...
    def scan_ids(self) -> Iterator[tuple[str, Locator]]: ...
    def read(self, locator: Locator) -> Document: ...
    def remember_problems(self, problems: list[InputError]) -> None: ...


_INDEX_FORMAT = 1


def index_cache_folder() -> Path:
    """Where indexes of big corpora are kept (:func:`redline.cache_folder.cache_folder`)."""
    return cache_folder("corpus-index")


class CorpusIndex:
    """The ids of a corpus in order and where each document is: random access without
    keeping any text, in a few dozen bytes per document (100,000 documents: ~15 MB).

    The index grows as it is used: the first documents are there as soon as their lines are
    read, so a UI can show one while the rest is indexed (:meth:`finish`, from a thread).
    Reading a big JSONL corpus through costs ~1 s per 100,000 articles, so the whole index
    of a JSONL file is cached (see :func:`index_cache_folder`) and reused while the file
    keeps its size, modification time and inode."""

    def __init__(self, corpus: IndexedCorpus) -> None:
        self.corpus = corpus
        self.doc_ids: list[str] = []
        self.complete = False
        self._positions: dict[str, int] = {}
        self._files: list[Path] = []  # a file per document (folders, single files)
        self._jsonl: Path | None = None  # or one JSONL file, with each line's place in it
        self._offsets = array("q")
        self._lines = array("q")
        self._lock = threading.Lock()
        self._cacheable = corpus.is_jsonl_file
        self._scan: Iterator[tuple[str, Locator]] | None = None
        if self._cacheable and self._load_cache():
            self.complete = True
        else:
            self._scan = corpus.scan_ids()

    def _grow(self, wanted: int | None) -> None:
        """Read on until ``wanted`` documents are indexed (None: all of them)."""
        if self.complete or (wanted is not None and len(self.doc_ids) >= wanted):
            return  # without waiting for a thread that is indexing the rest
        with self._lock:
            while not self.complete and (wanted is None or len(self.doc_ids) < wanted):
                assert self._scan is not None
                try:
                    doc_id, locator = next(self._scan)
                except StopIteration:
                    self.complete = True
                    self._scan = None
                    if self._cacheable and len(self.doc_ids) >= WORTH_CACHING:
                        self._save_cache()
                    break
                if locator.line is None:
                    self._files.append(locator.path)
                else:
                    self._jsonl = locator.path
                    self._offsets.append(locator.offset)
                    self._lines.append(locator.line)
                self._positions[doc_id] = len(self.doc_ids)
                self.doc_ids.append(doc_id)  # last: a reader of doc_ids sees it whole

    def finish(self) -> CorpusIndex:
        """Index every document (and learn every problem of the corpus)."""
        self._grow(None)
        return self

    def has(self, position: int) -> bool:
        """Whether there is a document at ``position`` (indexing up to it if need be)."""
        self._grow(position + 1)
        return 0 <= position < len(self.doc_ids)

    def iter_ids(self) -> Iterator[str]:
        """The ids in order, indexing only as far as they are read."""
        position = 0
        while self.has(position):
            if self.complete:  # all known: no more indexing to interleave
                yield from self.doc_ids[position:]
                return
            yield self.doc_ids[position]
            position += 1

    def __len__(self) -> int:
        return len(self.finish().doc_ids)

    def position(self, doc_id: str) -> int | None:
        found = self._positions.get(doc_id)
        if found is None and not self.complete:
            found = self.finish()._positions.get(doc_id)
        return found

    def document(self, position: int) -> Document:
        if not self.has(position):
            raise IndexError(position)
        if self._jsonl is None:
            return self.corpus.read(Locator(self._files[position]))
        return self.corpus.read(
            Locator(self._jsonl, self._offsets[position], self._lines[position])
        )

    def _cache(self) -> tuple[IndexCache, dict[str, object]]:
        """The cache file of this corpus (one per resolved path) and the stamp of the file as
        it is now; an OSError when the file cannot be looked at."""
        path = Path(self.corpus.source).resolve()
        status = path.stat()
        name = hashlib.sha1(str(path).encode("utf-8", "surrogateescape")).hexdigest()
        stamp: dict[str, object] = {
            "path": str(path),
            "size": status.st_size,
            "mtime_ns": status.st_mtime_ns,
            "inode": status.st_ino,
        }
        return IndexCache(index_cache_folder() / f"{name}.index", _INDEX_FORMAT), stamp

    def _load_cache(self) -> bool:
        try:
            cache, stamp = self._cache()
        except OSError:
            return False
        cached = cache.load(
            expect=stamp,
            numbers=("offsets", "lines"),
            texts=("doc_ids",),
            shown=display_path(Path(self.corpus.source)),
        )
        if cached is None:
            return False
        self._offsets, self._lines = cached.numbers["offsets"], cached.numbers["lines"]
        self.doc_ids = cached.texts["doc_ids"]
        self._positions = dict(zip(self.doc_ids, range(len(self.doc_ids)), strict=True))
        self._jsonl = Path(self.corpus.source)
        self.corpus.remember_problems(cached.problems)
        return True

    def _save_cache(self) -> None:
        """Best effort: no cache folder (read-only home) only means indexing next time too."""
        try:
            cache, stamp = self._cache()
        except OSError:
            return
        cache.save(
            stamp,
            numbers={"offsets": self._offsets, "lines": self._lines},
            texts={"doc_ids": self.doc_ids},
            problems=self.corpus.problems,
        )
