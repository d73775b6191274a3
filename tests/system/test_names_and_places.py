"""Names become file names, and `serve` opens a port: neither may reach further than meant.

Every command that takes a dataset, annotator or reviewer name refuses path separators,
'..' and control characters before touching the disk; `redline serve` listens on 127.0.0.1
only, unless --public is given, and then says that textual-serve has no authentication.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.cli import run_redline
from tests.support.data import NEWS_SCHEMA, SEEDS, subprocess_env

BAD_NAMES = ["../escape", "a/b", "..", "evil\x1b[2J", "tab\there", "nul\x00"]


def _commands(name: str) -> list[list[str]]:
    seeds = str(SEEDS)
    return [
        ["suggest", seeds, "--dataset", name],
        ["annotate", seeds, "--dataset", name, "--annotator", "ana"],
        ["annotate", seeds, "--dataset", "ok", "--annotator", name],
        ["serve", seeds, "--dataset", name, "--annotator", "ana"],
        ["serve", seeds, "--dataset", "ok", "--annotator", name],
        ["review", "--dataset", name, "--reviewer", "rita"],
        ["review", "--dataset", "ok", "--reviewer", name, "--auto"],
        ["export", "out.jsonl", "--dataset", name, "--format", "jsonl"],
        ["import", seeds, "--format", "text", "--dataset", name, "--annotator", "ana"],
        ["import", seeds, "--format", "text", "--dataset", "ok", "--annotator", name],
        ["stats", "--dataset", name],
        ["agreement", "--dataset", name],
        ["evaluate", "--dataset", name],
    ]


@pytest.mark.parametrize("name", BAD_NAMES)
def test_every_command_refuses_a_bad_name_before_touching_the_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    (tmp_path / "annotations" / "ok").mkdir(parents=True)
    (tmp_path / "annotations" / "ok" / "ana.jsonl").write_bytes(b"")
    (tmp_path / "schema").mkdir()
    (tmp_path / "schema" / "news.toml").write_bytes(NEWS_SCHEMA.read_bytes())
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    monkeypatch.chdir(tmp_path)
    for args in _commands(name):
        outcome = run_redline(capsys, *args)  # no traceback, one line per message
        assert outcome.code == 1, (args, outcome.raw)
        assert "invalid" in outcome.stderr, (args, outcome.raw)
        assert "name" in outcome.stderr, (args, outcome.raw)
        assert "\x1b[2J" not in outcome.raw, "a name must not reach the terminal raw"
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _listening_addresses(port: int) -> set[str]:
    """Local addresses in LISTEN state on ``port`` (from /proc/net/tcp, as hex)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            address, hex_port = fields[1].rsplit(":", 1)
            if int(hex_port, 16) == port and fields[3] == "0A":
                found.add(address)
    return found


def _serve(tmp_path: Path, *extra: str) -> tuple[set[str], str]:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "redline", "serve", str(SEEDS), "--dataset", "d",
         "--annotator", "ana", "--port", str(port), *extra],
        cwd=tmp_path, env=subprocess_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not _listening_addresses(port):
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "serve did not start listening"
            time.sleep(0.05)
        addresses = _listening_addresses(port)
    finally:
        process.kill()
        _, stderr = process.communicate()
    return addresses, stderr


def test_serve_listens_on_localhost_only_by_default(tmp_path: Path) -> None:
    addresses, stderr = _serve(tmp_path)
    assert addresses == {"0100007F"}  # 127.0.0.1
    assert "no authentication" not in stderr


def test_serve_elsewhere_needs_public_and_warns(tmp_path: Path) -> None:
    refused = subprocess.run(
        [sys.executable, "-m", "redline", "serve", str(SEEDS), "--dataset", "d",
         "--annotator", "ana", "--host", "0.0.0.0"],
        cwd=tmp_path, env=subprocess_env(), capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert refused.returncode == 1
    assert "refusing to serve on 0.0.0.0: textual-serve has no authentication" in refused.stderr
    assert "--public" in refused.stderr

    addresses, stderr = _serve(tmp_path, "--host", "0.0.0.0", "--public")
    assert addresses == {"00000000"}  # every interface, as asked
    assert "textual-serve has no authentication" in " ".join(stderr.split())
