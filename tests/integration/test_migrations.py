"""Each service's migrations build exactly the schema its code declares, on every backend."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from services.catalog.adapters.tables import metadata as catalog_metadata
from services.common.db import Database
from services.common.db.kernel_schema import KERNEL_METADATA
from services.common.db.migrations import upgrade

CATALOG_MIGRATIONS = Path(__file__).resolve().parents[2] / "services" / "catalog" / "migrations"


def _diff(connection: Any, metadata: list[Any]) -> list[Any]:
    context = MigrationContext.configure(connection)
    return list(compare_metadata(context, metadata))  # type: ignore[arg-type]


async def test_catalog_migrations_match_the_tables(database_url: str) -> None:
    db = Database(database_url)
    try:
        await upgrade(db, CATALOG_MIGRATIONS)
        await upgrade(db, CATALOG_MIGRATIONS)  # idempotent: a restart migrates nothing
        async with db.engine.connect() as conn:
            diff = await conn.run_sync(_diff, [catalog_metadata, *KERNEL_METADATA])
        assert diff == []
    finally:
        await db.dispose()
