"""Apply a service's Alembic migrations over the service's own async engine."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, text

from services.common.db.database import Database

# Any constant works; it only has to be the same for every replica of every service
# that shares a PostgreSQL database, so concurrent starts migrate one at a time.
_PG_MIGRATION_LOCK = 7_436_221


def alembic_config(script_location: Path, url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(script_location))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def _migrate(connection: Connection, config: Config, backwards: bool, revision: str) -> None:
    # env.py picks this connection up instead of opening its own (Alembic's
    # "sharing a connection" recipe), so async drivers work unchanged.
    config.attributes["connection"] = connection
    (command.downgrade if backwards else command.upgrade)(config, revision)


async def _run(db: Database, script_location: Path, revision: str, *, backwards: bool) -> None:
    config = alembic_config(script_location, db.url)
    async with db.engine.begin() as conn:
        if not db.sqlite:
            await conn.execute(text(f"SELECT pg_advisory_xact_lock({_PG_MIGRATION_LOCK})"))
        await conn.run_sync(_migrate, config, backwards, revision)


async def upgrade(db: Database, script_location: Path, revision: str = "head") -> None:
    """Bring the database to `revision`; safe when several replicas start at once."""
    await _run(db, script_location, revision, backwards=False)


async def downgrade(db: Database, script_location: Path, revision: str) -> None:
    """Take the database back to `revision`, under the same lock as `upgrade`."""
    await _run(db, script_location, revision, backwards=True)
