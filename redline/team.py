"""Sign-in for a team: each annotator's personal token, for ``serve`` over a network.

``redline team add NAME`` makes a random token (32 bytes from :mod:`secrets`), keeps only its
SHA-256 in the dataset's store, and prints it once inside the link to give the annotator. A
session of ``serve --team`` asks for it; the token names the annotator, whose own queue opens.
A wrong or missing token opens nothing. Tokens are compared by their hashes in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from redline.schema.records import utc_now
from redline.schema.team import TeamMember
from redline.store import DatasetStore, check_name


def token_hash(token: str) -> str:
    return hashlib.sha256(token.strip().encode("utf-8")).hexdigest()


def add_member(dataset: DatasetStore, name: str) -> str:
    """A new token for ``name`` (a newer one replaces what an older one signed in as)."""
    check_name("annotator", name)
    token = secrets.token_urlsafe(32)
    dataset.save_member(TeamMember(name=name, token_sha256=token_hash(token), created_at=utc_now()))
    return token


def member_of(dataset: DatasetStore, token: str) -> str | None:
    """The annotator a token signs in as, or None. Only each name's newest token counts."""
    wanted = token_hash(token)
    newest: dict[str, TeamMember] = {}
    for member in dataset.members():
        newest[member.name] = member
    found = None
    for member in newest.values():  # every hash is compared: the time says nothing
        if hmac.compare_digest(member.token_sha256, wanted):
            found = member.name
    return found
