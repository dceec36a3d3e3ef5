"""Webhook verifiers of the Shopee, TikTok Shop, Lazada and Tokopedia adapters.

Every expected signature here is computed with the stdlib from MARKETPLACES.md (§1.5
Shopee `url|body`, §2.5 / §8.1 TikTok Shop and §4.4 Lazada `app_key + body`, §3
Tokopedia the body; all hex HMAC-SHA256), not with the adapters' own signers. Cross-checks
against code we did not write: `tiktok_shop_api.webhooks.Webhooks.verify` and pyshopee's
v1 `Client._sign(url, body)` (the same `url|body` shape), each in a child interpreter
(§7: import side effects).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pytest

from services.sync.adapters.lazada import webhooks as lazada
from services.sync.adapters.shopee import webhooks as shopee
from services.sync.adapters.tiktok import webhooks as tiktok
from services.sync.adapters.tokopedia import webhooks as tokopedia
from services.sync.adapters.webhook_signatures import header, verify_hex
from tests.support.isolated import run_isolated

Creds = Mapping[str, str]
CALLBACK = "https://hooks.example.com/shopee/push?env=prod"
BODY = (
    b'{"shop_id": 123, "code": 3, "timestamp": 1470198856, "data": '
    b'{"items": [], "ordersn": "220810QSK8S7BX", "status": "PROCESSED"}}'
)


def _hex(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Platform:
    name: str
    header: str
    creds: Creds
    # Secrets (or signed parts) that must not verify: each replaces one credential.
    wrong: tuple[Creds, ...]
    expected: Callable[[Creds, bytes], str]  # §-documented signature, stdlib only
    sign: Callable[[Creds, bytes], str]  # the adapter module's signer
    verify: Callable[[Creds, Mapping[str, str], bytes], bool]
    any_case: bool = False


SHOPEE = Platform(
    "shopee",
    "Authorization",
    {"partner_key": "4d6a6b6c6e6f7071", "url": CALLBACK},
    (
        {"partner_key": "4d6a6b6c6e6f7072", "url": CALLBACK},
        {"partner_key": "4d6a6b6c6e6f7071", "url": CALLBACK.replace("https", "http")},
        {"partner_key": "4d6a6b6c6e6f7071", "url": CALLBACK + "&x=1"},
    ),
    lambda c, body: _hex(c["partner_key"], c["url"].encode() + b"|" + body),
    lambda c, body: shopee.sign(c["partner_key"], c["url"], body),
    lambda c, h, body: shopee.verify(c["partner_key"], c["url"], h, body),
)
TIKTOK = Platform(
    "tiktok",
    "Authorization",
    {"app_key": "29a39d", "app_secret": "e59af819cc"},
    (
        {"app_key": "29a39d", "app_secret": "e59af819cd"},
        {"app_key": "29a39e", "app_secret": "e59af819cc"},
    ),
    lambda c, body: _hex(c["app_secret"], c["app_key"].encode() + body),
    lambda c, body: tiktok.sign(c["app_key"], c["app_secret"], body),
    lambda c, h, body: tiktok.verify(c["app_key"], c["app_secret"], h, body),
)
LAZADA = Platform(
    "lazada",
    "Authorization",
    {"app_key": "123456", "app_secret": "3412gyo124goi3124"},
    (
        {"app_key": "123456", "app_secret": "3412gyo124goi3125"},
        {"app_key": "123457", "app_secret": "3412gyo124goi3124"},
    ),
    lambda c, body: _hex(c["app_secret"], c["app_key"].encode() + body),
    lambda c, body: lazada.sign(c["app_key"], c["app_secret"], body),
    lambda c, h, body: lazada.verify(c["app_key"], c["app_secret"], h, body),
)
TOKOPEDIA = Platform(
    "tokopedia",
    "Authorization-Hmac",
    {"webhook_secret": "whsec-1"},
    ({"webhook_secret": "whsec-2"},),
    lambda c, body: _hex(c["webhook_secret"], body),
    lambda c, body: tokopedia.sign(c["webhook_secret"], body),
    lambda c, h, body: tokopedia.verify(c["webhook_secret"], h, body),
    any_case=True,  # §3 says "hex" and no case
)
PLATFORMS = [SHOPEE, TIKTOK, LAZADA, TOKOPEDIA]
by_name = pytest.mark.parametrize("p", PLATFORMS, ids=[p.name for p in PLATFORMS])


@by_name
def test_the_documented_signature_verifies(p: Platform) -> None:
    signature = p.expected(p.creds, BODY)
    assert p.sign(p.creds, BODY) == signature
    assert p.verify(p.creds, {p.header: signature}, BODY)
    # Header names are case-insensitive (ASGI servers hand them over in lowercase).
    assert p.verify(p.creds, {p.header.lower(): signature, "content-type": "x"}, BODY)
    assert p.verify(p.creds, {p.header.upper(): signature}, BODY)


@by_name
def test_a_wrong_signature_is_refused(p: Platform) -> None:
    signature = p.expected(p.creds, BODY)
    flipped = signature[:-1] + ("0" if signature[-1] != "0" else "1")
    other_body = p.expected(p.creds, BODY + b"\n")
    for given in (flipped, other_body, signature[:-2], signature + "00", "", "  "):
        assert not p.verify(p.creds, {p.header: given}, BODY), given
    assert not p.verify(p.creds, {}, BODY)
    assert not p.verify(p.creds, {"X-Other": signature}, BODY)
    assert not p.verify(p.creds, {p.header: "SHA256 " + signature}, BODY)
    assert not p.verify(p.creds, {p.header: "Bearer " + signature}, BODY)
    assert not p.verify(p.creds, {p.header: "é" * 64}, BODY)  # non-ASCII: no TypeError


@by_name
def test_a_tampered_body_is_refused(p: Platform) -> None:
    headers = {p.header: p.expected(p.creds, BODY)}
    tampered = BODY.replace(b"PROCESSED", b"CANCELLED")
    # Re-serialising the JSON changes the bytes: the guides warn against it (§1.5).
    reserialised = json.dumps(json.loads(BODY), separators=(",", ":")).encode()
    for body in (tampered, BODY + b" ", BODY[:-1], reserialised, b""):
        assert not p.verify(p.creds, headers, body), body


@by_name
def test_a_wrong_key_is_refused(p: Platform) -> None:
    headers = {p.header: p.expected(p.creds, BODY)}
    for creds in p.wrong:
        assert not p.verify(creds, headers, BODY), creds
        assert p.verify(creds, {p.header: p.expected(creds, BODY)}, BODY)


@by_name
def test_hex_case_as_documented(p: Platform) -> None:
    """Lowercase only where the platform documents lowercase; Tokopedia leaves it open."""
    upper = p.expected(p.creds, BODY).upper()
    assert p.verify(p.creds, {p.header: upper}, BODY) is p.any_case


def test_the_shared_helper() -> None:
    assert header({"AUTHORIZATION": "a", "x": "b"}, "authorization") == "a"
    assert header({}, "Authorization") == ""
    signature = _hex("k", b"m")
    assert verify_hex("k", b"m", {"Sig": signature}, "sig")
    assert not verify_hex("k", b"m", {"Sig": signature.upper()}, "sig")
    assert verify_hex("k", b"m", {"Sig": signature.upper()}, "sig", any_case=True)
    assert not verify_hex("k", b"n", {"Sig": signature}, "sig", any_case=True)


_TIKTOK_SDK = """
import json, sys
from tiktok_shop_api.webhooks import Webhooks
print(json.dumps([
    Webhooks.verify(app_key=c["app_key"], app_secret=c["app_secret"],
                    raw_body=c["body"].encode(), signature=c["signature"])
    for c in json.load(sys.stdin)
]))
"""


def _tiktok_cases() -> list[dict[str, Any]]:
    good = _hex("e59af819cc", b"29a39d" + BODY)
    cases = [
        ("29a39d", "e59af819cc", BODY, good),
        ("29a39d", "e59af819cc", BODY, good.upper()),
        ("29a39d", "e59af819cc", BODY, ""),
        ("29a39d", "e59af819cc", BODY + b" ", good),
        ("29a39d", "wrong", BODY, good),
        ("other", "e59af819cc", BODY, good),
        ("29a39d", "e59af819cc", BODY, good[:-1]),
        ("29a39d", "e59af819cc", b"", _hex("e59af819cc", b"29a39d")),
    ]
    return [
        {"app_key": k, "app_secret": s, "body": b.decode(), "signature": sig}
        for k, s, b, sig in cases
    ]


def test_tiktok_agrees_with_tiktok_shop_api() -> None:
    cases = _tiktok_cases()
    theirs = run_isolated(_TIKTOK_SDK, cases)
    ours = []
    for c in cases:
        headers = {"Authorization": c["signature"]}
        ours.append(tiktok.verify(c["app_key"], c["app_secret"], headers, c["body"].encode()))
    assert ours == theirs
    assert ours == [True, False, False, False, False, False, False, True]


# pyshopee v1's request signer is `url + "|" + json.dumps(body)`, the shape of v2 push
# verification (§7). The `pyshopee` package cannot be imported (pyshopee/item.py has an
# IndentationError in 1.4.0), so the child takes `Client._sign` out of pyshopee/client.py
# unchanged and runs it with the modules that file imports for it (json, hmac, hashlib).
_PYSHOPEE_V1 = """
import ast, hashlib, hmac, importlib.util, json, os, sys
spec = importlib.util.find_spec("pyshopee")  # finds the package without importing it
path = os.path.join(spec.submodule_search_locations[0], "client.py")
tree = ast.parse(open(path, encoding="utf-8").read())
client = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Client")
client.body = [n for n in client.body if isinstance(n, ast.FunctionDef) and n.name == "_sign"]
client.bases, client.keywords, client.decorator_list = [], [], []
scope = {"json": json, "hmac": hmac, "hashlib": hashlib}
exec(compile(ast.Module([client], []), path, "exec"), scope)
out = []
for c in json.load(sys.stdin):
    signer = scope["Client"]()
    signer.secret_key = c["partner_key"]
    out.append(signer._sign(c["url"], c["body"]))
print(json.dumps(out))
"""


def test_shopee_agrees_with_pyshopee_url_pipe_body() -> None:
    objects: list[Any] = [
        json.loads(BODY),
        {"shop_id": 727720655, "code": 3, "timestamp": 1660123127, "data": {"items": []}},
        {"code": 8, "shop_id": 1, "data": {"item_id": 9, "note": "ünïcode"}},
    ]
    cases: list[dict[str, Any]] = [
        {"partner_key": key, "url": url, "body": obj}
        for key, url in (("k1", CALLBACK), ("another-key", "http://www.example.com/example/uri"))
        for obj in objects
    ]
    theirs = run_isolated(_PYSHOPEE_V1, cases)
    for case, signature in zip(cases, theirs, strict=True):
        raw = json.dumps(case["body"]).encode()  # the bytes pyshopee signed
        assert shopee.sign(case["partner_key"], case["url"], raw) == signature
        headers = {"Authorization": signature}
        assert shopee.verify(case["partner_key"], case["url"], headers, raw)
        assert not shopee.verify(case["partner_key"], case["url"] + "/", headers, raw)
