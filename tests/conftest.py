"""Fixtures shared by every test tier: a real nats-server and real databases."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from services.common.events.embedded_nats import EmbeddedNats
from tests.support.databases import BACKENDS, create_database, drop_database

ROOT = Path(__file__).resolve().parents[1]


def shared_data_dir() -> Path:
    """`../shared/data` beside the repo, or SYNCSTORE_SHARED_DIR/data."""
    base = os.environ.get("SYNCSTORE_SHARED_DIR")
    return (Path(base) if base else ROOT.parent / "shared") / "data"


@pytest.fixture(scope="session")
def nats_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedNats]:
    server = EmbeddedNats(tmp_path_factory.mktemp("nats"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(params=BACKENDS)
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    url = await create_database(request.param, tmp_path)
    yield url
    await drop_database(url)
