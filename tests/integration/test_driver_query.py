"""DriverQuery runs a statement on asyncpg inside a transaction SQLAlchemy has begun (and
is then part of it) or on an autocommit connection; before a transaction's first
statement it runs through SQLAlchemy (PostgreSQL)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text

from services.common.db import Database
from services.common.db.driver_query import DriverQuery, _driver_if_same_outcome
from tests.support.databases import BACKENDS, create_database, drop_database

_TABLE = f"driver_query_{uuid.uuid4().hex[:8]}"
_DOUBLED = DriverQuery(
    text("SELECT n, n * 2 AS twice FROM unnest(CAST(:ns AS int[])) AS u(n) ORDER BY n")
)
_INSERT = DriverQuery(
    text(f"INSERT INTO {_TABLE} (n) SELECT unnest(CAST(:ns AS int[])) RETURNING n")
)


@pytest.fixture(params=[b for b in BACKENDS if b == "postgres"])
async def pg(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    url = await create_database(request.param, tmp_path)
    db = Database(url)
    async with db.engine.begin() as conn:
        await conn.execute(text(f"CREATE TABLE {_TABLE} (n int)"))
    yield db
    await db.dispose()
    await drop_database(url)


async def _count(db: Database) -> int:
    async with db.reader() as conn:
        return int((await conn.execute(text(f"SELECT count(*) FROM {_TABLE}"))).scalar_one())


async def test_rows_read_by_name_on_every_path(pg: Database) -> None:
    async with pg.reader() as conn:  # autocommit: the driver, no transaction
        assert _driver_if_same_outcome(conn) is not None
        autocommit = await _DOUBLED.fetch(conn, {"ns": [3, 1]})
    async with pg.transaction() as conn:
        assert _driver_if_same_outcome(conn) is None  # no BEGIN yet: SQLAlchemy's path
        through_sqlalchemy = await _DOUBLED.fetch(conn, {"ns": [3, 1]})
        assert _driver_if_same_outcome(conn) is not None  # SQLAlchemy has sent BEGIN
        in_transaction = await _DOUBLED.fetch(conn, {"ns": [3, 1]})
    for rows in (autocommit, through_sqlalchemy, in_transaction):
        assert [(r["n"], r["twice"]) for r in rows] == [(1, 2), (3, 6)]


async def test_on_an_autocommit_connection_each_statement_commits_alone(pg: Database) -> None:
    async with pg.reader() as conn:
        await _INSERT.fetch(conn, {"ns": [4]})
        assert _driver_if_same_outcome(conn) is not None  # still no transaction open
        assert await _count(pg) == 1  # visible to another connection at once
    assert await _count(pg) == 1


async def test_on_the_driver_it_commits_and_rolls_back_with_the_transaction(
    pg: Database,
) -> None:
    async def insert_then_fail() -> None:
        async with pg.transaction() as conn:
            await conn.execute(text("SELECT 1"))
            rows = await _INSERT.fetch(conn, {"ns": [1, 2]})
            assert [r["n"] for r in rows] == [1, 2]
            raise RuntimeError("roll back")

    with pytest.raises(RuntimeError):
        await insert_then_fail()
    assert await _count(pg) == 0
    async with pg.transaction() as conn:
        await conn.execute(text("SELECT 1"))
        await _INSERT.fetch(conn, {"ns": [5]})
    assert await _count(pg) == 1


async def test_as_a_transaction_s_first_statement_it_is_still_inside_it(pg: Database) -> None:
    """Before SQLAlchemy's first statement there is no BEGIN yet: run on the driver, the
    insert would commit on its own; it goes through SQLAlchemy and rolls back."""

    async def insert_first_then_fail() -> None:
        async with pg.transaction() as conn:
            assert _driver_if_same_outcome(conn) is None
            await _INSERT.fetch(conn, {"ns": [7]})
            raise RuntimeError("roll back")

    with pytest.raises(RuntimeError):
        await insert_first_then_fail()
    assert await _count(pg) == 0
