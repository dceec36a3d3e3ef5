"""TikTok Shop signing: TikTok's official test vector (MARKETPLACES.md §2.1) against our
adapter's signer, the sandbox's verifier and, when installed, `tiktok-shop-api`'s
`Signer` (run in a subprocess: importing it loads its generated operation tables)."""

from __future__ import annotations

import importlib.util
from typing import Any

import pytest

from sandbox.tiktok import signing as sandbox_signing
from services.sync.adapters.tiktok.signing import sign, string_to_sign
from tests.support.isolated import run_isolated

SECRET = "e59af819cc"
PATH = "/authorization/202309/shops"
QUERY = [("app_key", "29a39d"), ("timestamp", "1623812664")]
WRAPPED = "e59af819cc/authorization/202309/shopsapp_key29a39dtimestamp1623812664e59af819cc"
OFFICIAL_SIGN = "b596b73e0cc6de07ac26f036364178ab16b0a907af13d43f0a0cd2345f582dc8"


def test_adapter_signer_reproduces_the_official_vector() -> None:
    assert string_to_sign(SECRET, PATH, QUERY) == WRAPPED
    ours = sign(SECRET, PATH, QUERY)
    assert ours == OFFICIAL_SIGN
    assert ours.startswith("b596b73e") and ours.endswith("582dc8")


def test_sign_and_access_token_are_excluded_and_keys_sorted() -> None:
    noisy = [("timestamp", "1623812664"), ("sign", "x"), ("access_token", "t"), *QUERY[:1]]
    assert sign(SECRET, PATH, noisy) == OFFICIAL_SIGN


def test_body_is_appended_unless_multipart() -> None:
    body = b'{"a":1}'
    assert string_to_sign(SECRET, PATH, QUERY, body) == WRAPPED.replace(
        "1623812664e59", '1623812664{"a":1}e59'
    )
    assert sign(SECRET, PATH, QUERY, body, multipart=True) == OFFICIAL_SIGN
    assert sign(SECRET, PATH, QUERY, body) != OFFICIAL_SIGN


def test_sandbox_verifier_accepts_the_official_vector() -> None:
    base = sandbox_signing.base_string(SECRET, PATH, QUERY, b"", "")
    assert base == WRAPPED
    assert sandbox_signing.verify(SECRET, base, OFFICIAL_SIGN)
    assert not sandbox_signing.verify(SECRET, base, OFFICIAL_SIGN.upper())
    prefixed = sandbox_signing.base_string(SECRET, "/tiktok" + PATH, QUERY, b"", "")
    assert not sandbox_signing.verify(SECRET, prefixed, OFFICIAL_SIGN)
    body = b'{"skus":[]}'
    with_body = sandbox_signing.base_string(SECRET, PATH, QUERY, body, "application/json")
    assert sandbox_signing.verify(SECRET, with_body, sign(SECRET, PATH, QUERY, body))


def test_sandbox_timestamp_window() -> None:
    now = 1_700_000_000.0
    assert sandbox_signing.timestamp_ok(int(now) - 300, now)
    assert not sandbox_signing.timestamp_ok(int(now) - 301, now)
    assert sandbox_signing.timestamp_ok(int(now) + 30, now)
    assert not sandbox_signing.timestamp_ok(int(now) + 31, now)


_CROSS_CHECK = """
import json, sys
from tiktok_shop_api.signing import Signer
out = []
for case in json.loads(sys.stdin.read()):
    out.append(Signer.sign(path=case["path"], query=[tuple(p) for p in case["query"]],
                           content_type=case["content_type"], body=case["body"].encode(),
                           app_secret=case["secret"]))
print(json.dumps(out))
"""


@pytest.mark.skipif(
    importlib.util.find_spec("tiktok_shop_api") is None, reason="tiktok-shop-api not installed"
)
def test_tiktok_shop_api_signer_agrees() -> None:
    cases: list[dict[str, Any]] = [
        {"secret": SECRET, "path": PATH, "query": QUERY, "body": "", "content_type": None},
        {
            "secret": "s3cr3t",
            "path": "/product/202309/products/17/inventory/update",
            "query": [("timestamp", "1700000000"), ("app_key", "k"), ("shop_cipher", "ROW_x")],
            "body": '{"skus":[{"id":"1","inventory":[{"warehouse_id":"7","quantity":5}]}]}',
            "content_type": "application/json",
        },
    ]
    theirs = run_isolated(_CROSS_CHECK, cases)
    assert theirs[0] == OFFICIAL_SIGN
    for case, expected in zip(cases, theirs, strict=True):
        query = [(str(k), str(v)) for k, v in case["query"]]
        body = str(case["body"]).encode()
        assert sign(str(case["secret"]), str(case["path"]), query, body) == expected
        base = sandbox_signing.base_string(
            str(case["secret"]), str(case["path"]), query, body, "application/json"
        )
        assert sandbox_signing.verify(str(case["secret"]), base, expected)
