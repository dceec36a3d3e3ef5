"""The adapters' webhook verifiers against what the sandbox really sends.

The sandbox signs its pushes from MARKETPLACES.md on its own (sandbox/<platform>/push.py,
sandbox/tokopedia/admin.py); each adapter's `verify` must accept every order notification
it delivers to the receiver (Shopee code 3, TikTok Shop type 1, Lazada message_type 0,
Tokopedia order notification) and refuse it with a wrong key, a tampered body or, for
Shopee, another callback URL. TikTok Shop's are also checked by `tiktok-shop-api`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pytest

from services.sync.adapters.lazada import webhooks as lazada
from services.sync.adapters.shopee import webhooks as shopee
from services.sync.adapters.tiktok import webhooks as tiktok
from services.sync.adapters.tokopedia import webhooks as tokopedia
from tests.support.isolated import run_isolated
from tests.support.sandbox_admin import ServedPlatform

pytestmark = [
    pytest.mark.asyncio(loop_scope="session"),
    pytest.mark.usefixtures("patient_timers"),
]

# verify(shop credentials, receiver URL, headers, raw body), credentials under the names
# the sandbox's `POST /_sandbox/<platform>/shops` answers with.
Verify = Callable[[Mapping[str, Any], str, Mapping[str, str], bytes], bool]
VERIFIERS: dict[str, Verify] = {
    "shopee": lambda c, url, h, b: shopee.verify(c["partner_key"], url, h, b),
    "tiktok": lambda c, url, h, b: tiktok.verify(c["app_key"], c["app_secret"], h, b),
    "lazada": lambda c, url, h, b: lazada.verify(c["app_key"], c["app_secret"], h, b),
    "tokopedia": lambda c, url, h, b: tokopedia.verify(c["webhook_secret"], h, b),
}
SECRET_NAMES = {
    "shopee": "partner_key",
    "tiktok": "app_secret",
    "lazada": "app_secret",
    "tokopedia": "webhook_secret",
}

_TIKTOK_SDK = """
import json, sys
from tiktok_shop_api.webhooks import Webhooks
print(json.dumps([
    Webhooks.verify(app_key=c["app_key"], app_secret=c["app_secret"],
                    raw_body=c["body"].encode(), signature=c["signature"])
    for c in json.load(sys.stdin)
]))
"""


async def _received_orders(
    sp: ServedPlatform,
) -> tuple[dict[str, Any], list[tuple[dict[str, str], bytes]]]:
    """A new shop's notifications for one order placed and then cancelled."""
    sp.answer()
    shop = await sp.hooked_shop(f"V-{sp.platform}", price=5000, stock=10)
    one = str(shop["shop_id"])
    placed = await sp.place_order(shop, 1)
    order_id = str(placed.get("order_sn") or placed.get("order_id"))
    await sp.settle(one)
    r = await sp.admin_call("POST", f"{one}/orders/{order_id}/cancel")
    assert r.status_code == 200
    await sp.settle(one)
    return shop, list(sp.received)


@pytest.mark.parametrize("platform", sorted(VERIFIERS))
async def test_the_adapter_verifies_what_the_sandbox_sends(
    sea: dict[str, ServedPlatform], platform: str
) -> None:
    shop, received = await _received_orders(sea[platform])
    assert len(received) >= 2  # placed and cancelled (Lazada: one per order line)
    check, url = VERIFIERS[platform], sea[platform].hook_url
    wrong = {**shop, SECRET_NAMES[platform]: shop[SECRET_NAMES[platform]] + "0"}
    for headers, body in received:
        assert check(shop, url, headers, body)
        assert not check(wrong, url, headers, body)
        assert not check(shop, url, headers, body.replace(b"}", b" }", 1))
        assert not check(shop, url, {k: v for k, v in headers.items() if "auth" not in k}, body)
    if platform == "shopee":  # the base string starts with the URL Shopee called
        for headers, body in received:
            assert not shopee.verify(shop["partner_key"], url + "/", headers, body)
            assert not shopee.verify(shop["partner_key"], "", headers, body)
    if platform in ("tiktok", "lazada"):  # app_key is part of the signed message
        other_key = {**shop, "app_key": shop["app_key"] + "0"}
        assert not any(check(other_key, url, h, b) for h, b in received)


async def test_tiktok_shop_api_agrees_on_the_sandbox_pushes(sea: dict[str, ServedPlatform]) -> None:
    shop, received = await _received_orders(sea["tiktok"])
    key, secret = shop["app_key"], shop["app_secret"]
    variants = [(key, secret, body, h["authorization"]) for h, body in received]
    variants += [(key, secret + "0", body, h["authorization"]) for h, body in received]
    variants += [(key, secret, body + b" ", h["authorization"]) for h, body in received]
    cases = [
        {"app_key": k, "app_secret": s, "body": b.decode(), "signature": sig}
        for k, s, b, sig in variants
    ]
    theirs = run_isolated(_TIKTOK_SDK, cases)
    ours = [tiktok.verify(k, s, {"Authorization": sig}, b) for k, s, b, sig in variants]
    assert ours == theirs
    n = len(received)
    assert ours == [True] * n + [False] * (2 * n)
