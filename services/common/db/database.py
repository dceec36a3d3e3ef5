"""One Database object per service: write transactions and reads over one URL."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import Connection, Engine, Executable, Result, create_engine, event
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


class DbConnection(Protocol):
    """What repositories need: run a Core statement and get its (buffered) result."""

    @property
    def dialect(self) -> Dialect: ...

    async def execute(self, statement: Executable, parameters: Any = None, /) -> Result[Any]: ...


class _InlineSqlite:
    """A synchronous SQLite connection behind the async `execute` repositories call.

    aiosqlite runs every cursor operation on its own thread, so one small statement
    costs several thread hand-offs — most of a request's time, and for writers all of
    it spent holding the database lock. SQLite statements on a local file take
    microseconds, so they run inline on the event loop instead. Readers never wait in
    WAL mode; writers in this process take turns on an asyncio lock first (see
    Database.transaction), so the only wait left inside SQLite is for another process.
    """

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    @property
    def dialect(self) -> Dialect:
        return self._connection.dialect

    async def execute(self, statement: Executable, parameters: Any = None, /) -> Result[Any]:
        return self._connection.execute(statement, parameters)

    def driver_rows(self, sql: str, parameters: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Rows of `sql` (named parameters) run straight on pysqlite, each a dict by name."""
        driver = self._connection.connection.driver_connection
        assert isinstance(driver, sqlite3.Connection)  # this wrapper holds pysqlite only
        cursor = driver.execute(sql, parameters)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _prepare_sqlite_file(url: str) -> None:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite's own transaction handling defers BEGIN until the first write, which
    # lets two writers both read and then fail to upgrade their lock. We take control
    # of BEGIN (SQLAlchemy's documented recipe): writers say BEGIN IMMEDIATE so they
    # queue on the database lock instead of racing (DESIGN §10); readers say no BEGIN
    # at all, so each SELECT is its own snapshot.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout=30000")
    # Switching a new file to WAL can fail with "database is locked" at once, without
    # the busy handler, while another process (a replica migrating) holds its lock.
    for attempt in range(50):
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            break
        except sqlite3.OperationalError:
            if attempt == 49:
                raise
            time.sleep(0.1)
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_engine(url: str, *, writer: bool) -> Engine:
    sync_url = make_url(url).set(drivername="sqlite")
    engine = create_engine(
        sync_url,
        connect_args={"timeout": 30, "check_same_thread": False},
        pool_size=4 if writer else 16,
        max_overflow=4 if writer else 32,
        # A reader never opens a transaction, so a returned connection needs no ROLLBACK.
        pool_reset_on_return="rollback" if writer else None,
    )
    event.listen(engine, "connect", _on_sqlite_connect)
    if writer:
        event.listen(engine, "begin", _begin_immediate)
    return engine


def _begin_immediate(conn: Any) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE")


class Database:
    """Owns the engines; `transaction()` for writes, `reader()` for read-only work.

    `engine` (async) stays available for administration (migrations, test set-up).
    """

    def __init__(self, url: str, *, pool_size: int = 10) -> None:
        self.url = url
        self.sqlite = is_sqlite(url)
        self._sqlite_writes: Engine | None = None
        self._sqlite_reads: Engine | None = None
        self._write_turn = asyncio.Lock()
        if self.sqlite:
            _prepare_sqlite_file(url)
            # The async engine serves administration: migrations (which several replicas
            # may start at once, so it writes with BEGIN IMMEDIATE too) and test set-up.
            self.engine: AsyncEngine = create_async_engine(url, connect_args={"timeout": 30})
            event.listen(self.engine.sync_engine, "connect", _on_sqlite_connect)
            event.listen(self.engine.sync_engine, "begin", _begin_immediate)
            self._sqlite_writes = _sqlite_engine(url, writer=True)
            self._sqlite_reads = _sqlite_engine(url, writer=False)
        else:
            # No pre-ping: it costs a round trip on every checkout; a dead connection
            # fails its request (retried by the caller) and is replaced by the pool.
            self.engine = create_async_engine(
                url, pool_size=pool_size, max_overflow=pool_size, pool_recycle=1800
            )
            self._autocommit = self.engine.execution_options(isolation_level="AUTOCOMMIT")

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[DbConnection]:
        """A write transaction: committed on normal exit, rolled back on any exception."""
        if self._sqlite_writes is not None:
            # Writers in this process take turns here, asynchronously; a writer that
            # awaits real I/O mid-transaction (the outbox relay publishing) then never
            # leaves another blocked inside SQLite's busy wait on the loop thread.
            async with self._write_turn:
                with self._sqlite_writes.connect() as sync_conn, sync_conn.begin():
                    yield _InlineSqlite(sync_conn)
            return
        async with self.engine.begin() as conn:
            yield conn

    @asynccontextmanager
    async def reader(self) -> AsyncIterator[DbConnection]:
        """A connection for reads: no write lock on SQLite, no BEGIN/ROLLBACK on PostgreSQL."""
        if self._sqlite_reads is not None:
            with self._sqlite_reads.connect() as sync_conn:
                yield _InlineSqlite(sync_conn)
            return
        async with self._autocommit.connect() as conn:
            yield conn

    async def dispose(self) -> None:
        await self.engine.dispose()
        for engine in (self._sqlite_writes, self._sqlite_reads):
            if engine is not None:
                engine.dispose()
