"""WooCommerce OAuth 1.0a: our signer and the sandbox's verifier against code we did not
write — the `woocommerce` PyPI client (`woocommerce.oauth.OAuth`) and oauthlib's RFC 5849
client — plus the verifier's refusals (signature, method, missing params, nonce, time)."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import parse_qsl, urlsplit

import pytest

# Third-party cross-check packages without type stubs (dev extra).
from oauthlib.oauth1 import (  # type: ignore[import-untyped]
    SIGNATURE_HMAC_SHA256,
    SIGNATURE_TYPE_QUERY,
    Client,
)
from oauthlib.oauth1.rfc5849 import signature as rfc5849  # type: ignore[import-untyped]
from woocommerce.oauth import OAuth  # type: ignore[import-untyped]

from sandbox.woocommerce import auth as verifier
from services.sync.adapters.woocommerce import oauth as signer

URL = "http://127.0.0.1:8080/woocommerce/wp-json/wc/v3/products"
KEY = "ck_" + "a1" * 20
SECRET = "cs_" + "b2" * 20
NOW = 1_790_000_000
# Values with reserved characters (",", ":", " ", "~", "+"), so the double encoding matters.
QUERY = [
    ("sku", "A-1,B 2~x+y"),
    ("after", "2026-11-21T07:00:00"),
    ("per_page", "100"),
    ("dates_are_gmt", "true"),
]


def _keys(consumer_key: str) -> verifier.Key | None:
    return verifier.Key(7, SECRET) if consumer_key == KEY else None


def _verify(method: str, signed_url: str, now: float = NOW) -> int | None:
    parts = urlsplit(signed_url)
    base = f"{parts.scheme}://{parts.netloc}{parts.path}"
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    store = verifier.NonceStore()
    return verifier.authenticate_oauth(method, base, query, "", _keys, lambda _: store, now=now)


def _ours(method: str = "GET", query: list[tuple[str, str]] = QUERY, nonce: str = "n0nce") -> str:
    signed = signer.signed_query(
        method, URL, query, KEY, SECRET, clock=lambda: NOW, nonce=lambda: nonce
    )
    return f"{URL}?{signed}"


def _params(signed_url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(signed_url).query, keep_blank_values=True))


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_our_signature_matches_the_woocommerce_package(method: str) -> None:
    params = _params(_ours(method))
    given = params.pop("oauth_signature")
    client = OAuth(URL, KEY, SECRET, version="wc/v3", method=method)
    assert client.generate_oauth_signature(dict(params), URL) == given


def test_the_woocommerce_package_url_passes_the_sandbox_verifier() -> None:
    query = "&".join(f"{k}={v}" for k, v in [("per_page", "100"), ("after", "2026-11-21T07:00:00")])
    signed = OAuth(f"{URL}?{query}", KEY, SECRET, version="wc/v3", oauth_timestamp=NOW)
    assert _verify("GET", signed.get_oauth_url()) == 7


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_oauthlib_rfc5849_client_agrees_with_signer_and_verifier(method: str) -> None:
    client = Client(
        KEY,
        client_secret=SECRET,
        signature_method=SIGNATURE_HMAC_SHA256,
        signature_type=SIGNATURE_TYPE_QUERY,
        timestamp=str(NOW),
        nonce="abc123",
    )
    query = "&".join(f"{k}={signer.rfc3986(v)}" for k, v in QUERY)
    uri, _, _ = client.sign(f"{URL}?{query}", http_method=method)
    assert _verify(method, uri) == 7  # the sandbox accepts oauthlib's request
    params = _params(uri)
    given = params.pop("oauth_signature")
    # Our signer over the same parameters (oauthlib adds oauth_version=1.0) gives the same.
    assert signer.signature(SECRET, method, URL, params.items()) == given


def test_base_strings_match_rfc5849() -> None:
    params = dict(QUERY) | {"oauth_consumer_key": KEY, "oauth_nonce": "n", "oauth_timestamp": "1"}
    normalized = rfc5849.normalize_parameters(list(params.items()))
    expected = rfc5849.signature_base_string("GET", URL, normalized)
    assert signer.base_string("GET", URL, params.items()) == expected
    assert verifier.string_to_sign("GET", URL, params) == expected


def test_our_requests_pass_the_verifier_and_tampering_fails() -> None:
    assert _verify("GET", _ours()) == 7
    with pytest.raises(verifier.AuthError, match="provided signature does not match"):
        _verify("POST", _ours("GET"))  # method is signed
    tampered = _ours().replace("per_page=100", "per_page=99")
    with pytest.raises(verifier.AuthError, match="provided signature does not match"):
        _verify("GET", tampered)
    other_site = _ours().replace("/woocommerce/", "/shop/")  # the prefix is signed too
    with pytest.raises(verifier.AuthError, match="does not match"):
        _verify("GET", other_site)


def test_refusals_have_cores_codes_and_messages() -> None:
    def refused(url: str, now: float = NOW) -> tuple[str, str]:
        with pytest.raises(verifier.AuthError) as caught:
            _verify("GET", url, now)
        return caught.value.code, caught.value.message

    error = "woocommerce_rest_authentication_error"
    assert refused(_ours().replace(KEY, "ck_unknown")) == (error, "Consumer key is invalid.")
    sha512 = _ours().replace("HMAC-SHA256", "HMAC-SHA512")
    assert refused(sha512) == (error, "Invalid signature - signature method is invalid.")
    assert refused(_ours(), now=NOW + 15 * 60 + 1) == (error, "Invalid timestamp.")
    assert refused(_ours(), now=NOW - 15 * 60 - 1) == (error, "Invalid timestamp.")
    missing = _ours().replace("oauth_nonce=", "oauth_nonce_x=")
    assert refused(missing) == (
        "woocommerce_rest_authentication_missing_parameter",
        "Missing OAuth parameter oauth_nonce",
    )


def test_nonce_store_keeps_cores_timestamp_keyed_list() -> None:
    store = verifier.NonceStore()
    store.check(str(NOW), "a", NOW)
    with pytest.raises(verifier.AuthError, match="nonce has already been used"):
        store.check(str(NOW), "a", NOW + 1)
    store.check(str(NOW), "b", NOW + 2)  # same timestamp: replaces "a", as core does
    store.check(str(NOW), "a", NOW + 3)
    store.check(str(NOW + 1), "c", NOW + 15 * 60 + 1)  # NOW's entry is now expired
    assert store.used == {NOW + 1: "c"}
    store.check(str(NOW + 1000), "a", NOW + 1000)


def test_oauth_header_parameters_are_read() -> None:
    params = _params(_ours())
    header = "OAuth " + ", ".join(
        f'{k}="{signer.rfc3986(v)}"' for k, v in params.items() if k.startswith("oauth_")
    )
    query: Mapping[str, str] = {k: v for k, v in params.items() if not k.startswith("oauth_")}
    store = verifier.NonceStore()
    shop = verifier.authenticate_oauth("GET", URL, query, header, _keys, lambda _: store, now=NOW)
    assert shop == 7


def test_basic_auth_checks_the_secret() -> None:
    header = signer.basic_header(KEY, SECRET)
    assert verifier.authenticate_basic({}, header, _keys) == 7
    assert (
        verifier.authenticate_basic({"consumer_key": KEY, "consumer_secret": SECRET}, "", _keys)
        == 7
    )
    with pytest.raises(verifier.AuthError, match="Consumer secret is invalid"):
        verifier.authenticate_basic({}, signer.basic_header(KEY, "cs_wrong"), _keys)
    assert verifier.authenticate_basic({}, "", _keys) is None
