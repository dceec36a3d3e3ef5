"""One Database object per service: write transactions and reads over one URL."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import Connection, Engine, Executable, Result, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


class DbConnection(Protocol):
    """What repositories need: run a Core statement and get its (buffered) result."""

    async def execute(self, statement: Executable, parameters: Any = None, /) -> Result[Any]: ...


class _InlineSqliteReader:
    """A synchronous SQLite connection behind the async `execute` repositories call.

    aiosqlite runs every cursor operation on its own thread, so one small SELECT costs
    several thread hand-offs — most of a GetProduct's time. In WAL mode a reader never
    waits for a writer, so running reads inline on the event loop is both safe and much
    cheaper. Writes stay on aiosqlite, where BEGIN IMMEDIATE may wait for the lock.
    """

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    async def execute(self, statement: Executable, parameters: Any = None, /) -> Result[Any]:
        return self._connection.execute(statement, parameters)


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
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_writer(url: str) -> AsyncEngine:
    engine = create_async_engine(url, connect_args={"timeout": 30}, pool_size=4, max_overflow=4)
    event.listen(engine.sync_engine, "connect", _on_sqlite_connect)

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _sqlite_reader(url: str) -> Engine:
    sync_url = make_url(url).set(drivername="sqlite")
    # Reads never open a transaction, so a returned connection needs no ROLLBACK.
    engine = create_engine(
        sync_url,
        connect_args={"timeout": 30, "check_same_thread": False},
        pool_size=16,
        max_overflow=32,
        pool_reset_on_return=None,
    )
    event.listen(engine, "connect", _on_sqlite_connect)
    return engine


class Database:
    """Owns the engines; `transaction()` for writes, `reader()` for read-only work."""

    def __init__(self, url: str, *, pool_size: int = 10) -> None:
        self.url = url
        self.sqlite = is_sqlite(url)
        self._sqlite_reads: Engine | None = None
        if self.sqlite:
            _prepare_sqlite_file(url)
            self.engine = _sqlite_writer(url)
            self._sqlite_reads = _sqlite_reader(url)
        else:
            self.engine = create_async_engine(
                url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True
            )

    # Connections, not ORM sessions: every query here is SQLAlchemy Core, and a session
    # only adds bookkeeping to each request.
    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncConnection]:
        """A write transaction: committed on normal exit, rolled back on any exception."""
        async with self.engine.begin() as conn:
            yield conn

    @asynccontextmanager
    async def reader(self) -> AsyncIterator[DbConnection]:
        """A connection for reads (takes no write lock on SQLite; never committed)."""
        if self._sqlite_reads is not None:
            with self._inline_reader(self._sqlite_reads) as reader:
                yield reader
            return
        async with self.engine.connect() as conn:
            yield conn

    @staticmethod
    @contextmanager
    def _inline_reader(engine: Engine) -> Iterator[_InlineSqliteReader]:
        with engine.connect() as conn:
            yield _InlineSqliteReader(conn)

    async def dispose(self) -> None:
        await self.engine.dispose()
        if self._sqlite_reads is not None:
            self._sqlite_reads.dispose()
