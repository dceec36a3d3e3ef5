"""What the repository's query mixins share: the connection, the tenant, time helpers."""

from __future__ import annotations

from datetime import UTC, datetime

from services.common.db import DbConnection


def aware(value: datetime) -> datetime:
    """The value as an aware UTC time (SQLite returns naive datetimes)."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class RepositoryBase:
    """One connection's view of one tenant; every query is tenant-scoped."""

    conn: DbConnection
    tenant: str
