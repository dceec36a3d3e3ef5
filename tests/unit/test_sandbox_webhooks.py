"""sandbox/webhooks.py against a local receiver (uvicorn on a free port).

The receiver answers from a script of statuses and records what arrived, in order.
Waits between attempts go through `webhooks.pause`, which these tests replace with a
recorder, so the schedule is asserted exactly and nothing depends on timing.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace

import pytest
import pytest_asyncio
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sandbox import webhooks
from sandbox.lazada import push as lazada_push
from sandbox.lazada.harness import serve
from sandbox.shopee import push as shopee_push
from sandbox.state import Shop
from sandbox.tiktok import push as tiktok_push

pytestmark = pytest.mark.asyncio(loop_scope="session")


@dataclass
class Receiver:
    url: str = ""
    script: list[tuple[int, bytes]] = field(default_factory=list)  # answers, then 200 ""
    received: list[bytes] = field(default_factory=list)

    def answer(self, *answers: int | tuple[int, bytes]) -> None:
        self.script = [a if isinstance(a, tuple) else (a, b"") for a in answers]
        self.received.clear()


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def receiver() -> AsyncIterator[Receiver]:
    running = Receiver()

    async def hook(request: Request) -> Response:
        running.received.append(await request.body())
        status, body = running.script.pop(0) if running.script else (200, b"")
        return Response(content=body, status_code=status)

    async with serve(Starlette(routes=[Route("/hook", hook, methods=["POST"])])) as url:
        running.url = url + "/hook"
        yield running


@pytest.fixture(autouse=True)
def patient(monkeypatch: pytest.MonkeyPatch) -> None:
    """No outcome may hang on real time: generous ack timeouts and reorder hold."""
    for module in (lazada_push, shopee_push, tiktok_push):
        monkeypatch.setattr(module, "POLICY", replace(module.POLICY, ack_timeout=60.0))
    monkeypatch.setattr(webhooks, "REORDER_HOLD_SECONDS", 60.0)


@pytest.fixture
def pauses(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Every wait between attempts, in order (not slept)."""
    waited: list[float] = []

    async def record(seconds: float) -> None:
        waited.append(seconds)

    monkeypatch.setattr(webhooks, "pause", record)
    return waited


def _shop(receiver: Receiver, time_scale: float = 0.001, seed: int = 0) -> Shop:
    shop = Shop(platform="test", shop_id=1, credentials={})
    shop.faults.configure({"seed": seed})
    shop.webhooks.url = receiver.url
    shop.webhooks.time_scale = time_scale
    return shop


async def _send(shop: Shop, body: bytes, policy: webhooks.RetryPolicy) -> webhooks.DeliveryRecord:
    record = webhooks.send(shop, body, {"Content-Type": "application/json"}, policy, topic="t")
    assert record is not None
    await webhooks.drain(shop)
    return record


async def test_retries_follow_the_compressed_schedule_and_stop_at_the_limit(
    receiver: Receiver, pauses: list[float]
) -> None:
    receiver.answer(500, 500, 500, 500, 500, 500)
    record = await _send(_shop(receiver, time_scale=0.001), b"{}", tiktok_push.POLICY)
    # TikTok: first try + 4 retries at +2 min, +30 min, +3 h, +12 h (× 0.001).
    assert record.attempts == 5 and len(receiver.received) == 5
    assert not record.delivered and record.last_status == 500
    assert pauses == pytest.approx([0.12, 1.8, 10.8, 43.2])


async def test_a_retry_that_succeeds_stops_retrying(
    receiver: Receiver, pauses: list[float]
) -> None:
    receiver.answer(500, 503, 200)
    record = await _send(_shop(receiver, time_scale=0.5), b"{}", lazada_push.POLICY)
    assert record.delivered and record.attempts == 3 and record.last_status == 200
    assert pauses == [900.0, 900.0]  # Lazada: every 30 min, at half speed
    assert len(receiver.received) == 3


async def test_lazada_needs_exactly_200(receiver: Receiver, pauses: list[float]) -> None:
    receiver.answer(204, 201, 200)
    record = await _send(_shop(receiver), b"{}", lazada_push.POLICY)
    assert record.delivered and record.attempts == 3

    receiver.answer(204)
    relaxed = webhooks.RetryPolicy(delays=(60.0,))
    record = await _send(_shop(receiver), b"{}", relaxed)
    assert record.delivered and record.attempts == 1  # any 2xx by default


async def test_tiktok_takes_401_as_an_answer(receiver: Receiver, pauses: list[float]) -> None:
    receiver.answer(401)
    record = await _send(_shop(receiver), b"{}", tiktok_push.POLICY)
    assert record.delivered and record.attempts == 1 and pauses == []


async def test_shopee_needs_an_empty_body(receiver: Receiver, pauses: list[float]) -> None:
    receiver.answer((200, b"ok"), (200, b""))
    record = await _send(_shop(receiver), b"{}", shopee_push.POLICY)
    assert record.delivered and record.attempts == 2


async def test_drop_rate_drops(receiver: Receiver, pauses: list[float]) -> None:
    receiver.answer()
    shop = _shop(receiver)
    shop.faults.configure({"webhook_drop_rate": 1.0})
    record = await _send(shop, b'{"n":1}', webhooks.NO_RETRY)
    assert record.dropped and record.attempts == 0
    assert receiver.received == []
    assert shop.webhooks.snapshot()["deliveries"][0]["dropped"] is True


