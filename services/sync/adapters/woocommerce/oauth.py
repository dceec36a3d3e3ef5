"""WooCommerce request authentication: OAuth 1.0a one-legged over HTTP, Basic over HTTPS.

As WooCommerce core verifies it (MARKETPLACES.md §6, `class-wc-rest-authentication.php`):
- base string = `METHOD&rawurlencode(full URL without query)&` + the parameters (query
  plus oauth_*, without oauth_signature) sorted by name with strcmp, each pair
  RFC 3986-encoded as `enc(k)=enc(v)` and that string encoded once more, joined by `%26`.
  The URL is the whole site URL, so a site under a prefix (`/woocommerce`) signs it too.
- key = consumer_secret + "&" (no token secret); HMAC-SHA256; base64.
- `oauth_timestamp` in seconds (±15 min accepted), `oauth_nonce` unique within 15 min.
We always sign with HMAC-SHA256 (core also accepts HMAC-SHA1; the `woocommerce` PyPI
client uses SHA-256 too). Parameters go in the query string, as core's docs and
clients do. Over https core reads HTTP Basic `consumer_key:consumer_secret` instead.
Secrets never leave this module except inside the signature or the Basic header.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from collections.abc import Callable, Iterable
from urllib.parse import quote

SIGNATURE_METHOD = "HMAC-SHA256"


def rfc3986(value: str) -> str:
    """PHP `rawurlencode`: everything but unreserved characters percent-encoded."""
    return quote(value, safe="-._~")


def base_string(method: str, url: str, params: Iterable[tuple[str, str]]) -> str:
    """The string WooCommerce signs (`params` without oauth_signature)."""
    # Core sorts the raw names (strcmp on a PHP array: one value per name, last wins).
    unique = dict(params)
    pairs = [rfc3986(f"{rfc3986(k)}={rfc3986(unique[k])}") for k in sorted(unique)]
    return f"{method.upper()}&{rfc3986(url)}&{'%26'.join(pairs)}"


def signature(
    consumer_secret: str, method: str, url: str, params: Iterable[tuple[str, str]]
) -> str:
    """base64(HMAC-SHA256(consumer_secret + "&", base string))."""
    digest = hmac.new(
        f"{consumer_secret}&".encode(),
        base_string(method, url, params).encode(),
        hashlib.sha256,
    ).digest()
    return base64.b64encode(digest).decode()


def new_nonce() -> str:
    """32 alphanumeric characters, as core's docblock describes the nonce."""
    return secrets.token_hex(16)


def signed_query(
    method: str,
    url: str,
    query: Iterable[tuple[str, str]],
    consumer_key: str,
    consumer_secret: str,
    *,
    clock: Callable[[], float] = time.time,
    nonce: Callable[[], str] = new_nonce,
) -> str:
    """The query string with the oauth_* parameters and signature appended."""
    params = [(k, str(v)) for k, v in query]
    params += [
        ("oauth_consumer_key", consumer_key),
        ("oauth_timestamp", str(int(clock()))),
        ("oauth_nonce", nonce()),
        ("oauth_signature_method", SIGNATURE_METHOD),
    ]
    params.append(("oauth_signature", signature(consumer_secret, method, url, params)))
    return "&".join(f"{rfc3986(k)}={rfc3986(v)}" for k, v in params)


def basic_header(consumer_key: str, consumer_secret: str) -> str:
    """`Authorization` value for https sites (core checks the secret with hash_equals)."""
    raw = f"{consumer_key}:{consumer_secret}".encode()
    return "Basic " + base64.b64encode(raw).decode()
