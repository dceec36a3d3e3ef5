"""The catalog as a real process: SIGTERM mid-request, metrics, and `make run --once`."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from client.catalog import CatalogClient
from services.catalog.demo import demo_catalog_csv
from services.common.events.embedded_nats import EmbeddedNats, free_port
from services.devrun import wait_serving

ROOT = Path(__file__).resolve().parents[2]


def _env(tmp_path: Path, nats_url: str, grpc_port: int, metrics_port: int) -> dict[str, str]:
    return {
        **os.environ,
        "CATALOG_GRPC_ADDR": f"127.0.0.1:{grpc_port}",
        "CATALOG_METRICS_ADDR": f"127.0.0.1:{metrics_port}",
        "CATALOG_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'catalog.db'}",
        "NATS_URL": nats_url,
        "SYNCSTORE_API_TOKENS": "tok=t1:operator",
        "SHUTDOWN_GRACE_SECONDS": "60",
        "LOG_FORMAT": "json",
    }


async def test_sigterm_during_import_finishes_the_request(
    tmp_path: Path, nats_server: EmbeddedNats
) -> None:
    grpc_port, metrics_port = free_port(), free_port()
    log = (tmp_path / "catalog.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "services.catalog"],
        env=_env(tmp_path, nats_server.url, grpc_port, metrics_port),
        stdout=log,
        stderr=log,
        cwd=ROOT,
    )
    addr = f"127.0.0.1:{grpc_port}"
    try:
        await wait_serving(addr, proc)
        data = demo_catalog_csv(3000)
        async with CatalogClient(addr, "tok") as client, CatalogClient(addr, "tok") as probe:
            importing = asyncio.ensure_future(client.import_products(data))
            # Signal once the import has committed its first batch: it is then mid-flight.
            while (await probe.list_products(page_size=1)).total_size == 0:
                assert not importing.done(), "import finished before it could be interrupted"
                await asyncio.sleep(0.02)
            assert not importing.done()
            proc.send_signal(signal.SIGTERM)
            result = await importing
        assert result.created == 3000 and result.failed == 0
        assert proc.wait(timeout=60) == 0
        text = (tmp_path / "catalog.log").read_text()
        assert text.index("shutdown_started") < text.index("shutdown_finished")
    finally:
        if proc.poll() is None:
            proc.kill()


async def test_health_metrics_and_reflection(tmp_path: Path, nats_server: EmbeddedNats) -> None:
    grpc_port, metrics_port = free_port(), free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "services.catalog"],
        env=_env(tmp_path, nats_server.url, grpc_port, metrics_port),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
    )
    addr = f"127.0.0.1:{grpc_port}"
    try:
        await wait_serving(addr, proc)
        async with CatalogClient(addr, "tok") as client:
            await client.list_products()
            health = health_pb2_grpc.HealthStub(client.channel)
            reply = await health.Check(
                health_pb2.HealthCheckRequest(service="syncstore.catalog.v1.CatalogService")
            )
            assert reply.status == health_pb2.HealthCheckResponse.SERVING
            reflection = reflection_pb2_grpc.ServerReflectionStub(client.channel)
            request = reflection_pb2.ServerReflectionRequest(list_services="")
            async for answer in reflection.ServerReflectionInfo(iter([request])):
                names = {s.name for s in answer.list_services_response.service}
            assert "syncstore.catalog.v1.CatalogService" in names
        async with httpx.AsyncClient() as http:
            metrics = (await http.get(f"http://127.0.0.1:{metrics_port}/metrics")).text
        assert 'syncstore_grpc_server_handled_total{code="OK",method="ListProducts"' in metrics
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)


def test_make_run_once_brings_the_system_up(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "CATALOG_GRPC_ADDR": f"127.0.0.1:{free_port()}",
        "CATALOG_METRICS_ADDR": f"127.0.0.1:{free_port()}",
        "INVENTORY_GRPC_ADDR": f"127.0.0.1:{free_port()}",
        "INVENTORY_METRICS_ADDR": f"127.0.0.1:{free_port()}",
    }
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "services.devrun",
            "--once",
            "--products",
            "40",
            "--var-dir",
            str(tmp_path / "var"),
        ],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "imported the demo catalog: 40 products created" in result.stdout
    # The demo's stock travelled catalog -> NATS -> inventory.
    known = re.search(r"inventory knows (\d+) SKUs holding (\d+) units", result.stdout)
    assert known is not None, result.stdout
    assert int(known.group(1)) >= 40 and int(known.group(2)) > 0
    assert "syncctl products list" in result.stdout


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    # httpx honours proxy variables; metrics are on loopback.
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")


def test_migrate_command_creates_the_schema(tmp_path: Path) -> None:
    db = tmp_path / "migrated.db"
    env = {**os.environ, "CATALOG_DATABASE_URL": f"sqlite+aiosqlite:///{db}"}
    result = subprocess.run(
        [sys.executable, "-m", "services.catalog", "migrate"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    import sqlite3

    with sqlite3.connect(db) as conn:
        tables = {r[0] for r in conn.execute("select name from sqlite_master where type='table'")}
    assert {
        "products",
        "product_variants",
        "product_revisions",
        "pricing_rules",
        "outbox",
        "inbox",
        "idempotency_keys",
        "alembic_version",
    } <= tables
