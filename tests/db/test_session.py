from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from shop.db.engine import Database
from shop.db.session import transaction
from shop.exceptions import ShopError
from shop.models import Category


class _KeepsChanges(ShopError):
    keeps_changes = True


async def _category_exists(connection: AsyncConnection, slug: str) -> bool:
    rows = await connection.execute(select(Category.id).where(Category.slug == slug))
    return rows.first() is not None


async def _add_category_then_fail(db: Database, slug: str, error: ShopError) -> None:
    async with transaction(db) as session:
        session.add(Category(name=slug, slug=slug))
        await session.flush()
        raise error


async def test_transaction_commits_when_the_block_succeeds(
    db: Database, connection: AsyncConnection
) -> None:
    slug = f"rings-{uuid.uuid4().hex[:8]}"
    async with transaction(db) as session:
        session.add(Category(name=slug, slug=slug))

    assert await _category_exists(connection, slug)


async def test_transaction_rolls_back_on_an_error(
    db: Database, connection: AsyncConnection
) -> None:
    slug = f"rings-{uuid.uuid4().hex[:8]}"
    with pytest.raises(ShopError):
        await _add_category_then_fail(db, slug, ShopError("nope"))

    assert not await _category_exists(connection, slug)


async def test_an_error_that_keeps_changes_commits_them_and_still_fails(
    db: Database, connection: AsyncConnection
) -> None:
    slug = f"rings-{uuid.uuid4().hex[:8]}"
    with pytest.raises(_KeepsChanges):
        await _add_category_then_fail(db, slug, _KeepsChanges("counted, then refused"))

    assert await _category_exists(connection, slug)
