"""SqliteDriverQuery runs on pysqlite under the inline connection, through SQLAlchemy on
any other, with the same rows; a list parameter is one JSON text of any length."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from services.common.db import Database
from services.common.db.sqlite_driver_query import SqliteDriverQuery

_PICKED = SqliteDriverQuery(
    """
    SELECT n, label, flag FROM numbers
    WHERE n IN (SELECT value FROM json_each(:ns)) AND label != :skip
    ORDER BY n
    """
)


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'q.db'}")
    async with database.transaction() as conn:
        await conn.execute(text("CREATE TABLE numbers (n INTEGER, label TEXT, flag BOOLEAN)"))
        await conn.execute(
            text("INSERT INTO numbers VALUES (1, 'one', 1), (2, 'two', 0), (3, 'three', 1)")
        )
    yield database
    await database.dispose()


def _plain(rows: Sequence[Any]) -> list[tuple[Any, ...]]:
    return [(r["n"], r["label"], r["flag"]) for r in rows]


async def test_the_same_rows_on_pysqlite_and_through_sqlalchemy(db: Database) -> None:
    params = {"ns": json.dumps([3, 1, 2]), "skip": "two"}
    async with db.reader() as conn:
        assert hasattr(conn, "driver_rows")  # the inline connection: pysqlite itself
        direct = await _PICKED.fetch(conn, params)
    async with db.engine.connect() as conn:  # aiosqlite: SQLAlchemy's path
        assert not hasattr(conn, "driver_rows")
        through_sqlalchemy = await _PICKED.fetch(conn, params)
    assert _plain(direct) == _plain(through_sqlalchemy) == [(1, "one", 1), (3, "three", 1)]


async def test_a_list_of_any_length_and_none(db: Database) -> None:
    async with db.reader() as conn:
        assert await _PICKED.fetch(conn, {"ns": "[]", "skip": ""}) == []
        many = await _PICKED.fetch(conn, {"ns": json.dumps(list(range(1000))), "skip": ""})
    assert [r["n"] for r in many] == [1, 2, 3]


async def test_inside_a_write_transaction_it_sees_the_transaction_s_rows(db: Database) -> None:
    async with db.transaction() as conn:
        await conn.execute(text("INSERT INTO numbers VALUES (4, 'four', 0)"))
        rows = await _PICKED.fetch(conn, {"ns": "[4]", "skip": ""})
        assert _plain(rows) == [(4, "four", 0)]


async def test_as_a_write_transaction_s_first_statement_it_is_inside_it(db: Database) -> None:
    """BEGIN IMMEDIATE goes out when the transaction begins, before any statement: the
    stock writers' locking read relies on it."""
    insert = SqliteDriverQuery("INSERT INTO numbers VALUES (:n, 'new', 0) RETURNING n")

    async def insert_first_then_fail() -> None:
        async with db.transaction() as conn:
            assert [r["n"] for r in await insert.fetch(conn, {"n": 9})] == [9]
            raise RuntimeError("roll back")

    with pytest.raises(RuntimeError):
        await insert_first_then_fail()
    async with db.reader() as conn:
        assert await _PICKED.fetch(conn, {"ns": "[9]", "skip": ""}) == []
