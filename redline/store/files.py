"""Raw reads and writes on an open annotator file, by descriptor and byte offset.

The log works on a file descriptor rather than a Python file object: appends must reach the
disk through ``os.write`` + ``fsync`` with nothing buffered in between, reads of old records
(``pread``) must not move the offset that appends go to, and the writer's lock is an OS lock
on a descriptor, released by the kernel if the process dies.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import os
from pathlib import Path

from redline.errors import StoreLockedError

_BLOCK = 1 << 16


def lock_for_writing(lock_path: Path, shown: str) -> int:
    """The descriptor of ``lock_path``, exclusively locked and holding our pid: two processes
    appending to one file would interleave their lines. Refused at once (naming the holder)
    rather than waited for, since the other process may be a session left open for hours."""
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as error:
        holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
        os.close(fd)
        if error.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            raise
        raise StoreLockedError(
            f"{shown} is open for writing in another redline process"
            f"{f' (pid {holder})' if holder.isdigit() else ''}; close that one first"
        ) from None
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
    return fd


def unlock(fd: int) -> None:
    fcntl.flock(fd, fcntl.LOCK_UN)
    os.close(fd)


def write_all(fd: int, data: bytes) -> None:
    """``os.write`` may write only part (a signal, a nearly full disk): write on until done."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def last_newline_before(fd: int, end: int) -> int:
    """Offset of the last b'\\n' before ``end``, or -1."""
    position = end
    while position > 0:
        start = max(0, position - _BLOCK)
        chunk = os.pread(fd, position - start, start)
        found = chunk.rfind(b"\n")
        if found != -1:
            return start + found
        position = start
    return -1


def count_newlines(fd: int, end: int) -> int:
    """How many lines end before ``end``, read a block at a time (the file may be huge)."""
    count = 0
    position = 0
    while position < end:
        chunk = os.pread(fd, min(1 << 20, end - position), position)
        if not chunk:
            break
        count += chunk.count(b"\n")
        position += len(chunk)
    return count


def digest_before(fd: int, end: int, length: int) -> str:
    """SHA-1 of the ``length`` bytes before ``end``: a cheap check that a file's first ``end``
    bytes are still what they were, as appends leave them and rewrites almost never do."""
    start = max(0, end - length)
    return hashlib.sha1(os.pread(fd, end - start, start)).hexdigest()