async def test_drop_rate_is_seeded(receiver: Receiver, pauses: list[float]) -> None:
    fates = []
    for _ in range(2):
        shop = _shop(receiver, seed=11)
        shop.faults.configure({"webhook_drop_rate": 0.5})
        records = [await _send(shop, b"{}", webhooks.NO_RETRY) for _ in range(20)]
        fates.append([r.dropped for r in records])
    assert fates[0] == fates[1]
    assert 0 < sum(fates[0]) < 20


async def test_duplicate_rate_sends_twice(receiver: Receiver, pauses: list[float]) -> None:
    receiver.answer()
    shop = _shop(receiver)
    shop.faults.configure({"webhook_duplicate_rate": 1.0})
    record = await _send(shop, b'{"n":2}', webhooks.NO_RETRY)
    assert record.duplicate and record.delivered and record.attempts == 2
    assert receiver.received == [b'{"n":2}', b'{"n":2}']


async def test_reorder_lets_the_next_message_overtake(
    receiver: Receiver, pauses: list[float]
) -> None:
    receiver.answer()
    shop = _shop(receiver)
    shop.faults.configure({"webhook_reorder_rate": 1.0})
    first = webhooks.send(shop, b'{"n":"first"}', {}, webhooks.NO_RETRY)
    shop.faults.configure({"webhook_reorder_rate": 0.0})
    second = webhooks.send(shop, b'{"n":"second"}', {}, webhooks.NO_RETRY)
    await webhooks.drain(shop)
    assert first is not None and first.held and second is not None and not second.held
    assert receiver.received == [b'{"n":"second"}', b'{"n":"first"}']


async def test_a_held_message_with_nothing_behind_it_still_goes_out(
    receiver: Receiver, pauses: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(webhooks, "REORDER_HOLD_SECONDS", 0.01)
    receiver.answer()
    shop = _shop(receiver)
    shop.faults.configure({"webhook_reorder_rate": 1.0})
    record = await _send(shop, b'{"n":"alone"}', webhooks.NO_RETRY)
    assert record.held and record.delivered
    assert receiver.received == [b'{"n":"alone"}']


async def test_disable_after_consecutive_failures(receiver: Receiver, pauses: list[float]) -> None:
    receiver.answer(500, 500, 500)
    shop = _shop(receiver)
    policy = webhooks.RetryPolicy(delays=(), disable_after_failures=2)
    await _send(shop, b"{}", policy)
    assert not shop.webhooks.disabled
    await _send(shop, b"{}", policy)
    assert shop.webhooks.disabled
    assert webhooks.send(shop, b"{}", {}, policy) is None
    assert len(receiver.received) == 2


async def test_a_success_resets_the_failure_count(receiver: Receiver, pauses: list[float]) -> None:
    receiver.answer(500, 200, 500)
    shop = _shop(receiver)
    policy = webhooks.RetryPolicy(delays=(), disable_after_failures=2)
    for _ in range(3):
        await _send(shop, b"{}", policy)
    assert not shop.webhooks.disabled and shop.webhooks.consecutive_failures == 1


async def test_nothing_is_sent_without_a_url(receiver: Receiver) -> None:
    shop = _shop(receiver)
    shop.webhooks.url = ""
    assert webhooks.send(shop, b"{}", {}, webhooks.NO_RETRY) is None
    assert shop.webhooks.log == []


FLOOR = webhooks.SuccessFloor(min_pushes=10, window=3600.0, rate=0.3)


async def test_a_low_success_rate_disables_the_registration(
    receiver: Receiver, pauses: list[float]
) -> None:
    receiver.answer(*[500] * 11)
    shop = _shop(receiver, time_scale=1.0)
    policy = webhooks.RetryPolicy(delays=(), disable_below=FLOOR)
    for n in range(11):
        assert not shop.webhooks.disabled, n  # not before more than 10 pushes
        await _send(shop, b"{}", policy)
    assert shop.webhooks.disabled
    assert webhooks.send(shop, b"{}", {}, policy) is None  # missed, never resent


async def test_a_success_rate_above_the_floor_keeps_it(
    receiver: Receiver, pauses: list[float]
) -> None:
    receiver.answer(*[200, 500] * 10)
    shop = _shop(receiver, time_scale=1.0)
    policy = webhooks.RetryPolicy(delays=(), disable_below=FLOOR)
    for _ in range(20):
        await _send(shop, b"{}", policy)
    assert not shop.webhooks.disabled


async def test_failures_outside_the_window_do_not_count(
    receiver: Receiver, pauses: list[float]
) -> None:
    receiver.answer(*[500] * 12)
    # 3600 s × 1e-9 is 3.6 µs of real time: no two HTTP round trips fit in it.
    shop = _shop(receiver, time_scale=1e-9)
    policy = webhooks.RetryPolicy(delays=(), disable_below=FLOOR)
    for _ in range(12):
        await _send(shop, b"{}", policy)
    assert not shop.webhooks.disabled


async def test_retries_stop_once_the_registration_is_disabled(
    receiver: Receiver, pauses: list[float]
) -> None:
    receiver.answer(*[500] * 5)
    shop = _shop(receiver, time_scale=1.0)
    floor = webhooks.SuccessFloor(min_pushes=2, window=3600.0, rate=0.5)
    policy = webhooks.RetryPolicy(delays=(60.0, 60.0, 60.0), disable_below=floor)
    record = await _send(shop, b"{}", policy)
    assert shop.webhooks.disabled and record.attempts == 3 and not record.delivered
    assert len(receiver.received) == 3
