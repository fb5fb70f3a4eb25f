"""Factory functions: rows with sensible defaults, flushed inside the test's transaction."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from shop.auth import passwords
from shop.config import Settings
from shop.models import User

DEFAULT_PASSWORD = "correct horse battery staple"


def unique_email(prefix: str = "user") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}@example.com"


async def make_user(
    session: AsyncSession,
    settings: Settings,
    *,
    email: str | None = None,
    password: str = DEFAULT_PASSWORD,
    role: str = "customer",
    verified: bool = True,
    display_name: str = "Ada Lovelace",
) -> User:
    user = User(
        email=email or unique_email(role),
        password_hash=passwords.hash_password(settings, password),
        role=role,
        display_name=display_name,
        verified_at=datetime.now(UTC) if verified else None,
    )
    session.add(user)
    await session.flush()
    return user
