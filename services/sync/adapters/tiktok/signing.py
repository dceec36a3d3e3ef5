"""TikTok Shop Partner API request signing, 202309+ (MARKETPLACES.md §2.1).

  string = app_secret + path + Σ sorted(key + value) + body + app_secret
  sign   = lowercase hex HMAC-SHA256(key=app_secret, msg=string)

- every query parameter except `sign` and `access_token`, keys sorted, `{key}{value}`
  with the decoded values the server receives;
- `path` is the platform's own path ("/product/202309/products"), never a prefix;
- the body is the raw bytes sent, appended unless the request is multipart/form-data;
- the timestamp is Unix seconds, accepted in [now − 5 min, now + 30 s].
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable

EXCLUDED = frozenset({"sign", "access_token"})


def string_to_sign(
    app_secret: str,
    path: str,
    query: Iterable[tuple[str, str]],
    body: bytes = b"",
    *,
    multipart: bool = False,
) -> str:
    pairs = sorted((k, v) for k, v in query if k not in EXCLUDED)
    joined = "".join(f"{k}{v}" for k, v in pairs)
    payload = "" if multipart else body.decode("utf-8")
    return f"{app_secret}{path}{joined}{payload}{app_secret}"


def sign(
    app_secret: str,
    path: str,
    query: Iterable[tuple[str, str]],
    body: bytes = b"",
    *,
    multipart: bool = False,
) -> str:
    text = string_to_sign(app_secret, path, query, body, multipart=multipart)
    return hmac.new(app_secret.encode(), text.encode(), hashlib.sha256).hexdigest()
