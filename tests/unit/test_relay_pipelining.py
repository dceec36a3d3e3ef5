"""The relay's pipelined publishes: each row gets its own outcome, in order, and an ack
that never comes is a timeout whose future is cancelled (so nats-py frees its slot)."""

from __future__ import annotations

import asyncio
from typing import Any, cast

import nats.js.errors
from nats.js.api import PubAck

from services.common.events.relay import OutboxRelay, OutboxRow


class _JetStream:
    """Acknowledges the probe publish; then answers the pipelined ones as scripted."""

    def __init__(self, answers: list[PubAck | Exception | None]) -> None:
        self.answers = answers
        self.futures: list[asyncio.Future[PubAck]] = []
        self.subjects: list[str] = []

    async def publish(self, subject: str, payload: bytes, **_: Any) -> PubAck:
        self.subjects.append(subject)
        return PubAck(stream="S", seq=1)

    async def publish_async(self, subject: str, payload: bytes, **_: Any) -> asyncio.Future[PubAck]:
        self.subjects.append(subject)
        future: asyncio.Future[PubAck] = asyncio.get_running_loop().create_future()
        answer = self.answers[len(self.futures)]
        if isinstance(answer, PubAck):
            future.set_result(answer)
        elif answer is not None:  # None: never answered
            future.set_exception(answer)
        self.futures.append(future)
        return future


def _rows(count: int) -> list[OutboxRow]:
    return [OutboxRow(n, 0, f"e{n}", f"t.{n}", b"x", {}) for n in range(count)]


def _relay(js: _JetStream) -> OutboxRelay:
    return OutboxRelay(cast(Any, None), cast(Any, js), publish_timeout=0.05)


async def test_each_row_gets_its_own_outcome_in_order() -> None:
    refused = nats.js.errors.NoStreamResponseError()
    js = _JetStream([PubAck(stream="S", seq=2), refused, PubAck(stream="S", seq=4)])
    results = await _relay(js)._publish(_rows(4))
    assert [getattr(r, "seq", r) for r in results] == [1, 2, refused, 4]
    assert js.subjects == ["t.0", "t.1", "t.2", "t.3"]  # published in outbox order


async def test_an_unanswered_publish_times_out_and_is_cancelled() -> None:
    js = _JetStream([PubAck(stream="S", seq=2), None])
    results = await _relay(js)._publish(_rows(3))
    assert isinstance(results[1], PubAck)
    assert isinstance(results[2], TimeoutError)
    assert js.futures[1].cancelled()
