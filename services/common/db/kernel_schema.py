"""The kernel's own tables, which every service database holds beside its own."""

from __future__ import annotations

from sqlalchemy import MetaData

from services.common.events.tables import kernel_metadata
from services.common.idempotency import idempotency_metadata

# Every service's Alembic env targets its own metadata plus these, so autogenerate
# sees (and freezes into the service's migrations) the outbox, inbox and idempotency keys.
KERNEL_METADATA: list[MetaData] = [kernel_metadata, idempotency_metadata]
