"""Async SQLAlchemy access shared by the services (SQLite embedded, PostgreSQL in production)."""

from services.common.db.database import Database, DbConnection, is_sqlite

__all__ = ["Database", "DbConnection", "is_sqlite"]
