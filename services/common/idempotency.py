"""Idempotency keys: the same key + same request returns the first result.

The key row is written in the same transaction as the change it guards, so a change
and its recorded answer commit (or roll back) together.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, MetaData, String, Table, bindparam, select
from sqlalchemy.exc import IntegrityError

from services.common.db import Database, DbConnection
from services.common.db.list_param import in_list
from services.common.errors import AlreadyExists

idempotency_metadata = MetaData()

idempotency_keys = Table(
    "idempotency_keys",
    idempotency_metadata,
    Column("tenant_id", String(64), primary_key=True),
    Column("operation", String(128), primary_key=True),
    Column("key", String(255), primary_key=True),
    Column("fingerprint", String(64), nullable=False),
    Column("response", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)


_RECALL = select(idempotency_keys.c.fingerprint, idempotency_keys.c.response).where(
    idempotency_keys.c.tenant_id == bindparam("t"),
    idempotency_keys.c.operation == bindparam("op"),
    idempotency_keys.c.key == bindparam("k"),
)
# A group commit's keys: one statement text whatever their number (see list_param).
_RECALL_MANY = select(
    idempotency_keys.c.key, idempotency_keys.c.fingerprint, idempotency_keys.c.response
).where(
    idempotency_keys.c.tenant_id == bindparam("t"),
    idempotency_keys.c.operation == bindparam("op"),
    in_list(idempotency_keys.c.key, "keys"),
)


@dataclass(frozen=True)
class IdempotencyKey:
    """A caller's key plus a fingerprint of the request it came with."""

    key: str
    fingerprint: str

    @classmethod
    def for_request(cls, key: str, request_bytes: bytes) -> IdempotencyKey | None:
        """None when the caller sent no key (the operation is then not de-duplicated)."""
        if not key:
            return None
        return cls(key, hashlib.sha256(request_bytes).hexdigest())


def fingerprint_json(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()


async def recall(
    session: DbConnection, tenant_id: str, operation: str, key: IdempotencyKey | None
) -> dict[str, Any] | None:
    """The stored first answer for this key, None if new; ALREADY_EXISTS if reused differently."""
    if key is None:
        return None
    row = (await session.execute(_RECALL, {"t": tenant_id, "op": operation, "k": key.key})).first()
    if row is None:
        return None
    return check_fingerprint(key, row.fingerprint, row.response, operation)


async def remember(
    session: DbConnection,
    tenant_id: str,
    operation: str,
    key: IdempotencyKey | None,
    response: dict[str, Any],
) -> None:
    """Record the answer in the caller's transaction (a racing twin fails on the primary key)."""
    if key is not None:
        await remember_many(session, tenant_id, operation, [(key, response)])


async def recall_many(
    session: DbConnection, tenant_id: str, operation: str, keys: Sequence[str]
) -> dict[str, tuple[str, dict[str, Any]]]:
    """The stored (fingerprint, answer) of each of these keys that was used before."""
    if not keys:
        return {}
    rows = await session.execute(
        _RECALL_MANY, {"t": tenant_id, "op": operation, "keys": list(keys)}
    )
    return {row.key: (row.fingerprint, row.response) for row in rows}


def check_fingerprint(
    key: IdempotencyKey, fingerprint: str, response: dict[str, Any], operation: str
) -> dict[str, Any]:
    """The first answer if the key came with the same request; ALREADY_EXISTS otherwise."""
    if fingerprint != key.fingerprint:
        raise AlreadyExists(
            f"idempotency_key {key.key!r} was already used with a different {operation} request"
        )
    return response


async def remember_many(
    session: DbConnection,
    tenant_id: str,
    operation: str,
    answers: Sequence[tuple[IdempotencyKey, dict[str, Any]]],
) -> None:
    """Record many answers in the caller's transaction (one batched statement)."""
    if not answers:
        return
    now = datetime.now(UTC)
    await session.execute(
        idempotency_keys.insert(),
        [
            {
                "tenant_id": tenant_id,
                "operation": operation,
                "key": key.key,
                "fingerprint": key.fingerprint,
                "response": response,
                "created_at": now,
            }
            for key, response in answers
        ],
    )


async def run_idempotent(
    db: Database,
    tenant_id: str,
    operation: str,
    key: IdempotencyKey | None,
    work: Callable[[DbConnection], Awaitable[dict[str, Any]]],
    *,
    conflict_message: str,
) -> dict[str, Any]:
    """Run `work` in one write transaction and record its answer under `key`.

    A replay of the key returns the first answer without running `work`. A unique
    violation (a racing twin with the same key, or a racing writer of the same unique
    value) is retried once: the retry either finds the twin's answer or sees the
    committed conflict through the work's own checks; a second violation becomes
    ALREADY_EXISTS with `conflict_message`.
    """
    for attempt in (1, 2):
        try:
            async with db.transaction() as session:
                cached = await recall(session, tenant_id, operation, key)
                if cached is not None:
                    return cached
                response = await work(session)
                await remember(session, tenant_id, operation, key, response)
                return response
        except IntegrityError:
            if attempt == 2:
                raise AlreadyExists(conflict_message) from None
    raise AssertionError("unreachable")
