"""NATS connection with endless reconnects, and idempotent stream set-up."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

import nats
import nats.errors
from nats.aio.client import Client
from nats.js import JetStreamManager
from nats.js.api import StreamConfig
from nats.js.errors import BadRequestError, NotFoundError, ServiceUnavailableError

from services.common.events.streams import StreamSpec
from services.common.logging import get_logger

log = get_logger("syncstore.events.jetstream")

# JetStream error code for "stream name already in use with a different configuration";
# returned to the loser of a create race between replicas.
STREAM_NAME_IN_USE = 10058

RECONNECT_WAIT_SECONDS = 2
CONNECT_TIMEOUT_SECONDS = 5


async def connect(url: str, name: str) -> Client:
    """Connect to NATS, retrying forever, and keep reconnecting forever once connected."""

    async def on_error(error: Exception) -> None:
        log.warning("nats error", connection=name, error=repr(error))

    async def on_disconnected() -> None:
        log.warning("nats disconnected", connection=name)

    async def on_reconnected() -> None:
        log.info("nats reconnected", connection=name, server=_server(client))

    async def on_closed() -> None:
        log.info("nats connection closed", connection=name)

    client = Client()
    # max_reconnect_attempts=-1 also retries the *first* connect forever, so a service
    # started before NATS (a normal Kubernetes race) waits instead of crash-looping.
    await client.connect(
        servers=url,
        name=name,
        max_reconnect_attempts=-1,
        reconnect_time_wait=RECONNECT_WAIT_SECONDS,
        connect_timeout=CONNECT_TIMEOUT_SECONDS,
        error_cb=on_error,
        disconnected_cb=on_disconnected,
        reconnected_cb=on_reconnected,
        closed_cb=on_closed,
    )
    log.info("nats connected", connection=name, server=_server(client))
    return client


def _server(client: Client) -> str:
    url = client.connected_url
    return url.netloc if url is not None else ""


def _differs(current: StreamConfig, wanted: StreamConfig) -> list[str]:
    """Names of the settings we manage whose live value differs from the wanted one."""

    def ns(seconds: float | None) -> int:
        # The API speaks nanoseconds; compare there so float round-trips do not flap.
        return round((seconds or 0) * 1_000_000_000)

    changed = []
    if sorted(current.subjects or []) != sorted(wanted.subjects or []):
        changed.append("subjects")
    if ns(current.max_age) != ns(wanted.max_age):
        changed.append("max_age")
    if ns(current.duplicate_window) != ns(wanted.duplicate_window):
        changed.append("duplicate_window")
    for field in ("retention", "storage", "num_replicas", "discard"):
        if getattr(current, field) != getattr(wanted, field):
            changed.append(field)
    if (current.description or None) != (wanted.description or None):
        changed.append("description")
    return changed


async def _ensure_stream(js: JetStreamManager, config: StreamConfig) -> None:
    assert config.name is not None
    for attempt in range(6):
        try:
            try:
                info = await js.stream_info(config.name)
            except NotFoundError:
                try:
                    await js.add_stream(config)
                    log.info("stream created", stream=config.name)
                    return
                except BadRequestError as error:
                    if error.err_code != STREAM_NAME_IN_USE:
                        raise
                    # Another replica created it first (maybe with an older config):
                    # go round again and compare against what it made.
                    continue
            changed = _differs(info.config, config)
            if changed:
                # Retention and storage cannot change in place; the server refuses and
                # the error surfaces, since silently running on the wrong stream is worse.
                await js.update_stream(config)
                log.info("stream updated", stream=config.name, changed=changed)
            return
        except (ServiceUnavailableError, nats.errors.TimeoutError) as error:
            # JetStream answers 503 / times out for a moment after a (re)start or leader
            # election; that is worth a short wait, not a failed service start.
            log.warning("stream set-up retry", stream=config.name, error=repr(error))
            await asyncio.sleep(0.2 * 2**attempt)
    raise RuntimeError(f"could not ensure stream {config.name}")


async def ensure_streams(
    js: JetStreamManager, specs: Iterable[StreamSpec], replicas: int = 1
) -> None:
    """Create each stream, or update it if its config differs; safe to run concurrently."""
    for spec in specs:
        await _ensure_stream(js, spec.config(replicas))
