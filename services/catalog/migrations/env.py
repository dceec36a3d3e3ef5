"""Alembic environment of the catalog service."""

from services.catalog.adapters.tables import metadata
from services.common.db.alembic_env import run
from services.common.db.kernel_schema import KERNEL_METADATA

run([metadata, *KERNEL_METADATA])
