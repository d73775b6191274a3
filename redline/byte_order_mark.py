"""One rule for a byte order mark, in every reader: a text never begins with U+FEFF.

Editors on Windows start UTF-8 files with a byte order mark. Kept by one reader and dropped
by another, the same file imported two ways would be two different texts (another hash,
offsets one apart) and could not be compared. So every reader (corpus files, brat ``.txt``
and ``.ann``, Prodigy and our JSONL, plain text) drops a mark at the start of a file and at
the start of a document's text, and where offsets counted it (a brat ``.ann`` made against
the ``.txt`` with its mark, as brat counts it; a Prodigy task whose text kept it) they are
shifted back by :func:`strip_bom`'s ``shift``. A U+FEFF anywhere else is text and is kept.
"""

from __future__ import annotations

from pathlib import Path

from redline.errors import InputError, Location, display_path

BOM = "\ufeff"
BOM_BYTES = BOM.encode("utf-8")


def strip_bom(text: str) -> tuple[str, int]:
    """``text`` without a leading mark, and by how much its offsets move (0 or 1)."""
    if text.startswith(BOM):
        return text[1:], 1
    return text, 0


def strip_bom_bytes(raw: bytes) -> bytes:
    """The bytes of a file without a leading UTF-8 mark."""
    return raw[len(BOM_BYTES) :] if raw.startswith(BOM_BYTES) else raw


def read_without_bom(path: Path) -> bytes:
    """An input file's bytes without a leading mark; an InputError naming the file when it
    cannot be read."""
    shown = display_path(path)
    try:
        return strip_bom_bytes(Path(path).read_bytes())
    except FileNotFoundError:
        raise InputError(Location(shown), "file not found") from None
    except OSError as error:
        raise InputError(Location(shown), f"cannot read: {error.strerror}") from None
