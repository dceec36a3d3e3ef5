from __future__ import annotations

import pytest

from services.common.auth import Principal, Role
from services.common.errors import InvalidArgument
from services.common.logging import REDACTED, add_request_context, redact_secrets, redact_text
from services.common.paging import decode_page_token, encode_page_token
from services.common.request_context import RequestContext, set_request_context


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
    # The quick path (no "=" and no "bearer") must not miss a token in capitals.
    assert redact_text("sent BEARER q1w2e3 upstream") == f"sent BEARER {REDACTED} upstream"
    assert redact_text("plain words, no secrets") == "plain words, no secrets"


def test_log_lines_name_the_request_being_served() -> None:
    set_request_context(None)
    assert add_request_context(None, "info", {"event": "idle"}) == {"event": "idle"}
    caller = Principal("tenant-a", Role.OPERATOR, "ops")
    set_request_context(RequestContext("req-1", "corr-1", "/svc/Reserve", caller))
    try:
        event = add_request_context(None, "info", {"event": "x", "rpc": "kept"})
    finally:
        set_request_context(None)
    assert event == {
        "event": "x",
        "request_id": "req-1",
        "correlation_id": "corr-1",
        "rpc": "kept",  # a key the line sets itself wins
        "tenant": "tenant-a",
    }


def test_page_tokens_round_trip_and_are_bound_to_their_query() -> None:
    token = encode_page_token(40, "abcdef0123456789ff")
    assert decode_page_token(token, "abcdef0123456789ff") == 40
    assert decode_page_token("", "anything") == 0
    with pytest.raises(InvalidArgument):
        decode_page_token(token, "another-query-fingerprint")
    with pytest.raises(InvalidArgument):
        decode_page_token("%%%", "abcdef0123456789ff")
