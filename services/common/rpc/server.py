"""The asyncio gRPC server every service runs: health, reflection, graceful SIGTERM."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from services.common.auth import TokenAuthenticator
from services.common.logging import get_logger
from services.common.rpc.interceptor import ServerInterceptor

log = get_logger("syncstore.server")

ShutdownHook = Callable[[], Awaitable[None]]

# 64 MiB: a bulk dry run or a revision list of large products can exceed gRPC's 4 MiB
# default; imports are client-streamed in chunks and never need it.
MAX_MESSAGE_BYTES = 64 * 1024 * 1024


@dataclass
class ServiceRegistration:
    """A servicer plus the generated `add_XServicer_to_server` and its full name."""

    servicer: Any
    add_to_server: Callable[[Any, grpc.aio.Server], None]
    full_name: str


@dataclass
class GrpcHost:
    """Owns a grpc.aio server and the orderly shutdown of everything around it."""

    name: str
    address: str
    authenticator: TokenAuthenticator
    services: list[ServiceRegistration]
    grace_seconds: float = 10.0
    on_shutdown: list[ShutdownHook] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.server = grpc.aio.server(
            interceptors=[ServerInterceptor(self.authenticator)],
            options=[
                ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
                ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
                ("grpc.so_reuseport", 0),
            ],
        )
        self.health = health.aio.HealthServicer()
        self._stopping = asyncio.Event()
        self._stopped = asyncio.Event()
        self._stop_task: asyncio.Future[None] | None = None
        self.port = 0

    async def start(self) -> None:
        for svc in self.services:
            svc.add_to_server(svc.servicer, self.server)
        health_pb2_grpc.add_HealthServicer_to_server(self.health, self.server)
        names = [svc.full_name for svc in self.services]
        reflection.enable_server_reflection(
            [
                *names,
                health_pb2.DESCRIPTOR.services_by_name["Health"].full_name,
                reflection.SERVICE_NAME,
            ],
            self.server,
        )
        self.port = self.server.add_insecure_port(self.address)
        if self.port == 0:
            raise RuntimeError(f"cannot bind gRPC address {self.address}")
        await self.server.start()
        for name in ["", *names]:
            await self.health.set(name, health_pb2.HealthCheckResponse.SERVING)
        log.info("grpc_started", service=self.name, address=self.address, port=self.port)

    def install_signal_handlers(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self._on_signal, sig)

    def _on_signal(self, sig: signal.Signals) -> None:
        self._stop_task = asyncio.ensure_future(self.stop(sig.name))

    async def stop(self, reason: str = "stop") -> None:
        """NOT_SERVING first (so balancers drain us), then finish in-flight RPCs, then hooks."""
        if self._stopping.is_set():
            return
        self._stopping.set()
        log.info("shutdown_started", reason=reason, grace_seconds=self.grace_seconds)
        await self.health.enter_graceful_shutdown()
        await self.server.stop(self.grace_seconds)
        for hook in self.on_shutdown:
            try:
                await hook()
            except Exception:
                log.exception("shutdown_hook_failed")
        log.info("shutdown_finished")
        self._stopped.set()

    async def wait(self) -> None:
        """Return once stop() has finished every step."""
        await self._stopped.wait()
