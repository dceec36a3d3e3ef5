"""LazOP signing (MARKETPLACES.md §4.1): our adapter's signer and the sandbox verifier
against a hand-built string-to-sign, a stdlib HMAC, and lazop-sdk's own `sign`.

lazop-sdk (PyPI `lazop-sdk` 1.0.3) creates `~/logs/` and a log file when imported, so
it runs in a subprocess with HOME pointed at a temporary directory.
"""

from __future__ import annotations

import hashlib
import hmac
import importlib.util
from pathlib import Path

import pytest

from sandbox.lazada import signing as sandbox_signing
from services.sync.adapters.lazada.signing import api_sign, string_to_sign
from tests.support.isolated import run_isolated

SECRET = "helloworld"
API = "/test/api"
PARAMS = {"foo": "1", "bar": "2", "foo_bar": "3", "foobar": "4"}
# §4.1 steps 1-3 by hand: sorted by name, k+v concatenated, API name in front.
HAND_STRING = "/test/apibar2foo1foo_bar3foobar4"
# §4.1 (local check, same value from lazop-sdk and stdlib).
VECTOR = "BD011266EC150C787B2201495AA2D6F326BB6910DE77E84EA28F5215DCD7FA5E"

REALISTIC = [
    (
        "s3cr3t-app",
        "/products/get",
        {
            "app_key": "100123",
            "timestamp": "1732170000000",
            "sign_method": "sha256",
            "access_token": "50000600a12bcd",
            "filter": "all",
            "limit": "50",
            "offset": "0",
            "sku_seller_list": '["A-00","Ünïcode-01"]',
        },
    ),
    (
        "another",
        "/product/price_quantity/update",
        {
            "app_key": "100123",
            "timestamp": "1732170000000",
            "sign_method": "sha256",
            "access_token": "tok",
            "payload": "<Request><Product><Skus><Sku><SellerSku>A</SellerSku>"
            "<Price>25.00</Price></Sku></Skus></Product></Request>",
        },
    ),
    (
        "k",
        "/auth/token/create",
        {"app_key": "1", "timestamp": "2", "sign_method": "sha256", "code": "x"},
    ),
]


def test_string_to_sign_is_path_plus_sorted_key_values() -> None:
    assert string_to_sign(API, PARAMS) == HAND_STRING
    assert string_to_sign(API, {**PARAMS, "sign": "ignored"}) == HAND_STRING


def test_sign_is_uppercase_hex_hmac_sha256() -> None:
    by_hand = hmac.new(SECRET.encode(), HAND_STRING.encode(), hashlib.sha256).hexdigest().upper()
    assert by_hand == VECTOR
    assert api_sign(SECRET, API, PARAMS) == VECTOR


def test_sandbox_verifier_agrees_with_the_adapter() -> None:
    assert sandbox_signing.sign(SECRET, API, PARAMS) == VECTOR
    assert sandbox_signing.verify(SECRET, API, PARAMS, api_sign(SECRET, API, PARAMS))
    assert not sandbox_signing.verify(SECRET, API, PARAMS, VECTOR.lower())
    assert not sandbox_signing.verify(SECRET, "/lazada/rest" + API, PARAMS, VECTOR)
    for secret, path, params in REALISTIC:
        assert sandbox_signing.verify(secret, path, params, api_sign(secret, path, params))


_SDK_SCRIPT = """
import json, sys
from lazop_sdk.base import sign
cases = json.load(sys.stdin)
print(json.dumps([sign(secret, api, params) for secret, api, params in cases]))
"""


@pytest.mark.skipif(
    importlib.util.find_spec("lazop_sdk") is None, reason="lazop-sdk (dev extra) not installed"
)
def test_lazop_sdk_sign_agrees_with_adapter_and_sandbox(tmp_path: Path) -> None:
    cases = [(SECRET, API, PARAMS), *REALISTIC]
    # Its import writes ~/logs/: HOME is a temporary directory.
    theirs = run_isolated(_SDK_SCRIPT, cases, env={"HOME": str(tmp_path)})
    assert theirs[0] == VECTOR
    for (secret, path, params), expected in zip(cases, theirs, strict=True):
        assert api_sign(secret, path, params) == expected
        assert sandbox_signing.verify(secret, path, params, expected)
