"""`in_list` / `not_in_list`: the same rows as IN / NOT IN on both databases, and on
PostgreSQL one statement text for every list length (one prepared statement)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import BigInteger, Column, MetaData, String, Table, bindparam, event, select

from services.common.db import Database
from services.common.db.list_param import in_list, not_in_list

metadata = MetaData()
items = Table(
    "list_param_items",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column("code", String(16), nullable=False),
)
_IN = select(items.c.id).where(in_list(items.c.code, "codes")).order_by(items.c.id)
_NOT_IN = select(items.c.id).where(not_in_list(items.c.id, "ids")).order_by(items.c.id)
_BOTH = _IN.where(items.c.id > bindparam("above"))


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url)
    async with database.engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
        await conn.execute(items.insert(), [{"id": n, "code": f"c{n % 4}"} for n in range(1, 13)])
    yield database
    await database.dispose()


async def _ids(db: Database, statement: Any, params: dict[str, Any]) -> list[int]:
    async with db.engine.connect() as conn:  # one engine on both databases: see the texts
        return [row.id for row in await conn.execute(statement, params)]


async def test_the_same_rows_as_in_and_not_in_for_every_length(db: Database) -> None:
    everything = list(range(1, 13))
    for codes in ([], ["c1"], ["c1", "c3"], ["c0", "c1", "c2", "c3", "nope"]):
        expected = [n for n in everything if f"c{n % 4}" in codes]
        assert await _ids(db, _IN, {"codes": codes}) == expected
        assert await _ids(db, _BOTH, {"codes": codes, "above": 6}) == [n for n in expected if n > 6]
    for ids in ([], [3], [1, 2, 12, 99]):
        assert await _ids(db, _NOT_IN, {"ids": ids}) == [n for n in everything if n not in ids]


async def test_one_statement_text_for_every_length_on_postgresql(db: Database) -> None:
    texts: set[str] = set()

    def seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if "list_param_items" in statement:
            texts.add(statement)

    event.listen(db.engine.sync_engine, "before_cursor_execute", seen)
    for length in range(1, 6):
        await _ids(db, _IN, {"codes": [f"c{n}" for n in range(length)]})
    # SQLite expands the list into the text (one per length); PostgreSQL sends an array.
    assert len(texts) == (5 if db.sqlite else 1)
