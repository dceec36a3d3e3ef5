"""Changes to the kernel's tables after their first migration, for every service's history.

Each service's Alembic history holds its own copy of the kernel tables (the outbox,
inbox and idempotency keys), so a change to them is one migration per service; the
operations live here once and each service's revision calls them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

_PUBLISHED = sa.text("published_at IS NOT NULL")


def outbox_published_index_partial() -> None:
    """ix_outbox_published_at over published rows only (revision 0002 of each service)."""
    op.drop_index("ix_outbox_published_at", table_name="outbox")
    op.create_index(
        "ix_outbox_published_at",
        "outbox",
        ["published_at"],
        unique=False,
        postgresql_where=_PUBLISHED,
        sqlite_where=_PUBLISHED,
    )


def outbox_published_index_full() -> None:
    """Back to an index over every row, as revision 0001 made it."""
    op.drop_index("ix_outbox_published_at", table_name="outbox")
    op.create_index("ix_outbox_published_at", "outbox", ["published_at"], unique=False)
