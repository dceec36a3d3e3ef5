"""Alembic environment of the inventory service."""

from services.common.db.alembic_env import run
from services.common.db.kernel_schema import KERNEL_METADATA
from services.inventory.adapters.tables import metadata

run([metadata, *KERNEL_METADATA])
