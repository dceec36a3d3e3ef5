"""Each service's migrations build exactly the schema its code declares, on every backend."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData

from services.catalog.adapters.tables import metadata as catalog_metadata
from services.common.db import Database
from services.common.db.kernel_schema import KERNEL_METADATA
from services.common.db.migrations import upgrade
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
