"""A last line that a crash cut off in the middle of a save: found and moved aside.

A save is one ``write`` of a whole line; only a crash during it leaves a last line without
its newline. Such a tail is no record and must not stay where the next append would glue a
record to it, nor be lost: it is moved to ``<file>.torn`` for whoever wants to look, and the
file cut back to its last whole line. A whole record that only lacks its newline (edited by
hand) is kept and given one.
"""

from __future__ import annotations

import os
from pathlib import Path

from redline.errors import InputError, Location, display_path
from redline.schema.records import Annotation
from redline.store.files import count_newlines, last_newline_before, write_all

TORN_SUFFIX = ".torn"


def is_record(raw: bytes) -> bool:
    try:
        Annotation.model_validate_json(raw)
    except ValueError:
        return False
    return True


def recover_torn_tail(fd: int, path: Path, shown: str) -> InputError | None:
    """Quarantine the torn last line of the file open for writing on ``fd``; what was done
    (for the user to hear), or None when the file ends in a whole line."""
    size = os.fstat(fd).st_size
    if size == 0 or os.pread(fd, 1, size - 1) == b"\n":
        return None
    start = last_newline_before(fd, size) + 1
    tail = os.pread(fd, size - start, start)
    number = count_newlines(fd, start) + 1
    if is_record(tail):
        write_all(fd, b"\n")
        os.fsync(fd)
        return None
    torn_path = path.with_name(path.name + TORN_SUFFIX)
    with torn_path.open("ab") as torn:
        torn.write(tail + b"\n")
        torn.flush()
        os.fsync(torn.fileno())
    os.ftruncate(fd, start)
    os.fsync(fd)
    return InputError(
        Location(shown, number),
        f"torn last line ({len(tail)} bytes, an interrupted save) moved to "
        f"{display_path(torn_path)}",
    )
