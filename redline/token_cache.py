"""Token offsets remembered by text, so that counting tokens again needs no spaCy.

Kappa and alpha count tokens, and spaCy's tokenizer is most of a report's time: a second to
import it in each counting process, and a second more for 10,000 news articles. A text's
tokens change only with the text, the language and spaCy's version, so they are kept in
the cache folder (``tokens``) in an SQLite file per language and spaCy version, keyed by
the text's SHA-1. Asking for a batch of texts is one query; the texts not found are cut by
spaCy (imported then, and only then) and added, a batch in one transaction. SQLite's own
locking lets the report's two processes (or two reports) read and add at the same time; the
file keeps SQLite's default journal, which, unlike its write-ahead log, also holds on a home
folder shared over NFS.

``annotate`` and ``review`` cut each text they open through the same cache
(:func:`remembered_tokens`): a document opened again, or counted by a report after it was
annotated on this machine, is not cut again, and a document whose tokens and suggestions
are both cached opens without spaCy.

Like everything in the cache folder it is a shortcut: a file that cannot be opened, read or
written is passed by and the texts are tokenized as before, so the tokens are the same
either way (``tests/unit/test_token_cache.py``).
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import sqlite3
import threading
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from redline.cache_folder import cache_folder
from redline.tokens import token_array

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    IntArray = npt.NDArray[np.int64]

_FORMAT = 1
"""The version of the stored form below: a change to it starts a new file."""

_QUERY_TEXTS = 500
"""Texts asked for in one query (well under SQLite's limit of variables)."""

_WIDTHS = (("u1", 0xFF), ("u2", 0xFFFF), ("<u4", 0xFFFFFFFF))
"""The narrowest unsigned type that holds every step of a text's offsets, with its code."""


def token_cache_file(lang: str) -> Path | None:
    """The cache of ``lang``'s tokens as this spaCy version cuts them (None: no spaCy)."""
    version = _spacy_version()
    if version is None:
        return None
    return cache_folder("tokens") / f"{lang}-spacy{version}-v{_FORMAT}.sqlite3"


@lru_cache(maxsize=1)
def _spacy_version() -> str | None:
    """Read from the package's metadata (a scan of the installed packages), once."""
    try:
        return importlib.metadata.version("spacy")
    except importlib.metadata.PackageNotFoundError:
        return None


class TokenCache:
    """:func:`redline.tokens.token_array` for ``lang``, remembered in ``path``.

    Called with one text it is a tokenizer; :meth:`many` takes a batch in one query. Its
    threads share one connection, in turn. It can be pickled (for the report's second
    process): the connection is made again there."""

    def __init__(self, lang: str = "en", path: Path | None = None) -> None:
        self.lang = lang
        self.path = path if path is not None else token_cache_file(lang)
        self._connection: sqlite3.Connection | None = None
        self._broken = self.path is None
        self._lock = threading.Lock()

    def __getstate__(self) -> dict[str, Any]:
        return {"lang": self.lang, "path": self.path}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["lang"], state["path"])  # type: ignore[misc]

    def __call__(self, text: str) -> IntArray:
        return self.many([text])[0]

    def many(
        self,
        texts: Sequence[str],
        digests: Sequence[bytes] | None = None,
        lengths: Sequence[int] | None = None,
    ) -> list[IntArray]:
        """Each text's (start, end) token offsets as an n x 2 array, as :func:`token_array`.
        ``digests`` and ``lengths``, when known, are the texts' SHA-1 digests and lengths: a
        text found in the cache is then never read (``texts`` may read each when asked)."""
        keys = (
            list(digests)
            if digests is not None
            else [hashlib.sha1(text.encode("utf-8")).digest() for text in texts]
        )
        sizes = list(lengths) if lengths is not None else [len(text) for text in texts]
        return self._completed(texts, keys, sizes, self._read(keys))

    def _completed(
        self,
        texts: Sequence[str],
        keys: list[bytes],
        sizes: Sequence[int],
        blobs: dict[bytes, bytes],
    ) -> list[IntArray]:
        """Each text's tokens from the entries found (``blobs``), the others cut and added."""
        try:
            found = dict(zip(blobs, _decoded_all(list(blobs.values())), strict=True))
        except ValueError:  # not a cache this code wrote: tokenize instead
            self._give_up()
            found = {}
        # An entry whose tokens end past its text is not what this code wrote: cut again.
        missing = [
            i for i, key in enumerate(keys)
            if key not in found or (len(found[key]) and found[key][-1, 1] > sizes[i])
        ]  # fmt: skip
        cut = {keys[i]: token_array(texts[i], self.lang) for i in missing}
        if cut:
            self._write(cut)
        return [cut[key] if key in cut else found[key] for key in keys]

    def joined(
        self, texts: Sequence[str], digests: Sequence[bytes], lengths: Sequence[int]
    ) -> tuple[IntArray, IntArray]:
        """:meth:`many` as each text's number of tokens and every text's (start, end) offsets
        after one another in one n x 2 array: what a batch counts, with no array per text
        (read so when every text's entry is there in one-byte steps, as nearly always)."""
        import numpy as np

        keys = list(digests)
        blobs = self._read(keys)
        if len(blobs) == len(set(keys)) and all(blob[:1] == b"\0" for blob in blobs.values()):
            try:
                counts, pairs = _joined_narrow([blobs[key] for key in keys])
            except ValueError:
                counts = None
            if counts is not None:
                last = np.cumsum(counts) - 1
                filled = counts > 0
                if (pairs[last[filled], 1] <= np.asarray(lengths)[filled]).all():
                    return counts, pairs
        pieces = self._completed(texts, keys, lengths, blobs)
        counts = np.asarray([len(piece) for piece in pieces], dtype=np.int64)
        return counts, np.concatenate(pieces) if pieces else np.zeros((0, 2), dtype=np.int64)

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def _connect(self) -> sqlite3.Connection | None:
        if self._connection is None and not self._broken:
            assert self.path is not None
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                connection = sqlite3.connect(
                    self.path, timeout=30, isolation_level=None, check_same_thread=False
                )
                connection.execute(
                    "CREATE TABLE IF NOT EXISTS tokens (text_sha1 BLOB PRIMARY KEY, offsets BLOB)"
                    " WITHOUT ROWID"
                )
                self._connection = connection
            except (OSError, sqlite3.Error):
                self._broken = True
        return self._connection

    def _read(self, keys: list[bytes]) -> dict[bytes, bytes]:
        found: dict[bytes, bytes] = {}
        with self._lock:
            connection = self._connect()
            if connection is None:
                return found
            try:
                for start in range(0, len(keys), _QUERY_TEXTS):
                    part = keys[start : start + _QUERY_TEXTS]
                    marks = ",".join("?" * len(part))
                    rows = connection.execute(
                        f"SELECT text_sha1, offsets FROM tokens WHERE text_sha1 IN ({marks})", part
                    )
                    found.update(rows)
            except sqlite3.Error:  # not a cache this code wrote: tokenize instead
                self._give_up()
                return {}
        return found

    def _write(self, cut: dict[bytes, IntArray]) -> None:
        with self._lock:
            connection = self._connect()
            if connection is None:
                return
            try:
                with connection:
                    connection.execute("BEGIN")
                    connection.executemany(
                        "INSERT OR REPLACE INTO tokens VALUES (?, ?)",
                        [(key, _encoded(rows)) for key, rows in cut.items()],
                    )
            except sqlite3.Error:  # full disk, read-only folder, a broken file: a shortcut
                self._give_up()

    def _give_up(self) -> None:
        self.close()
        self._broken = True


