"""The command line every service shares: `python -m services.<name> [serve|relay|migrate]`."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import typer

from services.common.runtime import ServiceRuntime


def service_cli(help_text: str, runtime: Callable[[], ServiceRuntime]) -> typer.Typer:
    """serve (the default: migrate, then serve gRPC until SIGTERM), relay (publish the
    outbox in a process of its own) and migrate (then exit)."""
    app = typer.Typer(add_completion=False, help=help_text)

    @app.command()
    def serve() -> None:
        """Serve gRPC (migrates the database first) until SIGTERM."""
        asyncio.run(runtime().serve())

    @app.command()
    def relay(
        poll_seconds: float = typer.Option(
            0.05, help="Seconds between looks at the outbox (no commit wakes this process)."
        ),
        metrics_addr: str = typer.Option("", help="host:port for /metrics (empty: none)."),
    ) -> None:
        """Publish the service's outbox to JetStream until SIGTERM (OUTBOX_RELAY=external)."""
        asyncio.run(runtime().relay(poll_seconds=poll_seconds, metrics_addr=metrics_addr))

    @app.command()
    def migrate() -> None:
        """Apply database migrations and exit."""
        asyncio.run(runtime().migrate())

    @app.callback(invoke_without_command=True)
    def default(ctx: typer.Context) -> None:
        if ctx.invoked_subcommand is None:
            serve()

    return app
