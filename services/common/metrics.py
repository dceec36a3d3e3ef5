"""Prometheus metrics for RPCs, served on each service's side HTTP port."""

from __future__ import annotations

from prometheus_client import Counter, Histogram, start_http_server

RPC_HANDLED = Counter(
    "syncstore_grpc_server_handled_total",
    "RPCs completed, by method and status code.",
    ["service", "method", "code"],
)
RPC_LATENCY = Histogram(
    "syncstore_grpc_server_handling_seconds",
    "RPC handling time, by method.",
    ["service", "method"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)


def start_metrics_server(addr: str) -> None:
    """Serve /metrics on `host:port` (an empty addr disables it)."""
    if not addr:
        return
    host, _, port = addr.rpartition(":")
    start_http_server(int(port), addr=host or "0.0.0.0")