_SHARED: dict[tuple[str, Path | None], TokenCache] = {}
_SHARED_LOCK = threading.Lock()


def shared_token_cache(lang: str = "en") -> TokenCache:
    """This process's cache of ``lang`` (one connection for the report and the UI alike)."""
    path = token_cache_file(lang)
    with _SHARED_LOCK:
        cache = _SHARED.get((lang, path))
        if cache is None:
            cache = _SHARED[lang, path] = TokenCache(lang, path)
    return cache


def remembered_tokens(text: str, lang: str = "en") -> list[tuple[int, int]]:
    """:func:`redline.tokens.tokenize` through :func:`shared_token_cache`: for the documents
    a person opens one at a time (a batch goes through :meth:`TokenCache.many`)."""
    return [(start, end) for start, end in shared_token_cache(lang)(text).tolist()]


def _encoded(rows: IntArray) -> bytes:
    """Offsets as the steps between them (start, end, start, ... from 0), in one byte each
    where every step fits (a news text nearly always), led by the width's code."""
    import numpy as np

    steps = np.diff(rows.reshape(-1), prepend=0)
    largest = int(steps.max()) if len(steps) else 0
    for code, (dtype, limit) in enumerate(_WIDTHS):
        if largest <= limit:
            return bytes([code]) + steps.astype(dtype).tobytes()
    raise ValueError(f"a token step of {largest} characters")


def _decoded_all(blobs: list[bytes]) -> list[IntArray]:
    """:func:`_decoded` of each entry; those of one-byte steps (nearly all) in one pass."""
    import numpy as np

    narrow = [i for i, blob in enumerate(blobs) if blob[:1] == b"\0"]
    found = [_decoded(blob) if blob[:1] != b"\0" else None for blob in blobs]
    if narrow:
        counts, pairs = _joined_narrow([blobs[i] for i in narrow])
        for i, piece in zip(narrow, np.split(pairs, np.cumsum(counts)[:-1]), strict=True):
            found[i] = piece
    return cast("list[IntArray]", found)


def _joined_narrow(blobs: Sequence[bytes]) -> tuple[IntArray, IntArray]:
    """Entries of one-byte steps, decoded one after another: each one's number of tokens,
    and all their (start, end) offsets as one n x 2 array."""
    import numpy as np

    sizes = np.asarray([len(blob) - 1 for blob in blobs], dtype=np.int64)
    if (sizes % 2).any():
        raise ValueError("not a token cache entry")
    steps = np.frombuffer(b"".join(blob[1:] for blob in blobs), dtype=np.uint8)
    running = np.cumsum(steps, dtype=np.int64)
    before = np.concatenate([[0], running])[np.cumsum(sizes) - sizes]  # earlier entries' sum
    return sizes // 2, (running - np.repeat(before, sizes)).reshape(-1, 2)


def _decoded(blob: bytes) -> IntArray:
    import numpy as np

    if not blob or blob[0] >= len(_WIDTHS):
        raise ValueError("not a token cache entry")
    steps = np.frombuffer(blob, dtype=_WIDTHS[blob[0]][0], offset=1)
    return np.cumsum(steps, dtype=np.int64).reshape(-1, 2)
