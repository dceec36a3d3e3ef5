"""WooCommerce webhook deliveries from the sandbox (`WC_Webhook::deliver`, §6 and §8.7).

- Body `trim(wp_json_encode(payload))`: PHP's json_encode escapes "/" and non-ASCII, and
  the signature covers those bytes as sent.
- Headers: `X-WC-Webhook-Source` (home_url('/')), `-Topic`, `-Resource`, `-Event`,
  `-Signature` (base64 HMAC-SHA256 of the body with the webhook secret), `-ID`,
  `-Delivery-ID` = wp_hash(webhook_id . time()) (HMAC-MD5 with a site salt, hex; ⚠ one-
  second resolution, so two deliveries of a webhook in one second share it, as core).
- No retries; success is 200-302; 60 s timeout; redirects are not followed. After a
  failure core disables the webhook once its failure_count is already above 5, i.e.
  on the 7th consecutive failure (§8.7); a success resets the count.
⚠ Each topic is its own webhook in core (own id, own failure count); the sandbox
gives each topic its own id but, as for every platform here, one registration URL and
one failure count per shop. Core's creation ping (`webhook_id=<id>`, form-encoded) is
not sent.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

from sandbox import webhooks
from sandbox.state import Shop

USER_AGENT = "WooCommerce/9.4.0 Hookshot (WordPress/6.7.1)"
TOPICS = ("order.created", "order.updated", "product.updated")
POLICY = webhooks.RetryPolicy(
    delays=(),
    ack_timeout=60.0,
    received=lambda status: 200 <= status < 303,
    disable_after_failures=7,
)


def wp_json_encode(payload: Any) -> bytes:
    return json.dumps(payload, separators=(",", ":")).replace("/", "\\/").strip().encode()


def sign(secret: str, body: bytes) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def delivery_id(salt: str, webhook_id: int) -> str:
    return hmac.new(salt.encode(), f"{webhook_id}{int(time.time())}".encode(), "md5").hexdigest()


def deliver(shop: Shop, topic: str, payload: dict[str, Any]) -> None:
    """Queue one delivery of `topic` (e.g. "order.created") to the shop's URL."""
    creds = shop.credentials
    webhook_id = int(creds[f"webhook_id:{topic}"])
    resource, _, event = topic.partition(".")
    body = wp_json_encode(payload)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-WC-Webhook-Source": creds["home_url"] + "/",
        "X-WC-Webhook-Topic": topic,
        "X-WC-Webhook-Resource": resource,
        "X-WC-Webhook-Event": event,
        "X-WC-Webhook-Signature": sign(creds["webhook_secret"], body),
        "X-WC-Webhook-ID": str(webhook_id),
        "X-WC-Webhook-Delivery-ID": delivery_id(creds["site_salt"], webhook_id),
    }
    webhooks.send(shop, body, headers, POLICY, topic=topic)
