"""outbox: ix_outbox_published_at over published rows only

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 21:10:00
"""

from collections.abc import Sequence

from services.common.db.kernel_migrations import (
    outbox_published_index_full,
    outbox_published_index_partial,
)

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    outbox_published_index_partial()


def downgrade() -> None:
    outbox_published_index_full()
