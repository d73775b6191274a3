"""A real PostgreSQL server for the tests of the PostgreSQL store, and a fresh database per test.

The store's tests run against a real server, never a mock: a mock would agree with whatever the
store assumes about SQL, locking and transactions, which is what the tests are there to check.

:func:`server_url` decides once per process (so once per pytest-xdist worker) which server to
use: the one ``REDLINE_TEST_POSTGRES`` names (CI sets it), or else a throwaway cluster started
here from the installed binaries, on a free port of 127.0.0.1 with trust authentication, and
stopped and removed when the interpreter exits. When neither is possible it returns ``None``
and :func:`skip_reason` says why, so the tests skip with a reason instead of failing on a
machine without PostgreSQL.

:func:`fresh_database` gives each test its own database on that server, dropped afterwards, so
tests never see each other's tables, even when xdist workers share one server.
"""

from __future__ import annotations

import atexit
import glob
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ENV_VAR = "REDLINE_TEST_POSTGRES"
# Where Debian and Ubuntu put the server's binaries (they are not on PATH there).
BINARY_GLOBS = ("/usr/lib/postgresql/*/bin",)
# initdb refuses to run as root; these own the throwaway cluster instead (the first that exists).
UNPRIVILEGED_USERS = ("postgres", "nobody")
SUPERUSER = "postgres"
START_ATTEMPTS = 3  # another process may take the free port between our probe and the start
# Durability is of no use to a throwaway cluster, and fsync is most of the cost of a test.
SETTINGS = {
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "50",
    "shared_buffers": "16MB",
}


class ClusterError(RuntimeError):
    """The throwaway cluster could not be created or started (the message has initdb's or the
    server's own output): a broken installation should fail the tests, not skip them."""


@dataclass(frozen=True)
class _Decision:
    url: str | None
    reason: str | None = None
    error: ClusterError | None = None


_decision: _Decision | None = None


def server_url() -> str | None:
    """The libpq URL of the server the tests use, or ``None`` when there is none (then
    :func:`skip_reason` says why). Decided on the first call and kept for the process, so a
    throwaway cluster is started at most once per test session (once per xdist worker).

    Raises :class:`ClusterError` (on every call, without retrying) when PostgreSQL is installed
    but the throwaway cluster fails to start."""
    global _decision
    if _decision is None:
        _decision = _decide()
    if _decision.error is not None:
        raise _decision.error
    return _decision.url


def skip_reason() -> str:
    """Why :func:`server_url` returned ``None``, for ``pytest.skip``."""
    server_url()
    assert _decision is not None
    return _decision.reason or "a PostgreSQL server is available"


def _decide() -> _Decision:
    configured = os.environ.get(ENV_VAR, "").strip()
    if configured:
        return _Decision(configured)
    binaries = find_binaries()
    if binaries is None:
        return _Decision(None, f"no PostgreSQL: {ENV_VAR} is not set and initdb was not found")
    runner = _unprivileged_runner()
    if isinstance(runner, str):
        return _Decision(None, f"no PostgreSQL: {ENV_VAR} is not set and {runner}")
    try:
        return _Decision(_start_cluster(binaries, runner))
    except ClusterError as error:
        return _Decision(None, str(error), error)


def find_binaries(
    path: str | None = None, globs: Sequence[str] = BINARY_GLOBS
) -> tuple[Path, Path] | None:
    """``(initdb, pg_ctl)`` from the same installation: from ``path`` (default ``$PATH``), or
    else the newest version under ``globs``; ``None`` when there is no initdb."""
    found = shutil.which("initdb", path=path)
    if found is not None:
        # A symlink on PATH (/usr/local/bin/initdb) points into the installation's bin folder,
        # which also holds the pg_ctl and postgres of the same version.
        folders = [Path(found).resolve().parent, Path(found).parent]
    else:
        candidates = [Path(folder) for pattern in globs for folder in glob.glob(pattern)]
        folders = sorted(candidates, key=_version_key, reverse=True)
    for folder in folders:
        initdb, pg_ctl = folder / "initdb", folder / "pg_ctl"
        if os.access(initdb, os.X_OK) and os.access(pg_ctl, os.X_OK):
            return initdb, pg_ctl
    return None


