"""Shopify OAuth callback `hmac`: our adapter's check and the sandbox's signer against
ShopifyAPI's `Session.calculate_hmac` / `validate_params` (code we did not write).

ShopifyAPI keeps the secret on the `Session` class: each test sets it through
monkeypatch (restored afterwards) and imports the package inside the test.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from sandbox.shopify.oauth import callback_hmac as sandbox_hmac
from services.sync.adapters.shopify.oauth import callback_hmac, verify_callback

SECRET = "hush-client-secret"


def _session(monkeypatch: pytest.MonkeyPatch) -> Any:
    import shopify  # type: ignore[import-untyped]  # here: the secret is class state

    monkeypatch.setattr(shopify.Session, "secret", SECRET)
    monkeypatch.setattr(shopify.Session, "api_key", "client-id")
    return shopify.Session


CASES: list[dict[str, Any]] = [
    {
        "code": "0907a61c0c8d55e99db179b68161bc00",
        "host": "c2FuZGJveC0xLm15c2hvcGlmeS5jb20vYWRtaW4",
        "shop": "sandbox-1.myshopify.com",
        "state": "0.6784241404160823",
        "timestamp": "1337178173",
    },
    # Delimiters that must be escaped so params cannot be spliced.
    {"shop": "a.myshopify.com", "state": "x&y=z", "weird%key=": "100%", "timestamp": "1"},
    # Array params: ids[]=1&ids[]=2 sign as ids=["1", "2"].
    {"shop": "a.myshopify.com", "ids[]": ["1", "2"], "timestamp": "2"},
]


@pytest.mark.parametrize("params", CASES)
def test_our_hmac_matches_shopifyapi(
    params: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    session = _session(monkeypatch)
    theirs = session.calculate_hmac(params)
    assert callback_hmac(SECRET, params) == theirs
    assert sandbox_hmac(SECRET, params) == theirs


def test_sandbox_callback_verifies_with_both(monkeypatch: pytest.MonkeyPatch) -> None:
    session = _session(monkeypatch)
    params: dict[str, Any] = dict(CASES[0], timestamp=str(int(time.time())))
    params["hmac"] = sandbox_hmac(SECRET, params)
    assert session.validate_params(params)
    assert verify_callback(params, SECRET)
    tampered = {**params, "shop": "evil.myshopify.com"}
    assert not session.validate_params(tampered)
    assert not verify_callback(tampered, SECRET)
    assert not verify_callback(params, "other-secret")


def test_old_or_unsigned_callbacks_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    session = _session(monkeypatch)
    old = {"shop": "a.myshopify.com", "timestamp": str(int(time.time()) - 25 * 3600)}
    old["hmac"] = callback_hmac(SECRET, old)
    assert not session.validate_params(old)  # ShopifyAPI: older than a day
    assert not verify_callback(old, SECRET)
    assert verify_callback(old, SECRET, max_age=26 * 3600)
    assert not verify_callback({"shop": "a.myshopify.com", "timestamp": "1"}, SECRET)
    assert not verify_callback({**old, "timestamp": "soon"}, SECRET)
