"""TikTok Shop request signature check, written from MARKETPLACES.md §2.1.

sign = lowercase hex HMAC-SHA256(app_secret, app_secret + path + sorted {k}{v} of the
query (without `sign` and `access_token`) + raw body bytes (unless multipart) +
app_secret). `path` is the platform's own path, without the sandbox's "/tiktok"
prefix. The body is the exact bytes received, never a re-serialisation.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable

TIMESTAMP_PAST_SECONDS = 300  # now − 5 min
TIMESTAMP_FUTURE_SECONDS = 30  # now + 30 s


def base_string(
    app_secret: str, path: str, query: Iterable[tuple[str, str]], body: bytes, content_type: str
) -> str:
    pairs = sorted((k, v) for k, v in query if k not in ("sign", "access_token"))
    text = app_secret + path + "".join(k + v for k, v in pairs)
    if not content_type.lower().startswith("multipart/form-data"):
        text += body.decode("utf-8", errors="replace")
    return text + app_secret


def expected(app_secret: str, base: str) -> str:
    return hmac.new(app_secret.encode(), base.encode(), hashlib.sha256).hexdigest()


def verify(app_secret: str, base: str, given: str) -> bool:
    return hmac.compare_digest(expected(app_secret, base), given)


def timestamp_ok(timestamp: int, now: float) -> bool:
    return now - TIMESTAMP_PAST_SECONDS <= timestamp <= now + TIMESTAMP_FUTURE_SECONDS
