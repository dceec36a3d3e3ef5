"""Fresh databases for tests: a SQLite file always, PostgreSQL when TEST_POSTGRES_URL is set."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

BACKENDS = ["sqlite", "postgres"] if os.environ.get("TEST_POSTGRES_URL") else ["sqlite"]


def _admin_dsn() -> str:
    url = make_url(os.environ["TEST_POSTGRES_URL"]).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


async def create_database(backend: str, tmp_dir: Path) -> str:
    """A SQLAlchemy async URL of a new, empty database on `backend`."""
    if backend == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_dir / f'test-{uuid.uuid4().hex[:8]}.db'}"
    name = f"test_{uuid.uuid4().hex[:12]}"
    conn = await asyncpg.connect(_admin_dsn())
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    url = make_url(os.environ["TEST_POSTGRES_URL"]).set(
        drivername="postgresql+asyncpg", database=name
    )
    return url.render_as_string(hide_password=False)


async def drop_database(url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return
    conn = await asyncpg.connect(_admin_dsn())
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
    finally:
        await conn.close()
