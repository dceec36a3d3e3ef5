"""Shopee v2 signing against code we did not write: `pyshopee2.Client._api_sign` (shop
base string) and `_api_short_sign` / `_sign` (public), from PyPI `pyshopee` 1.4.0 (dev
extra), must agree with our adapter's signer, the sign on the URL the adapter really
builds, and the sandbox's verifier (MARKETPLACES.md §1.1, §7).

`pyshopee2` imports selenium at module import (not installed, and not wanted): it runs
in a subprocess that puts empty `selenium`/`selenium.webdriver` modules into
`sys.modules` first, so nothing of selenium is needed and nothing leaks into this process.
"""

from __future__ import annotations

import asyncio
import importlib.util
import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from sandbox.shopee import signing as sandbox_signing
from services.common.platforms import Platform
from services.sync.adapters.base import ShopAuth, TokenPair
from services.sync.adapters.shopee import client as client_module
from services.sync.adapters.shopee.client import ShopeeClient
from services.sync.adapters.shopee.signing import api_sign, public_base_string, shop_base_string
from tests.support.isolated import run_isolated

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("pyshopee2") is None, reason="pyshopee (dev extra) not installed"
)

# What pyshopee2 computes for each case: shop sign, public sign (two spellings), the
# auth_partner link's sign, and whether the selenium it imported was our stub.
_PYSHOPEE = """
import json, sys, types
selenium = types.ModuleType("selenium")
selenium.webdriver = types.ModuleType("selenium.webdriver")
sys.modules["selenium"] = selenium
sys.modules["selenium.webdriver"] = selenium.webdriver
from pyshopee2 import Client
out = []
for case in json.load(sys.stdin):
    client = Client(case["shop_id"], case["partner_id"], case["partner_key"],
                    "https://example.invalid/callback", access_token=case["access_token"])
    out.append({
        "shop": client._api_sign(case["path"], case["timestamp"]),
        "public": client._api_short_sign(case["path"], case["timestamp"]),
        "public_sign": client._sign(case["path"], case["timestamp"]),
        "auth_partner": client._sign("/api/v2/shop/auth_partner", case["timestamp"]),
    })
print(json.dumps({"signs": out, "stub": sys.modules["selenium"] is selenium}))
"""

CASES: list[dict[str, Any]] = [
    # The official example's base-string parts (§1.1); the guide gives no key.
    {
        "partner_id": 2001887,
        "partner_key": "4d6a6b6c6e6f70717273747576777879",
        "shop_id": 14701711,
        "access_token": "59777174636562737266615546704c6d",
        "path": "/api/v2/shop/get_shop_info",
        "timestamp": 1655714431,
    },
    {
        "partner_id": 1000123,
        "partner_key": "shpk-7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d",
        "shop_id": 220011,
        "access_token": "tok-ÅÄÖ-unicode",
        "path": "/api/v2/product/update_stock",
        "timestamp": 1732170000,
    },
    {
        "partner_id": 1,
        "partner_key": "k",
        "shop_id": 9,
        "access_token": "",
        "path": "/api/v2/auth/access_token/get",
        "timestamp": 1700000000,
    },
]


def _pyshopee_signs() -> list[dict[str, str]]:
    answer = run_isolated(_PYSHOPEE, CASES)
    assert answer["stub"] is True
    signs: list[dict[str, str]] = answer["signs"]
    assert len(signs) == len(CASES)
    return signs


@pytest.fixture(scope="module")
def theirs() -> list[dict[str, str]]:
    return _pyshopee_signs()


def test_shop_sign_agrees_with_the_adapter_and_the_sandbox(theirs: list[dict[str, str]]) -> None:
    for case, signs in zip(CASES, theirs, strict=True):
        key = str(case["partner_key"])
        ours = api_sign(
            key,
            shop_base_string(
                case["partner_id"],
                case["path"],
                case["timestamp"],
                case["access_token"],
                case["shop_id"],
            ),
        )
        assert ours == signs["shop"]
        # The sandbox reads every part back from the query string, as text.
        base = sandbox_signing.base_string(
            str(case["partner_id"]),
            str(case["path"]),
            str(case["timestamp"]),
            str(case["access_token"]),
            str(case["shop_id"]),
        )
        assert sandbox_signing.verify(key, base, signs["shop"])
        assert not sandbox_signing.verify(key, base, signs["public"])


def test_public_sign_agrees_with_the_adapter_and_the_sandbox(
    theirs: list[dict[str, str]],
) -> None:
    for case, signs in zip(CASES, theirs, strict=True):
        key = str(case["partner_key"])
        assert signs["public"] == signs["public_sign"]
        base = public_base_string(case["partner_id"], case["path"], case["timestamp"])
        assert api_sign(key, base) == signs["public"]
        sandbox_base = sandbox_signing.base_string(
            str(case["partner_id"]), str(case["path"]), str(case["timestamp"])
        )
        assert sandbox_signing.verify(key, sandbox_base, signs["public"])


def test_the_adapters_signed_url_carries_pyshopees_sign(
    theirs: list[dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The query the adapter sends (partner_id, timestamp, access_token, shop_id, sign)."""
    client = ShopeeClient("http://shopee.invalid")
    try:
        for case, signs in zip(CASES, theirs, strict=True):
            shop = ShopAuth(
                Platform.SHOPEE,
                str(case["shop_id"]),
                {"partner_id": str(case["partner_id"]), "partner_key": str(case["partner_key"])},
                TokenPair(str(case["access_token"]), "refresh", datetime.now(UTC)),
            )
            monkeypatch.setattr(time, "time", lambda c=case: float(c["timestamp"]))
            for shop_api, expected in ((True, signs["shop"]), (False, signs["public"])):
                query = client.signed_query(shop, str(case["path"]), shop_api=shop_api)
                sent = {k: v[0] for k, v in parse_qs(query, keep_blank_values=True).items()}
                assert sent["sign"] == expected
                assert sent["timestamp"] == str(case["timestamp"])
                assert sent["partner_id"] == str(case["partner_id"])
                if shop_api:
                    assert sent["shop_id"] == str(case["shop_id"])
                    assert sent["access_token"] == case["access_token"]
                else:
                    assert "access_token" not in sent and "shop_id" not in sent
    finally:
        asyncio.run(client.aclose())


def test_authorization_url_is_signed_like_pyshopee(
    theirs: list[dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`auth_partner` uses the public base string, as pyshopee2's `auth_url` does."""
    case = CASES[0]
    client = ShopeeClient("http://shopee.invalid")
    shop = ShopAuth(
        Platform.SHOPEE,
        str(case["shop_id"]),
        {"partner_id": str(case["partner_id"]), "partner_key": str(case["partner_key"])},
    )
    monkeypatch.setattr(time, "time", lambda: float(case["timestamp"]))
    try:
        url = client.authorization_url(shop, "https://example.invalid/callback", "st")
    finally:
        asyncio.run(client.aclose())
    query = parse_qs(urlsplit(url).query)
    expected = api_sign(
        str(case["partner_key"]),
        public_base_string(case["partner_id"], client_module.PATH_AUTH_PARTNER, case["timestamp"]),
    )
    assert query["sign"] == [expected] == [theirs[0]["auth_partner"]]
    assert query["partner_id"] == [str(case["partner_id"])]
    assert query["timestamp"] == [str(case["timestamp"])]
