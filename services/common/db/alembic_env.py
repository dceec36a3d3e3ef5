"""The body of every service's Alembic env.py: migrate over a shared connection."""

from __future__ import annotations

from collections.abc import Sequence

from alembic import context
from sqlalchemy import MetaData, create_engine


def run(target_metadata: MetaData | Sequence[MetaData]) -> None:
    """Run migrations on the connection handed over by `migrations.upgrade`.

    When Alembic's own CLI is used instead, a synchronous engine is made from the URL
    (the async driver names are swapped for their sync twins).
    """
    config = context.config
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    url = str(config.get_main_option("sqlalchemy.url"))
    url = url.replace("+aiosqlite", "").replace("+asyncpg", "+psycopg")
    engine = create_engine(url)
    with engine.begin() as conn:
        context.configure(connection=conn, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()
