"""A file written whole (:mod:`redline.atomic`) ends with the mode ``open()`` would give it,
``0o666 & ~umask``, not mkstemp's 0600: exports are shared as the store's files are."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from redline.atomic import FILE_MODE, atomic_writer, process_umask, write_atomic
from tests.support.data import subprocess_env


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_umask_is_read_without_changing_it():
    before = process_umask()
    current = os.umask(before)  # reads it back (and leaves it as it was)
    assert before == current
    assert 0o666 & ~current == FILE_MODE


def test_a_written_file_has_the_mode_open_would_give(tmp_path: Path):
    opened = tmp_path / "opened"
    opened.touch()
    written = write_atomic(tmp_path / "written", b"data")
    assert mode(written) == mode(opened) == FILE_MODE
    with atomic_writer(tmp_path / "streamed") as handle:
        handle.write(b"data")
    assert mode(tmp_path / "streamed") == FILE_MODE
    assert not list(tmp_path.glob(".*.part"))


@pytest.mark.parametrize("umask", [0o022, 0o027, 0o077, 0o002])
def test_the_mode_follows_the_process_umask(tmp_path: Path, umask: int):
    code = (
        "import sys; from pathlib import Path; from redline.atomic import write_atomic\n"
        "write_atomic(Path(sys.argv[1]) / 'written', b'data')\n"
        "(Path(sys.argv[1]) / 'opened').touch()\n"
    )
    subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)],
        env=subprocess_env(),
        umask=umask,
        check=True,
        timeout=60,
    )
    assert mode(tmp_path / "written") == 0o666 & ~umask
    assert mode(tmp_path / "written") == mode(tmp_path / "opened")


def test_a_rewritten_file_gets_the_mode_again(tmp_path: Path):
    """The rename replaces the file: a target left 0600 by an older version is fixed."""
    target = tmp_path / "out.jsonl"
    target.write_bytes(b"old")
    target.chmod(0o600)
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert mode(target) == FILE_MODE
