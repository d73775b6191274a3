"""Files written whole or not at all: readers see the old file or the complete new one.

The new content goes to ``.<name>.<pid>.<random>.part`` beside the target, is fsynced, and
is renamed over the target (then the folder is fsynced, so the rename survives a power cut).
A process killed mid-write leaves its ``.part`` file behind; the next write of the same
target removes the parts of processes that no longer exist.

``mkstemp`` creates the part with mode 0600 (it may hold a secret until renamed); before the
rename it gets the mode ``open()`` would have given a new file, ``0o666 & ~umask``, so that an
export is as readable by the group or the team as the store's own JSONL files are.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from redline.errors import RedlineError, display_path

PART_SUFFIX = ".part"
_UMASK_LOCK = threading.Lock()


def process_umask() -> int:
    """The process's umask, read without changing it where the kernel tells it (Linux 4.7+:
    ``Umask:`` in /proc/self/status). Elsewhere the only way is to set it and set it back;
    for that instant a file another thread creates would get mode 0600 at most, so it is
    done under a lock, once per process (at import, before a command starts its threads)."""
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    with _UMASK_LOCK:
        mask = os.umask(0o077)
        os.umask(mask)
    return mask


FILE_MODE = 0o666 & ~process_umask()
"""The mode every file written here ends with (0644 under the usual umask 022)."""


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
            # Some file systems (FAT, some network mounts) refuse modes: the data matters more.
            with contextlib.suppress(OSError):
                os.fchmod(handle.fileno(), FILE_MODE)
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
