from __future__ import annotations

import pytest

from services.common.errors import InvalidArgument
from services.common.logging import REDACTED, redact_secrets, redact_text
from services.common.paging import decode_page_token, encode_page_token


def test_secret_keys_and_text_are_redacted() -> None:
    event = redact_secrets(
        None,
        "info",
        {
            "event": "call",
            "authorization": "Bearer abc",
            "client_secret": "s3cret",
            "url": "https://x/api?access_token=abc123&shop_id=1",
            "nested": {"refresh_token": "r", "ok": "fine"},
            "detail": "header was Bearer xyz",
            "assigned": "keeps",
        },
    )
    assert event["authorization"] == REDACTED and event["client_secret"] == REDACTED
    assert "abc123" not in event["url"] and "shop_id=1" in event["url"]
    assert event["nested"] == {"refresh_token": REDACTED, "ok": "fine"}
    assert "xyz" not in event["detail"]
    assert event["assigned"] == "keeps"


def test_redact_text_keeps_the_rest() -> None:
    assert redact_text("sign=deadbeef&timestamp=1") == f"sign={REDACTED}&timestamp=1"


def test_page_tokens_round_trip_and_are_bound_to_their_query() -> None:
    token = encode_page_token(40, "abcdef0123456789ff")
    assert decode_page_token(token, "abcdef0123456789ff") == 40
    assert decode_page_token("", "anything") == 0
    with pytest.raises(InvalidArgument):
        decode_page_token(token, "another-query-fingerprint")
    with pytest.raises(InvalidArgument):
        decode_page_token("%%%", "abcdef0123456789ff")
