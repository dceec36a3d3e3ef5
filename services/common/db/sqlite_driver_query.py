"""A SQLite text statement run straight on pysqlite, under the service's inline connection.

Why: SQLite answers a small read in a few tens of microseconds, and SQLAlchemy's
execute around it costs several times that (connection events, parameter and
result processing, and an expanding IN re-rendered on every call: about two
thirds of the statement's share of a GetStock, py-spy under bench/inventory.py).
The statement is plain SQLite SQL with named parameters; a list travels as one JSON
text (`IN (SELECT value FROM json_each(:name))`), so the SQL never depends on its
length. Values come back as SQLite stores them (booleans as 0 or 1): callers convert.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import text

from services.common.db.database import DbConnection


class SqliteDriverQuery:
    """`sql` (SQLite only, named parameters), with SQLAlchemy's path as the fallback."""

    def __init__(self, sql: str) -> None:
        self.sql = sql
        self.statement = text(sql)

    async def fetch(self, conn: DbConnection, params: Mapping[str, Any]) -> Sequence[Any]:
        """The rows, each readable by column name (`row["name"]`)."""
        driver_rows = getattr(conn, "driver_rows", None)
        if driver_rows is None:  # not the inline pysqlite connection (aiosqlite)
            return (await conn.execute(self.statement, dict(params))).mappings().all()
        rows: Sequence[Any] = driver_rows(self.sql, params)
        return rows
