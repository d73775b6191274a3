"""Files written whole or not at all: readers see the old file or the complete new one.

The new content goes to ``.<name>.<pid>.<random>.part`` beside the target, is fsynced, and
is renamed over the target (then the folder is fsynced, so the rename survives a power cut).
A process killed mid-write leaves its ``.part`` file behind; the next write of the same
target removes the parts of processes that no longer exist.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from redline.errors import RedlineError, display_path

PART_SUFFIX = ".part"


@contextmanager
def atomic_writer(path: Path) -> Iterator[BinaryIO]:
    """A binary handle on a temporary file beside ``path``; renamed onto ``path`` (after an
    fsync) only when the block ends without an exception. A failed write (disk full, file
    size limit, permissions) is a :class:`RedlineError` naming ``path``; ``path`` is then
    exactly as it was."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _remove_abandoned_parts(path.parent)
        fd, name = tempfile.mkstemp(
            prefix=f".{path.name}.{os.getpid()}.", suffix=PART_SUFFIX, dir=path.parent
        )
    except OSError as error:
        raise _write_error(path, error) from None
    temporary = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
        _fsync_folder(path.parent)
    except OSError as error:
        raise _write_error(path, error) from None
    finally:
        temporary.unlink(missing_ok=True)


def write_atomic(path: Path, data: bytes) -> Path:
    with atomic_writer(path) as handle:
        handle.write(data)
    return path


def _write_error(path: Path, error: OSError) -> RedlineError:
    return RedlineError(
        f"could not write {display_path(path)}: {error.strerror or error}; "
        f"{'the previous file is unchanged' if path.exists() else 'nothing was written'}"
    )


_cleaned_folders: set[Path] = set()


def _remove_abandoned_parts(folder: Path) -> None:
    """Once per folder and process (a brat export writes thousands of files into one)."""
    if folder in _cleaned_folders:
        return
    for part in folder.glob(f".*{PART_SUFFIX}"):
        pieces = part.name.rsplit(".", 3)  # .<name>.<pid>.<random>.part
        if len(pieces) == 4 and pieces[1].isdigit() and not _alive(int(pieces[1])):
            part.unlink(missing_ok=True)
    _cleaned_folders.add(folder)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _fsync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
