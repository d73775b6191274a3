"""A real program in a real pseudo-terminal, read back through a terminal emulator (pyte).

The crash tests and the scale bench drive `redline annotate` / `redline review` as a user's
terminal would: keys go in as bytes, and what the user would see is the emulated screen.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import select
import signal
import struct
import subprocess
import termios
import threading
import time
from collections.abc import Sequence

import pyte

KEYS = {
    "enter": "\r",
    "escape": "\x1b",
    "tab": "\t",
    "right": "\x1b[C",
    "left": "\x1b[D",
    "down": "\x1b[B",
    "up": "\x1b[A",
    "ctrl+q": "\x11",
    "ctrl+c": "\x03",
}


class PtyApp:
    """A child process on the slave side of a pty of ``columns`` x ``lines``."""

    def __init__(
        self,
        command: Sequence[str],
        *,
        env: dict[str, str] | None = None,
        cwd: str | os.PathLike[str] | None = None,
        columns: int = 140,
        lines: int = 40,
        preexec: object = None,
    ) -> None:
        self.started = time.perf_counter()
        self.screen = pyte.Screen(columns, lines)
        self.stream = pyte.ByteStream(self.screen)
        self._lock = threading.Lock()
        self._raw = bytearray()
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
        environment = {**(env or os.environ), "TERM": "xterm-256color", "COLUMNS": str(columns)}
        environment.pop("TEXTUAL", None)
        self.process = subprocess.Popen(
            list(command),
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=environment,
            cwd=cwd,
            start_new_session=True,
            close_fds=True,
            preexec_fn=preexec,  # type: ignore[arg-type]
        )
        os.close(slave)
        self._master = master
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    @property
    def pid(self) -> int:
        return self.process.pid

    def _read(self) -> None:
        while True:
            try:
                ready, _, _ = select.select([self._master], [], [], 0.05)
                if not ready:
                    if self.process.poll() is not None:
                        return
                    continue
                data = os.read(self._master, 65536)
            except OSError:
                return
            if not data:
                return
            with self._lock:
                self._raw += data
                self.stream.feed(data)

    def text(self) -> str:
        """The screen as the user sees it now, one line per row."""
        with self._lock:
            return "\n".join(self.screen.display)

    def output(self) -> bytes:
        with self._lock:
            return bytes(self._raw)

    def wait_for(self, needle: str, timeout: float = 30.0) -> float:
        """Seconds since start when ``needle`` is on screen; AssertionError after ``timeout``."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if needle in self.text():
                return time.perf_counter() - self.started
            if self.process.poll() is not None and needle not in self.text():
                time.sleep(0.2)
                if needle in self.text():
                    return time.perf_counter() - self.started
                raise AssertionError(
                    f"exited {self.process.returncode} before showing {needle!r}:\n{self.text()}"
                )
            time.sleep(0.01)
        raise AssertionError(f"{needle!r} not on screen after {timeout} s:\n{self.text()}")

    def press(self, *keys: str, pause: float = 0.0) -> None:
        for key in keys:
            os.write(self._master, KEYS.get(key, key).encode())
            if pause:
                time.sleep(pause)

    def kill(self) -> None:
        """SIGKILL, as a power cut or the OOM killer would: no clean-up runs."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.close()

    def wait(self, timeout: float = 30.0) -> int:
        code = self.process.wait(timeout=timeout)
        self._reader.join(timeout=5)
        self.close()
        return code

    def close(self) -> None:
        self._reader.join(timeout=2)
        with contextlib.suppress(OSError):
            os.close(self._master)

    def rss_kib(self) -> int:
        """Resident memory of the process now (VmRSS), in KiB."""
        with open(f"/proc/{self.process.pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        raise RuntimeError("no VmRSS")
