"""A corpus as a source: what it names (a folder, a JSONL file, a .txt file, stdin) decides how
it is read, and stdin is copied to a temporary file first so that it too can be read again."""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from redline.corpus.index import CorpusIndex
from redline.corpus.reading import (
    Locator,
    document_from_line,
    looks_like_jsonl,
    read_jsonl,
    read_text_file,
    text_files,
)
from redline.errors import InputError, Location, RedlineError, display_path
from redline.schema.records import Document

STDIN = "-"
JSONL_SUFFIXES = {".jsonl", ".ndjson", ".json"}


class Corpus:
    """A source of documents, read lazily; iterate it as often as needed."""

    def __init__(
        self, source: str | Path, stdin: IO[bytes] | None = None, *, id_key: str | None = None
    ) -> None:
        self.source = str(source)
        self.id_key = id_key
        """Where each JSONL line's id is (a dotted path, ``meta.id``), instead of the usual
        keys; files are named by their name whatever it says."""
        self.problems: list[InputError] = []
        self._stdin = stdin
        self._spooled: Path | None = None
        if self.source == STDIN:
            return
        path = Path(self.source)
        if not path.exists():
            raise RedlineError(f"{display_path(path)}: no such file or folder")
        if path.is_dir() and not any(text_files(path)):
            raise RedlineError(f"{display_path(path)}: no .txt files in this folder")

    @property
    def name(self) -> str:
        """A default dataset name: the folder or file name without its suffix."""
        if self.source == STDIN:
            return "stdin"
        return Path(self.source).resolve().stem or "corpus"

    @property
    def skipped(self) -> int:
        return len(self.problems)

    def __iter__(self) -> Iterator[Document]:
        for document, _ in self._documents():
            yield document

    def index(self) -> CorpusIndex:
        """The documents' ids in order, with where each one is, for random access."""
        return CorpusIndex(self)

    @property
    def is_jsonl_file(self) -> bool:
        """Whether the documents are the lines of one named JSONL file (not stdin): the one
        kind of corpus that is costly to read through and can be told apart from its later
        versions by its size, modification time and inode, so the kind an index is kept of.
        Not with an :attr:`id_key`: the ids then depend on more than the file."""
        return self.source != STDIN and self._is_jsonl(Path(self.source)) and self.id_key is None

    def scan_ids(self) -> Iterator[tuple[str, Locator]]:
        """Every good document's id, once and in order, with where it is: checked as iteration
        checks (into :attr:`problems`), but without building the documents of a JSONL file."""
        for item, _, locator in self._checked(ids_only=True):
            yield item if isinstance(item, str) else item.doc_id, locator

    def read(self, locator: Locator) -> Document:
        """The document at ``locator`` (from :meth:`scan_ids`), read again from its file; a
        :class:`RedlineError` when that file has changed so that it is no longer there."""
        path = locator.path
        shown = "<stdin>" if self.source == STDIN else display_path(path)
        if locator.line is None:
            item = read_text_file(path, shown, by_hash=self.source == STDIN)
        else:
            with path.open("rb") as handle:
                handle.seek(locator.offset)
                raw = handle.readline()
            item = document_from_line(raw, Location(shown, locator.line), self.id_key)
        if isinstance(item, InputError):
            raise RedlineError(f"{item} (the file changed since it was opened)")
        return item[0]

    def remember_problems(self, problems: Iterable[InputError]) -> None:
        """Take the problems a scan found earlier (a cached index) as this scan's own, so
        that they are reported just as if the corpus had been read through now."""
        self.problems = list(problems)

    def located(self) -> Iterator[tuple[Document, Location]]:
        """Each document with its place (the file, and the line of a JSONL file): where an
        import reports what it finds in it, as the corpus reports its bad lines."""
        for item, location, _ in self._checked(ids_only=False):
            assert isinstance(item, Document)
            yield item, location

    def _documents(self) -> Iterator[tuple[Document, Locator]]:
        for item, _, locator in self._checked(ids_only=False):
            assert isinstance(item, Document)
            yield item, locator

    def _checked(self, *, ids_only: bool) -> Iterator[tuple[Document | str, Location, Locator]]:
        """Every good document (or just its id) once, in order; the rest become problems."""
        self.problems = []
        seen: set[str] = set()
        for item in self._read(ids_only=ids_only):
            if isinstance(item, InputError):
                self.problems.append(item)
                continue
            document, location, locator = item
            doc_id = document if isinstance(document, str) else document.doc_id
            if doc_id in seen:
                self.problems.append(InputError(location, f"duplicate doc_id {doc_id!r}; skipped"))
                continue
            seen.add(doc_id)
            yield document, location, locator

    def size_hint(self) -> int:
        """How many documents there are at most, without decoding them (for progress bars)."""
        path = self._path()
        if path.is_dir():
            return sum(1 for _ in text_files(path))
        if self._is_jsonl(path):
            with path.open("rb") as handle:
                return sum(1 for line in handle if line.strip())
        return 1

    def _path(self) -> Path:
        if self.source != STDIN:
            return Path(self.source)
        if self._spooled is None:
            stream = self._stdin if self._stdin is not None else sys.stdin.buffer
            with tempfile.NamedTemporaryFile(
                prefix="redline-stdin-", suffix=".stdin", delete=False
            ) as copy:
                shutil.copyfileobj(stream, copy)
            self._spooled = Path(copy.name)
        return self._spooled

    def _read(
        self, *, ids_only: bool = False
    ) -> Iterator[tuple[Document | str, Location, Locator] | InputError]:
        path = self._path()
        shown = "<stdin>" if self.source == STDIN else display_path(path)
        if path.is_dir():
            for file in text_files(path):
                item = read_text_file(file, display_path(file))
                yield item if isinstance(item, InputError) else (*item, Locator(file))
        elif self._is_jsonl(path):
            yield from read_jsonl(path, shown, ids_only=ids_only, id_key=self.id_key)
        else:
            item = read_text_file(path, shown, by_hash=self.source == STDIN)
            yield item if isinstance(item, InputError) else (*item, Locator(path))

    def _is_jsonl(self, path: Path) -> bool:
        if self.source == STDIN:
            return looks_like_jsonl(path)
        return path.suffix.lower() in JSONL_SUFFIXES

    def __del__(self) -> None:
        if self._spooled is not None:
            self._spooled.unlink(missing_ok=True)
