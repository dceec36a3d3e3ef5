"""SQL for the stock ledger. Levels change only through conditional updates (DESIGN §10).

The queries live in one mixin per subject; `InventoryRepository` composes them.
`StockWrites` builds on `ReservationQueries`: a transaction's end inserts its new
reservations with everything else.
"""

from __future__ import annotations

from services.common.db import DbConnection
from services.inventory.adapters.setup_queries import SetupQueries
from services.inventory.adapters.stock_queries import StockQueries
from services.inventory.adapters.stock_writes import StockWrites


class InventoryRepository(StockQueries, StockWrites, SetupQueries):
    """One connection's view of one tenant's stock; every query is tenant-scoped."""

    def __init__(self, conn: DbConnection, tenant_id: str) -> None:
        self.conn = conn
        self.tenant = tenant_id
