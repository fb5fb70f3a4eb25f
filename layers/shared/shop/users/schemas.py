from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, IPvAnyAddress

from shop.auth.schemas import AnyPassword, DisplayName, Input, NewPassword


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    email: str
    display_name: str
    role: Literal["customer", "seller", "admin"]
    verified_at: datetime | None
    created_at: datetime


class UserUpdate(Input):
    display_name: DisplayName | None = None


class PasswordChange(Input):
    current_password: AnyPassword
    new_password: NewPassword


class AccountDelete(Input):
    password: AnyPassword


class SessionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    created_at: datetime
    last_seen_at: datetime
    absolute_expires_at: datetime
    user_agent: str | None
    # PostgreSQL INET comes back as an ipaddress object, not a str.
    ip_address: IPvAnyAddress | None
    current: bool = False
