"""Turning bytes into documents: a .txt file, a JSONL line, and what is wrong with them.

Each reader returns a problem instead of raising, naming the file (and line), so that one
bad file or line is skipped and reported while the rest of the corpus is still read.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from redline.byte_order_mark import strip_bom, strip_bom_bytes
from redline.errors import InputError, Location
from redline.schema.records import Document, text_sha1

_ID_KEYS = ("doc_id", "id")


@dataclass(frozen=True, slots=True)
class Locator:
    """Where one document is: a file, and for JSONL the byte offset and number of its line."""

    path: Path
    offset: int = 0
    line: int | None = None


def text_files(folder: Path) -> Iterator[Path]:
    return iter(
        sorted(p for p in folder.iterdir() if p.suffix == ".txt" and not p.name.startswith("."))
    )


def looks_like_jsonl(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(4096).lstrip().startswith(b"{")


def _decode(raw: bytes, shown: str, line: int | None = None) -> str | InputError:
    if b"\x00" in raw:
        return InputError(Location(shown, line), "binary data (NUL bytes), not text; skipped")
    # A byte-order mark opens a file (or its first line): drop it ourselves, so that the
    # offset of a bad byte, and the line counted from it, are the file's own.
    bom = len(raw) - len(strip_bom_bytes(raw)) if line in (None, 1) else 0
    try:
        return raw[bom:].decode("utf-8")
    except UnicodeDecodeError as error:
        start = bom + error.start
        bad_line = (line or 1) + raw[:start].count(b"\n")
        return InputError(
            Location(shown, bad_line),
            f"invalid UTF-8 (byte 0x{raw[start]:02x} at offset {start}); skipped",
        )


def read_text_file(
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


def read_jsonl(
    path: Path, shown: str, *, ids_only: bool = False, id_key: str | None = None
) -> Iterator[tuple[Document, Location, Locator] | tuple[str, Location, Locator] | InputError]:
    """Each line's document, or with ``ids_only`` just its id (checked alike, but without
    building the document: what indexing a big corpus needs); ``id_key`` (a dotted path such
    as ``meta.id``) names where each line's id is, instead of the usual keys."""
    offset = 0
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            start, offset = offset, offset + len(raw)
            if number == 1:  # the file's byte order mark is not part of its first line
                line = strip_bom_bytes(raw)
                start, raw = start + len(raw) - len(line), line
            if not raw.strip():
                continue
            location = Location(shown, number)
            item = _fields_from_line(raw, shown, location, id_key)
            if isinstance(item, InputError):
                yield item
                continue
            locator = Locator(path, start, number)
            yield (
                (item[2], location, locator)
                if ids_only
                else (
                    _document(item, location),
                    location,
                    locator,
                )
            )


def document_from_line(
    raw: bytes, location: Location, id_key: str | None = None
) -> tuple[Document, Location] | InputError:
    if location.line == 1:
        raw = strip_bom_bytes(raw)
    item = _fields_from_line(raw, location.path, location, id_key)
    return item if isinstance(item, InputError) else (_document(item, location), location)


_Fields = tuple[dict[str, Any], str, str]


def value_at(data: dict[str, Any], dotted: str) -> object:
    """The value at a dotted path (``meta.id``: the ``id`` of the object under ``meta``), or
    None where the path leads nowhere: how a document's id is found under a key the user
    names (``--id-key``), in a corpus line, a Prodigy task or a record alike."""
    value: object = data
    for part in dotted.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def _fields_from_line(
    raw: bytes, shown: str, location: Location, id_key: str | None = None
) -> _Fields | InputError:
    """The line's object, text and id, or what is wrong with it."""
    if b"\x00" in raw:
        return InputError(location, "binary data (NUL bytes), not text; skipped")
    try:
        data: Any = orjson.loads(raw)
    except orjson.JSONDecodeError:
        # not UTF-8, or not JSON: say which
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
    text = strip_bom(text)[0]  # a text read from a file with its mark (see byte_order_mark)
    if not text.strip():
        return InputError(location, 'empty "text"; skipped')
    meta = data.get("meta", {})
    if not isinstance(meta, dict):
        return InputError(location, '"meta" must be a JSON object; skipped')
    doc_id: object
    if id_key is not None:
        doc_id = value_at(data, id_key)
        if doc_id in (None, ""):
            return InputError(location, f"no id at {id_key!r} (--id-key) in this line; skipped")
    else:
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
