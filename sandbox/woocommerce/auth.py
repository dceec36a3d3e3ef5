"""WooCommerce REST authentication as core does it (`class-wc-rest-authentication.php`, §6).

- https (`is_ssl()`): HTTP Basic `consumer_key:consumer_secret`, or the query params
  `consumer_key`/`consumer_secret`. Plain http never takes Basic: core only runs the
  Basic path over SSL, so such a request is simply unauthenticated there.
- http: OAuth 1.0a one-legged. Parameters from the query (and an `Authorization: OAuth`
  header); all five oauth_* are required once any is given. Then: consumer key lookup,
  signature (`check_oauth_signature`), then timestamp and nonce
  (`check_oauth_timestamp_and_nonce`).
- Signature: `METHOD&rawurlencode(home URL + path)&` + the parameters sorted with strcmp,
  each `rawurlencode(rawurlencode(k) . '=' . rawurlencode(v))`, joined by `%26`;
  HMAC-SHA1 or HMAC-SHA256 with key `consumer_secret&`, base64; `hash_equals`.
- Timestamp within ±15 minutes; the nonce must not be among the key's stored nonces.
  Core stores them as `nonces[timestamp] = nonce` and drops entries older than 15
  minutes: faithfully kept here, including that a later nonce with the same timestamp
  replaces an earlier one.
Errors: 401 `woocommerce_rest_authentication_error` (or `..._missing_parameter`).
This is a separate implementation from the adapter's signer on purpose (written from
core's PHP), so the unit cross-checks compare two readings of the protocol.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import quote, unquote

VALID_WINDOW = 15 * 60
OAUTH_PARAMS = (
    "oauth_consumer_key",
    "oauth_timestamp",
    "oauth_nonce",
    "oauth_signature",
    "oauth_signature_method",
)
AUTH_ERROR = "woocommerce_rest_authentication_error"


class AuthError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _fail(message: str, code: str = AUTH_ERROR) -> AuthError:
    return AuthError(code, message)


def wc_rest_urlencode_rfc3986(value: str) -> str:
    """Core's helper: rawurlencode, then '+' -> ' ' and '%7E' -> '~'."""
    return quote(value, safe="-._~").replace("+", " ").replace("%7E", "~")


def string_to_sign(method: str, home_url_path: str, params: Mapping[str, str]) -> str:
    """What check_oauth_signature signs (`params` without oauth_signature)."""
    ordered = sorted(params.items(), key=lambda kv: kv[0].encode())  # strcmp: byte order
    normalized = [(wc_rest_urlencode_rfc3986(k), wc_rest_urlencode_rfc3986(v)) for k, v in ordered]
    joined = [wc_rest_urlencode_rfc3986(f"{k}={v}") for k, v in normalized]
    return f"{method.upper()}&{wc_rest_urlencode_rfc3986(home_url_path)}&{'%26'.join(joined)}"


def expected_signature(
    method: str, url: str, params: Mapping[str, str], consumer_secret: str, algorithm: str
) -> str:
    digest = hmac.new(
        f"{consumer_secret}&".encode(),
        string_to_sign(method, url, params).encode(),
        hashlib.sha1 if algorithm == "HMAC-SHA1" else hashlib.sha256,
    ).digest()
    return base64.b64encode(digest).decode()


def parse_oauth_header(header: str) -> dict[str, str]:
    """Core's parse_header: `OAuth k="v", ...` (values urldecoded)."""
    if not header.startswith("OAuth "):
        return {}
    found = re.findall(r'(oauth_[a-z_-]*)=(:?"([^"]*)"|([^,]*))', header)
    return {name: unquote(quoted or bare) for name, _, quoted, bare in found}


@dataclass
class NonceStore:
    """One API key's `nonces` column: timestamp -> nonce."""

    used: dict[int, str] = field(default_factory=dict)

    def check(self, timestamp_raw: str, nonce: str, now: float) -> None:
        try:
            timestamp = int(timestamp_raw)
        except ValueError:
            timestamp = 0  # PHP compares a non-numeric string as 0: out of the window
        if timestamp < now - VALID_WINDOW or timestamp > now + VALID_WINDOW:
            raise _fail("Invalid timestamp.")
        if nonce in self.used.values():
            raise _fail("Invalid nonce - nonce has already been used.")
        self.used[timestamp] = nonce
        for stamp in [t for t in self.used if t < now - VALID_WINDOW]:
            del self.used[stamp]


@dataclass(frozen=True)
class Key:
    """A REST API key: which shop it opens, and its secret."""

    shop_id: int
    consumer_secret: str


def oauth_params(query: Mapping[str, str], authorization: str) -> dict[str, str]:
    """get_oauth_parameters: query (+ header); {} when no oauth_* is present at all."""
    params = dict(query)
    params.update(parse_oauth_header(authorization.strip()))
    missing = [name for name in OAUTH_PARAMS if not params.get(name)]
    if len(missing) == len(OAUTH_PARAMS):
        return {}
    if missing:
        noun = "parameter" if len(missing) == 1 else "parameters"
        raise _fail(
            f"Missing OAuth {noun} {', '.join(missing)}",
            "woocommerce_rest_authentication_missing_parameter",
        )
    return params


def authenticate_oauth(
    method: str,
    url: str,
    query: Mapping[str, str],
    authorization: str,
    keys: Callable[[str], Key | None],
    nonces: Callable[[str], NonceStore],
    *,
    now: float | None = None,
) -> int | None:
    """The shop id the request authenticates as; None when no OAuth was attempted."""
    params = oauth_params(query, authorization)
    if not params:
        return None
    key = keys(params["oauth_consumer_key"])
    if key is None:
        raise _fail("Consumer key is invalid.")
    given = unquote(params.pop("oauth_signature").replace(" ", "+"))
    method_name = params["oauth_signature_method"]
    if method_name not in ("HMAC-SHA1", "HMAC-SHA256"):
        raise _fail("Invalid signature - signature method is invalid.")
    wanted = expected_signature(method, url, params, key.consumer_secret, method_name)
    if not hmac.compare_digest(wanted.encode(), given.encode()):
        raise _fail("Invalid signature - provided signature does not match.")
    nonces(params["oauth_consumer_key"]).check(
        params["oauth_timestamp"], params["oauth_nonce"], time.time() if now is None else now
    )
    return key.shop_id


def authenticate_basic(
    query: Mapping[str, str], authorization: str, keys: Callable[[str], Key | None]
) -> int | None:
    """perform_basic_authentication (https only): query keys first, then Basic."""
    consumer_key = query.get("consumer_key", "")
    secret = query.get("consumer_secret", "")
    if not (consumer_key and secret):
        scheme, _, encoded = authorization.partition(" ")
        if scheme.lower() == "basic":
            try:
                consumer_key, _, secret = base64.b64decode(encoded).decode().partition(":")
            except (binascii.Error, UnicodeDecodeError):
                consumer_key, secret = "", ""
    if not (consumer_key and secret):
        return None
    key = keys(consumer_key)
    if key is None:
        return None
    if not hmac.compare_digest(key.consumer_secret.encode(), secret.encode()):
        raise _fail("Consumer secret is invalid.")
    return key.shop_id
