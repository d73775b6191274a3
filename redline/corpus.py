"""Reading documents to annotate: a folder of .txt files, a JSONL file, a .txt file, or stdin.

Documents are streamed one at a time, so a corpus of any size costs the memory of one
document. A bad file or line never stops the run: it becomes one problem naming the file
(and line), the other documents are still read, and the caller reports what was skipped.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import shutil
import sys
import tempfile
import threading
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import orjson

from redline.atomic import write_atomic
from redline.errors import InputError, Location, RedlineError, display_path
from redline.schema.records import Document, text_sha1

STDIN = "-"
JSONL_SUFFIXES = {".jsonl", ".ndjson", ".json"}
_ID_KEYS = ("doc_id", "id")
_BOM = codecs.BOM_UTF8
_INDEX_CACHE_FORMAT = 1
_INDEX_CACHE_MIN = 1000  # smaller corpora index faster than a cache would load


def index_cache_folder() -> Path:
    """Where indexes of big corpora are kept: $REDLINE_CACHE_DIR, else the user's cache
    folder ($XDG_CACHE_HOME or ~/.cache) /redline/corpus-index."""
    explicit = os.environ.get("REDLINE_CACHE_DIR")
    if explicit:
        return Path(explicit) / "corpus-index"
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        try:
            base = str(Path.home() / ".cache")
        except RuntimeError:  # no home folder (a service account): a per-user temp folder
            base = str(Path(tempfile.gettempdir()) / f"redline-{os.getuid()}")
    return Path(base) / "redline" / "corpus-index"


class Corpus:
    """A source of documents, read lazily; iterate it as often as needed."""

    def __init__(self, source: str | Path, stdin: IO[bytes] | None = None) -> None:
        self.source = str(source)
        self.problems: list[InputError] = []
        self._stdin = stdin
        self._spooled: Path | None = None
        if self.source == STDIN:
            return
        path = Path(self.source)
        if not path.exists():
            raise RedlineError(f"{display_path(path)}: no such file or folder")
        if path.is_dir() and not any(_text_files(path)):
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

    def _documents(self) -> Iterator[tuple[Document, _Locator]]:
        for item, locator in self._checked(ids_only=False):
            assert isinstance(item, Document)
            yield item, locator

    def _checked(self, *, ids_only: bool) -> Iterator[tuple[Document | str, _Locator]]:
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
            yield document, locator

    def _read_one(self, locator: _Locator) -> Document:
        path = locator.path
        shown = "<stdin>" if self.source == STDIN else display_path(path)
        if locator.line is None:
            item = _read_text_file(path, shown, by_hash=self.source == STDIN)
        else:
            with path.open("rb") as handle:
                handle.seek(locator.offset)
                raw = handle.readline()
            item = _document_from_line(raw, Location(shown, locator.line))
        if isinstance(item, InputError):
            raise RedlineError(f"{item} (the file changed since it was opened)")
        return item[0]

    def size_hint(self) -> int:
        """How many documents there are at most, without decoding them (for progress bars)."""
        path = self._path()
        if path.is_dir():
            return sum(1 for _ in _text_files(path))
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
    ) -> Iterator[tuple[Document | str, Location, _Locator] | InputError]:
        path = self._path()
        shown = "<stdin>" if self.source == STDIN else display_path(path)
        if path.is_dir():
            for file in _text_files(path):
                item = _read_text_file(file, display_path(file))
                yield item if isinstance(item, InputError) else (*item, _Locator(file))
        elif self._is_jsonl(path):
            yield from _read_jsonl(path, shown, ids_only=ids_only)
        else:
            item = _read_text_file(path, shown, by_hash=self.source == STDIN)
            yield item if isinstance(item, InputError) else (*item, _Locator(path))

    def _is_jsonl(self, path: Path) -> bool:
        if self.source == STDIN:
            return _looks_like_jsonl(path)
        return path.suffix.lower() in JSONL_SUFFIXES

    def __del__(self) -> None:
        if self._spooled is not None:
            self._spooled.unlink(missing_ok=True)


@dataclass(frozen=True, slots=True)
class _Locator:
    """Where one document is: a file, and for JSONL the byte offset and number of its line."""

    path: Path
    offset: int = 0
    line: int | None = None


class CorpusIndex:
    """The ids of a corpus in order and where each document is: random access without
    keeping any text, in a few dozen bytes per document (100,000 documents: ~15 MB).

    The index grows as it is used: the first documents are there as soon as their lines are
    read, so a UI can show one while the rest is indexed (:meth:`finish`, from a thread).
    Reading a big JSONL corpus through costs ~1 s per 100,000 articles, so the whole index
    of a JSONL file is cached (see :func:`index_cache_folder`) and reused while the file
    keeps its size, modification time and inode."""

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus
        self.doc_ids: list[str] = []
        self.complete = False
        self._positions: dict[str, int] = {}
        self._files: list[Path] = []  # a file per document (folders, single files)
        self._jsonl: Path | None = None  # or one JSONL file, with each line's place in it
        self._offsets = array("q")
        self._lines = array("q")
        self._lock = threading.Lock()
        self._cacheable = corpus.source != STDIN and corpus._is_jsonl(Path(corpus.source))
        self._scan: Iterator[tuple[Document | str, _Locator]] | None = None
        if self._cacheable and self._load_cache():
            self.complete = True
        else:
            self._scan = corpus._checked(ids_only=True)

    def _grow(self, wanted: int | None) -> None:
        """Read on until ``wanted`` documents are indexed (None: all of them)."""
        if self.complete or (wanted is not None and len(self.doc_ids) >= wanted):
            return  # without waiting for a thread that is indexing the rest
        with self._lock:
            while not self.complete and (wanted is None or len(self.doc_ids) < wanted):
                assert self._scan is not None
                try:
                    document, locator = next(self._scan)
                except StopIteration:
                    self.complete = True
                    self._scan = None
                    if self._cacheable and len(self.doc_ids) >= _INDEX_CACHE_MIN:
                        self._save_cache()
                    break
                doc_id = document if isinstance(document, str) else document.doc_id
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
            return self.corpus._read_one(_Locator(self._files[position]))
        locator = _Locator(self._jsonl, self._offsets[position], self._lines[position])
        return self.corpus._read_one(locator)

    def _cache_key(self) -> tuple[Path, dict[str, object]]:
        path = Path(self.corpus.source).resolve()
        status = path.stat()
        name = hashlib.sha1(str(path).encode("utf-8", "surrogateescape")).hexdigest()
        stamp = {
            "format": _INDEX_CACHE_FORMAT,
            "path": str(path),
            "size": status.st_size,
            "mtime_ns": status.st_mtime_ns,
            "inode": status.st_ino,
        }
        return index_cache_folder() / f"{name}.index", stamp

    def _load_cache(self) -> bool:
        try:
            cache_file, stamp = self._cache_key()
            cache = orjson.loads(cache_file.read_bytes())
            if any(cache.get(key) != value for key, value in stamp.items()):
                return False
            doc_ids, offsets, lines = cache["doc_ids"], cache["offsets"], cache["lines"]
            if not len(doc_ids) == len(offsets) == len(lines):
                return False
            shown = display_path(Path(self.corpus.source))
            problems = [InputError(Location(shown, n), message) for n, message in cache["problems"]]
            self._offsets = array("q", offsets)
            self._lines = array("q", lines)
        except (OSError, ValueError, KeyError, TypeError, OverflowError):
            return False
        self.doc_ids = [str(doc_id) for doc_id in doc_ids]
        self._positions = {doc_id: n for n, doc_id in enumerate(self.doc_ids)}
        self._jsonl = Path(self.corpus.source)
        self.corpus.problems = problems
        return True

    def _save_cache(self) -> None:
        """Best effort: no cache folder (read-only home) only means indexing next time too."""
        try:
            cache_file, stamp = self._cache_key()
            cache: dict[str, object] = {
                **stamp,
                "doc_ids": self.doc_ids,
                "offsets": self._offsets.tolist(),
                "lines": self._lines.tolist(),
                "problems": [[p.location.line, p.message] for p in self.corpus.problems],
            }
            write_atomic(cache_file, orjson.dumps(cache))
        except (OSError, RedlineError):
            return


def _text_files(folder: Path) -> Iterator[Path]:
    return iter(
        sorted(p for p in folder.iterdir() if p.suffix == ".txt" and not p.name.startswith("."))
    )


def _looks_like_jsonl(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(4096).lstrip().startswith(b"{")


def _decode(raw: bytes, shown: str, line: int | None = None) -> str | InputError:
    if b"\x00" in raw:
        return InputError(Location(shown, line), "binary data (NUL bytes), not text; skipped")
    # A byte-order mark opens a file (or its first line): drop it ourselves, so that the
    # offset of a bad byte, and the line counted from it, are the file's own.
    bom = len(_BOM) if line in (None, 1) and raw.startswith(_BOM) else 0
    try:
        return raw[bom:].decode("utf-8")
    except UnicodeDecodeError as error:
        start = bom + error.start
        bad_line = (line or 1) + raw[:start].count(b"\n")
        return InputError(
            Location(shown, bad_line),
            f"invalid UTF-8 (byte 0x{raw[start]:02x} at offset {start}); skipped",
        )


def _read_text_file(
    path: Path, shown: str, *, by_hash: bool = False
) -> tuple[Document, Location] | InputError:
    """One document; its id is the file name, or a hash of the text when it has no name."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        return InputError(Location(shown), f"cannot read: {error.strerror}; skipped")
    text = _decode(raw, shown)
    if isinstance(text, InputError):
        return text
    if not text.strip():
        return InputError(Location(shown), "empty file; skipped")
    sha1 = text_sha1(text)
    doc_id = sha1[:16] if by_hash else path.stem
    document = Document(doc_id=doc_id, text=text, text_sha1=sha1, meta={"source": shown})
    return document, Location(shown)


