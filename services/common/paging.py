"""Opaque page tokens bound to the query they were issued for."""

from __future__ import annotations

import base64
import binascii
import json

from services.common.errors import InvalidArgument


def encode_page_token(offset: int, query_fingerprint: str) -> str:
    raw = json.dumps({"o": offset, "q": query_fingerprint[:16]}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_page_token(token: str, query_fingerprint: str, field: str = "page_token") -> int:
    """Offset of a token; INVALID_ARGUMENT when malformed or issued for another query."""
    if not token:
        return 0
    try:
        padded = token + "=" * (-len(token) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        offset = int(data["o"])
        issued_for = str(data["q"])
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise InvalidArgument.single(field, "malformed page token") from None
    if offset < 0 or issued_for != query_fingerprint[:16]:
        raise InvalidArgument.single(field, "page token does not belong to this query")
    return offset