def _version_key(folder: Path) -> tuple[int, ...]:
    # /usr/lib/postgresql/15/bin -> (15,): 9.6 < 10 < 15, which string order gets wrong.
    version = folder.parent.name
    return tuple(int(part) for part in version.split(".") if part.isdigit())


@dataclass(frozen=True)
class _Runner:
    """How to run initdb and pg_ctl as the cluster's owner (a prefix; empty when not root)."""

    prefix: tuple[str, ...]
    uid: int
    gid: int


def _unprivileged_runner() -> _Runner | str:
    """A way to run as a non-root user, or why there is none."""
    if os.geteuid() != 0:
        return _Runner((), os.geteuid(), os.getegid())
    for name in UNPRIVILEGED_USERS:
        try:
            user = pwd.getpwnam(name)
        except KeyError:
            continue
        if shutil.which("runuser"):
            return _Runner(("runuser", "-u", name, "--"), user.pw_uid, user.pw_gid)
        if shutil.which("setpriv"):
            prefix = ("setpriv", f"--reuid={name}", f"--regid={user.pw_gid}", "--init-groups")
            return _Runner((*prefix, "--"), user.pw_uid, user.pw_gid)
        return "initdb refuses root, and neither runuser nor setpriv is there to drop to a user"
    users = " nor ".join(UNPRIVILEGED_USERS)
    return f"initdb refuses root, and there is no {users} user to run it as"


@dataclass
class _Cluster:
    folder: Path
    pg_ctl: Path
    runner: _Runner
    owner_pid: int
    port: int = 0

    def halt(self) -> None:
        """Stop the server as a restart would (its data kept): every connection is cut."""
        _run(self.runner, [self.pg_ctl, "stop", "-D", self.data, "-m", "fast", "-w"])

    def restart(self) -> None:
        """Start it again on the same port after :meth:`halt`."""
        log = self.folder / "server.log"
        _run(
            self.runner,
            [self.pg_ctl, "start", "-D", self.data, "-l", log, "-w", "-o", f"-p {self.port}"],
        )

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def stop(self) -> None:
        """Stop the server and remove its folder; run at interpreter exit, so best effort."""
        if os.getpid() != self.owner_pid:
            return  # a forked child inherited the handler; the cluster is its parent's
        if self.data.exists():
            try:
                _run(self.runner, [self.pg_ctl, "stop", "-D", self.data, "-m", "immediate", "-w"])
            except (ClusterError, OSError, subprocess.TimeoutExpired):
                self._kill()
        shutil.rmtree(self.folder, ignore_errors=True)

    def _kill(self) -> None:
        # pg_ctl failed: the first line of postmaster.pid is the server's pid.
        try:
            pid = int((self.data / "postmaster.pid").read_text().split()[0])
            os.kill(pid, signal.SIGKILL)
        except (OSError, ValueError, IndexError):
            pass


def _start_cluster(binaries: tuple[Path, Path], runner: _Runner) -> str:
    return _new_cluster(binaries, runner)[0]


@contextmanager
def restartable_server() -> Iterator[tuple[str, _Cluster] | str]:
    """A throwaway cluster of the caller's own, to stop and start again (a server restart
    during a session); ``(url, cluster)``, or why there can be none. Never the shared server
    (``REDLINE_TEST_POSTGRES``): other tests use it at the same time."""
    binaries = find_binaries()
    if binaries is None:
        yield "initdb was not found"
        return
    runner = _unprivileged_runner()
    if isinstance(runner, str):
        yield runner
        return
    url, cluster = _new_cluster(binaries, runner)
    try:
        yield url, cluster
    finally:
        cluster.stop()


