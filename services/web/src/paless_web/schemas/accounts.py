"""API models of accounts: logging in, users, groups and API tokens."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, model_validator

from paless_web.schemas.common import UtcDateTime, read_as_utc


class TokenRequest(BaseModel):
    username: str = Field(min_length=1, max_length=150, examples=["admin"])
    password: str = Field(min_length=1, max_length=1024, examples=["correct horse"])


class Token(BaseModel):
    access_token: str
    token_type: str = Field(default="bearer", examples=["bearer"])
    expires_at: datetime


USERNAME_PATTERN = r"^[A-Za-z0-9_.@+-]+$"


class UserSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    username: str


class GroupSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    created_at: datetime


class User(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    username: str = Field(examples=["alice"])
    is_admin: bool = Field(description="Admins manage users and groups, and see all tasks.")
    is_active: bool = Field(description="An inactive user cannot log in; their tokens fail.")
    created_at: datetime


class UserDetail(User):
    groups: list[GroupSummary] = Field(description="The groups the user belongs to.")


class UserPage(BaseModel):
    items: list[User]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null on the last page."
    )


class UserCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"username": "alice", "password": "a long passphrase", "is_admin": False}]
        },
    )

    username: str = Field(min_length=1, max_length=150, pattern=USERNAME_PATTERN)
    password: str = Field(
        max_length=1024,
        description="At least PALESS_PASSWORD_MIN_LENGTH (12) characters.",
    )
    is_admin: bool = False
    is_active: bool = True


class UserUpdate(BaseModel):
    """Only the fields sent change."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"is_active": False}, {"password": "a new passphrase"}]},
    )

    is_admin: bool | None = None
    is_active: bool | None = Field(
        default=None, description="Deactivating revokes every token of the user."
    )
    password: str | None = Field(
        default=None,
        max_length=1024,
        description="A new password (a reset): revokes every token of the user.",
    )


class PasswordChange(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"current_password": "the old passphrase", "new_password": "a new passphrase"}
            ]
        },
    )

    current_password: str = Field(min_length=1, max_length=1024)
    new_password: str = Field(
        max_length=1024, description="At least PALESS_PASSWORD_MIN_LENGTH (12) characters."
    )


class Group(GroupSummary):
    members: list[UserSummary]


class GroupPage(BaseModel):
    items: list[GroupSummary]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null on the last page."
    )


class GroupCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"name": "accounting", "member_ids": []}]},
    )

    name: str = Field(min_length=1, max_length=150)
    member_ids: list[uuid.UUID] = Field(default_factory=list, max_length=1000)


class GroupUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"name": "finance"}]})

    name: str = Field(min_length=1, max_length=150)


class ApiToken(BaseModel):
    """A token as listed: never its secret (which is not stored anywhere)."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str = Field(examples=["backup script"])
    created_at: datetime
    last_used_at: datetime | None = Field(description="Updated at most once a minute.")
    expires_at: datetime | None = Field(description="Null: the token does not expire.")
    current: bool = Field(default=False, description="The token this request was made with.")


class ApiTokenCreated(ApiToken):
    token: str = Field(
        description="The secret, shown this once: send it as `Authorization: Bearer <token>`."
    )


class ApiTokenPage(BaseModel):
    items: list[ApiToken]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null on the last page."
    )


class ApiTokenCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"name": "backup script", "expires_in_days": 90},
                {"name": "scanner", "expires_at": "2027-06-30T00:00:00Z"},
                {"name": "integration without expiry"},
            ]
        },
    )

    name: str = Field(min_length=1, max_length=150)
    expires_at: UtcDateTime | None = Field(
        default=None, description=read_as_utc("When the token stops working.")
    )
    expires_in_days: int | None = Field(
        default=None, ge=1, le=3650, description="Or: how many days from now it works."
    )

    @model_validator(mode="after")
    def _one_expiry(self) -> ApiTokenCreate:
        if self.expires_at is not None and self.expires_in_days is not None:
            raise ValueError("give expires_at or expires_in_days, not both")
        return self
