"""SQL for the stock ledger. Levels change only through conditional updates (DESIGN §10).

The queries live in one mixin per subject; `InventoryRepository` composes them.
"""

from __future__ import annotations

from services.common.db import DbConnection
from services.inventory.adapters.reservation_queries import ReservationQueries
from services.inventory.adapters.setup_queries import SetupQueries
from services.inventory.adapters.stock_queries import StockQueries
from services.inventory.adapters.stock_writes import StockWrites


class InventoryRepository(StockQueries, StockWrites, ReservationQueries, SetupQueries):
    """One connection's view of one tenant's stock; every query is tenant-scoped."""

    def __init__(self, conn: DbConnection, tenant_id: str) -> None:
        self.conn = conn
        self.tenant = tenant_id
