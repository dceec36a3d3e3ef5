"""`python -m services.inventory relay` as a real process beside a service that leaves it
its outbox (OUTBOX_RELAY=external): it publishes, shows its lag on /metrics, and exits
cleanly on SIGTERM, as the Kubernetes sidecar must."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import httpx
from syncstore.events.v1 import inventory_events_pb2 as ev
from syncstore.inventory.v1 import inventory_service_pb2 as pb

from services.common.events.embedded_nats import EmbeddedNats, free_port
from services.devrun import wait_serving
from tests.support.events import wait_until
from tests.support.inventory import InventoryClient, announce
from tests.support.jetstream import wait_for_messages

ROOT = Path(__file__).resolve().parents[2]


def _start(command: str, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    out = log.open("wb")
    return subprocess.Popen(
        [sys.executable, "-m", "services.inventory", *command.split()],
        env=env,
        stdout=out,
        stderr=out,
        cwd=ROOT,
    )


async def test_the_relay_process_publishes_reports_lag_and_stops_on_sigterm(
    tmp_path: Path, nats_server: EmbeddedNats
) -> None:
    grpc_port, metrics_port = free_port(), free_port()
    # Its own tenant: the session's nats-server holds other tests' inventory events.
    tenant = f"relay-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "INVENTORY_GRPC_ADDR": f"127.0.0.1:{grpc_port}",
        "INVENTORY_METRICS_ADDR": "",
        "INVENTORY_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'inventory.db'}",
        "NATS_URL": nats_server.url,
        "SYNCSTORE_API_TOKENS": f"tok={tenant}:operator",
        "OUTBOX_RELAY": "external",
        "LOG_FORMAT": "json",
    }
    service = _start("serve", env, tmp_path / "service.log")
    relay: subprocess.Popen[bytes] | None = None
    addr = f"127.0.0.1:{grpc_port}"
    try:
        await wait_serving(addr, service)
        client = InventoryClient(addr, "tok")
        try:
            await announce(nats_server.url, client, tenant, {"R-1": 3})
            await client.stub.SetStock(
                pb.SetStockRequest(sku="R-1", quantity=7), metadata=client.md()
            )
        finally:
            await client.close()

        relay = _start(
            f"relay --metrics-addr 127.0.0.1:{metrics_port}", env, tmp_path / "relay.log"
        )

        def about(msg: Any) -> bool:
            return bool(msg.headers.get("Syncstore-Tenant") == tenant)

        levels = await wait_for_messages(
            nats_server.url, "INVENTORY", "inventory.level.changed", about, count=2, timeout=30
        )
        assert [ev.StockLevelChanged.FromString(m.data).item.on_hand for m in levels] == [3, 7]

        async def lag_is_zero() -> bool:
            try:
                async with httpx.AsyncClient() as http:
                    text = (await http.get(f"http://127.0.0.1:{metrics_port}/metrics")).text
            except httpx.TransportError:
                return False
            return 'syncstore_outbox_unsent_rows{relay="inventory"} 0.0' in text

        await wait_until(lag_is_zero, timeout=30)
        relay.send_signal(signal.SIGTERM)
        assert relay.wait(timeout=30) == 0
        assert "outbox relay stopped" in (tmp_path / "relay.log").read_text()
    finally:
        for process in (relay, service):
            if process is not None and process.poll() is None:
                process.kill()
