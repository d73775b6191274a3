"""A team member as the store keeps them: a name and the SHA-256 of their sign-in token (the
token itself is shown once, by ``redline team add``, and never stored)."""

from __future__ import annotations

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field


class TeamMember(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    name: str = Field(min_length=1)
    token_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    created_at: AwareDatetime