def _read_jsonl(
    path: Path, shown: str, *, ids_only: bool = False
) -> Iterator[tuple[Document, Location, _Locator] | tuple[str, Location, _Locator] | InputError]:
    """Each line's document, or with ``ids_only`` just its id (checked alike, but without
    building the document: what indexing a big corpus needs)."""
    offset = 0
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            start, offset = offset, offset + len(raw)
            if not raw.removeprefix(_BOM).strip():  # blank, or a byte-order mark alone
                continue
            location = Location(shown, number)
            item = _fields_from_line(raw, shown, location)
            if isinstance(item, InputError):
                yield item
                continue
            locator = _Locator(path, start, number)
            yield (
                (item[2], location, locator)
                if ids_only
                else (
                    _document(item, location),
                    location,
                    locator,
                )
            )


def _document_from_line(raw: bytes, location: Location) -> tuple[Document, Location] | InputError:
    item = _fields_from_line(raw, location.path, location)
    return item if isinstance(item, InputError) else (_document(item, location), location)


_Fields = tuple[dict[str, Any], str, str]


def _fields_from_line(raw: bytes, shown: str, location: Location) -> _Fields | InputError:
    """The line's object, text and id, or what is wrong with it."""
    if b"\x00" in raw:
        return InputError(location, "binary data (NUL bytes), not text; skipped")
    try:
        data: Any = orjson.loads(raw)
    except orjson.JSONDecodeError:
        # not UTF-8, a byte-order mark, or not JSON: say which
        decoded = _decode(raw, shown, location.line)
        if isinstance(decoded, InputError):
            return decoded
        try:
            data = orjson.loads(decoded)
        except orjson.JSONDecodeError as error:
            return InputError(location, f"invalid JSON ({error.msg}); skipped")
    if not isinstance(data, dict):
        return InputError(location, f"expected a JSON object, got {type(data).__name__}; skipped")
    text = data.get("text")
    if text is None:
        return InputError(location, 'no "text" field; skipped')
    if not isinstance(text, str):
        return InputError(location, f'"text" must be a string, not {type(text).__name__}; skipped')
    if not text.strip():
        return InputError(location, 'empty "text"; skipped')
    meta = data.get("meta", {})
    if not isinstance(meta, dict):
        return InputError(location, '"meta" must be a JSON object; skipped')
    doc_id = next((data[k] for k in _ID_KEYS if data.get(k) not in (None, "")), None)
    if doc_id is None:
        doc_id = meta.get("id")
    if doc_id is None or doc_id == "":
        doc_id = text_sha1(text)[:16]
    if isinstance(doc_id, bool) or not isinstance(doc_id, str | int):
        return InputError(location, f"id must be a string or an integer, not {doc_id!r}; skipped")
    return data, text, str(doc_id)


def _document(fields: _Fields, location: Location) -> Document:
    data, text, doc_id = fields
    meta = dict(data.get("meta", {}))
    for key, value in data.items():
        if key not in ("text", "meta", "text_sha1", *_ID_KEYS) and not key.startswith("_"):
            meta.setdefault(key, value)
    meta.setdefault("source", str(location))
    return Document(doc_id=doc_id, text=text, text_sha1=text_sha1(text), meta=meta)