def _new_cluster(binaries: tuple[Path, Path], runner: _Runner) -> tuple[str, _Cluster]:
    initdb, pg_ctl = binaries
    folder = Path(tempfile.mkdtemp(prefix="redline-pg-"))
    if os.geteuid() == 0:
        os.chown(folder, runner.uid, runner.gid)
    cluster = _Cluster(folder, pg_ctl, runner, os.getpid())
    atexit.register(cluster.stop)
    _run(
        runner,
        [
            initdb,
            "-D",
            cluster.data,
            "-A",
            "trust",
            "-U",
            SUPERUSER,
            "-E",
            "UTF8",
            *_locale_options(),
            "--no-sync",
            "--no-instructions",
        ],
    )
    settings = {
        **SETTINGS,
        "listen_addresses": "'127.0.0.1'",
        # The socket goes in the cluster's own folder: /var/run/postgresql may not be writable,
        # or may belong to the system's server.
        "unix_socket_directories": f"'{folder}'",
    }
    with (cluster.data / "postgresql.conf").open("a", encoding="utf-8") as conf:
        conf.write("".join(f"{key} = {value}\n" for key, value in settings.items()))
    log = folder / "server.log"
    for attempt in range(START_ATTEMPTS):
        port = _free_port()
        try:
            _run(runner, [pg_ctl, "start", "-D", cluster.data, "-l", log, "-w", "-o", f"-p {port}"])
        except ClusterError as error:
            if attempt == START_ATTEMPTS - 1:
                tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
                raise ClusterError(f"{error}\nserver log:\n{tail}") from None
            continue
        cluster.port = port
        return f"postgresql://{SUPERUSER}@127.0.0.1:{port}/postgres", cluster
    raise AssertionError("unreachable")


def _locale_options() -> list[str]:
    # C.UTF-8 sorts bytewise (the same on every machine) yet knows the case of non-ASCII letters.
    try:
        names = subprocess.run(
            ["locale", "-a"], capture_output=True, text=True, check=False
        ).stdout.split()
    except OSError:
        names = []
    if any(name.lower() in ("c.utf8", "c.utf-8") for name in names):
        return ["--locale=C.UTF-8"]
    return ["--no-locale"]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _run(runner: _Runner, command: Sequence[str | Path]) -> None:
    args = [*runner.prefix, *map(str, command)]
    started = time.monotonic()
    try:
        done = subprocess.run(
            args,
            # The owner may not be able to enter the current folder; initdb would complain.
            cwd=tempfile.gettempdir(),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise ClusterError(f"{' '.join(args)} failed: {error}") from error
    if done.returncode != 0:
        took = time.monotonic() - started
        raise ClusterError(
            f"{' '.join(args)} exited with {done.returncode} after {took:.1f} s:\n"
            f"{done.stdout}{done.stderr}"
        )


def database_url(url: str, name: str) -> str:
    """``url`` with its database replaced by ``name``: a libpq URL stays a URL (its query, such
    as ``?sslmode=...``, kept), a ``key=value`` conninfo string gets ``dbname=name``."""
    if url.startswith(("postgresql://", "postgres://")):
        parts = urlsplit(url)
        return urlunsplit(parts._replace(path=f"/{name}"))
    from psycopg.conninfo import make_conninfo

    return make_conninfo(url, dbname=name)


@contextmanager
def fresh_database(url: str) -> Iterator[str]:
    """Create a database of a unique name on the server of ``url``, yield its URL, and drop it
    afterwards (closing whatever connections a test left open to it), so each test starts from
    an empty database and no test sees another's tables.

    The database is copied from ``template0``, which nobody can connect to, so concurrent
    tests cannot make the copy fail ("source database is being accessed by other users") and
    nothing a test or person added to ``template1`` leaks in."""
    # Imported here so that importing tests.support (every conftest does) needs no psycopg.
    import psycopg
    from psycopg import sql

    name = f"redline_test_{os.getpid()}_{secrets.token_hex(4)}"
    with psycopg.connect(url, autocommit=True, connect_timeout=10) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(name)))
    try:
        yield database_url(url, name)
    finally:
        with psycopg.connect(url, autocommit=True, connect_timeout=10) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
