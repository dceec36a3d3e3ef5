"""An RPC request's idempotency key, fingerprinted over everything but the key itself."""

from __future__ import annotations

from google.protobuf.message import Message

from services.common.idempotency import IdempotencyKey


def idempotency_key_of(request: Message) -> IdempotencyKey | None:
    """None when the request carries no `idempotency_key` (then nothing is de-duplicated)."""
    key: str = getattr(request, "idempotency_key")  # noqa: B009 (every mutating request has it)
    copy = type(request)()
    copy.CopyFrom(request)
    copy.ClearField("idempotency_key")
    # Without the key, a retry of the same request with the same key fingerprints equal.
    return IdempotencyKey.for_request(key, copy.SerializeToString(deterministic=True))
