"""Reaching a PostgreSQL server: connections named after who holds them, and what may be
printed of a connection string (never its password, in any message or log line)."""

from __future__ import annotations

import getpass
import os
import socket
from typing import Any

from redline.errors import StoreUnavailableError

SCHEMES = ("postgresql://", "postgres://")


def is_postgres_url(store: str | None) -> bool:
    return store is not None and store.startswith(SCHEMES)


def shown_url(url: str) -> str:
    """The URL as it may be printed: without its password."""
    from psycopg.conninfo import conninfo_to_dict

    try:
        parts = conninfo_to_dict(url)
    except Exception:  # psycopg.ProgrammingError: a malformed URL, shown as the scheme only
        return "postgresql://…"
    parts.pop("password", None)
    host, port, user = parts.get("host", ""), parts.get("port", ""), parts.get("user", "")
    where = f"{user}@" if user else ""
    where += str(host) + (f":{port}" if port else "")
    if not host:  # a socket, or what libpq defaults to
        return "postgresql://" + " ".join(f"{k}={v}" for k, v in parts.items())
    return f"postgresql://{where}/{parts.get('dbname', '')}"


def shown_store(store: str) -> str:
    """Any store as it may be printed: a folder as it is, a URL without its password."""
    return shown_url(store) if is_postgres_url(store) else store


def unavailable(url: str, error: Exception) -> StoreUnavailableError:
    """One line for a server that cannot be reached or refused us (no password in it)."""
    reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    password = _password(url)
    if password:
        reason = reason.replace(password, "…")
    return StoreUnavailableError(f"database unavailable at {shown_url(url)}: {reason}")


def _password(url: str) -> str:
    from psycopg.conninfo import conninfo_to_dict

    try:
        return str(conninfo_to_dict(url).get("password") or "")
    except Exception:
        return ""


def connect(url: str) -> Any:
    """A connection named after who holds it (shown to a second writer)."""
    import psycopg

    name = f"redline {_user()}@{socket.gethostname()} pid {os.getpid()}"
    try:
        return psycopg.connect(url, application_name=name[:63], connect_timeout=10)
    except psycopg.Error as error:
        raise unavailable(url, error) from None


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a container)
        return f"uid {os.getuid()}"
