"""API models of permissions: who owns an object and who may view or change it."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict, Field


class Grantees(BaseModel):
    model_config = ConfigDict(extra="forbid")

    users: list[uuid.UUID] = Field(default_factory=list)
    groups: list[uuid.UUID] = Field(default_factory=list)


class ObjectPermissions(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "owner": "3f1c2d4e-0000-4000-8000-000000000010",
                    "view": {"users": [], "groups": ["3f1c2d4e-0000-4000-8000-000000000020"]},
                    "change": {"users": ["3f1c2d4e-0000-4000-8000-000000000011"], "groups": []},
                }
            ]
        },
    )

    owner: uuid.UUID
    view: Grantees = Field(default_factory=Grantees)
    change: Grantees = Field(default_factory=Grantees, description="Implies view.")
