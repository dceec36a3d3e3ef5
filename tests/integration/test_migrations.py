"""Each service's migrations build exactly the schema its code declares, on every backend."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData, text

from services.catalog.adapters.tables import metadata as catalog_metadata
from services.common.db import Database
from services.common.db.kernel_schema import KERNEL_METADATA
from services.common.db.migrations import downgrade, upgrade
from services.inventory.adapters.tables import metadata as inventory_metadata

SERVICES = Path(__file__).resolve().parents[2] / "services"


def _diff(connection: Any, metadata: list[Any]) -> list[Any]:
    context = MigrationContext.configure(connection)
    return list(compare_metadata(context, metadata))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("service", "metadata"), [("catalog", catalog_metadata), ("inventory", inventory_metadata)]
)
async def test_migrations_match_the_tables(
    database_url: str, service: str, metadata: MetaData
) -> None:
    db = Database(database_url)
    try:
        await upgrade(db, SERVICES / service / "migrations")
        await upgrade(db, SERVICES / service / "migrations")  # a restart migrates nothing
        async with db.engine.connect() as conn:
            diff = await conn.run_sync(_diff, [metadata, *KERNEL_METADATA])
        assert diff == []
    finally:
        await db.dispose()


async def _published_index(db: Database) -> str:
    """The SQL that defines ix_outbox_published_at, as the database reports it."""
    query = (
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = :name"
        if db.sqlite
        else "SELECT indexdef FROM pg_indexes WHERE indexname = :name"
    )
    async with db.engine.connect() as conn:
        return str(
            (await conn.execute(text(query), {"name": "ix_outbox_published_at"})).scalar_one()
        )


@pytest.mark.parametrize("service", ["catalog", "inventory"])
async def test_outbox_published_index_holds_published_rows_only(
    database_url: str, service: str
) -> None:
    """Revision 0002: the clean-up index skips unsent rows, and its downgrade restores it."""
    db = Database(database_url)
    migrations = SERVICES / service / "migrations"
    try:
        await upgrade(db, migrations, "0001")
        assert "WHERE" not in await _published_index(db)
        await upgrade(db, migrations)
        assert "published_at IS NOT NULL" in await _published_index(db)
        await downgrade(db, migrations, "0001")
        assert "WHERE" not in await _published_index(db)
    finally:
        await db.dispose()
