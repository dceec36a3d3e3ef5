"""A sandbox shop's credentials (`POST /_sandbox/<platform>/shops`'s answer) as the
`ShopAuth` the SEA marketplace adapters take: Shopee, TikTok Shop, Lazada, Tokopedia."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from services.common.platforms import Platform
from services.sync.adapters.base import ShopAuth, TokenPair


def shopee_auth(c: Mapping[str, Any], rate_limit: float, **app: str) -> ShopAuth:
    """`app` adds to the partner id and key (e.g. `currency="SGD"`)."""
    return ShopAuth(
        platform=Platform.SHOPEE,
        shop_id=str(c["shop_id"]),
        app={"partner_id": str(c["partner_id"]), "partner_key": c["partner_key"], **app},
        tokens=TokenPair(
            c["access_token"],
            c["refresh_token"],
            datetime.now(UTC) + timedelta(seconds=c["expire_in"]),
        ),
        rate_limit=rate_limit,
    )


def tiktok_auth(c: Mapping[str, Any], rate_limit: float, *, cipher: bool = True) -> ShopAuth:
    """Without `cipher` the adapter has to ask /authorization/202309/shops for it."""
    names = ["app_key", "app_secret", "currency", "region", "warehouse_id"]
    app = {k: str(c[k]) for k in names + (["shop_cipher"] if cipher else [])}
    expires = datetime.fromtimestamp(c["access_token_expire_in"], UTC)
    tokens = TokenPair(c["access_token"], c["refresh_token"], expires)
    return ShopAuth(Platform.TIKTOK_SHOP, str(c["shop_id"]), app, tokens, rate_limit)


def lazada_auth(c: Mapping[str, Any], rate_limit: float) -> ShopAuth:
    return ShopAuth(
        platform=Platform.LAZADA,
        shop_id=c["seller_id"],
        app={"app_key": c["app_key"], "app_secret": c["app_secret"], "currency": "SGD"},
        tokens=TokenPair(
            c["access_token"],
            c["refresh_token"],
            datetime.now(UTC) + timedelta(seconds=c["expires_in"]),
        ),
        rate_limit=rate_limit,
    )


def tokopedia_auth(c: Mapping[str, Any], rate_limit: float) -> ShopAuth:
    app = {k: str(c[k]) for k in ("client_id", "client_secret", "fs_id")}
    return ShopAuth(Platform.TOKOPEDIA, str(c["shop_id"]), app, rate_limit=rate_limit)
