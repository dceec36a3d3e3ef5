"""Secrets at rest: AES-256-GCM with a key id, so keys can rotate without re-encrypting.

Keys come from the environment (or a Kubernetes Secret mounted as env):
SYNCSTORE_SECRET_KEYS="k2=<base64 32 bytes>,k1=<base64 32 bytes>" — the first key
encrypts, every listed key decrypts. A sealed value is
"v1:<key id>:<base64 nonce + ciphertext + tag>", bound to its context (e.g. the
tenant and connection id) as associated data, so a value copied to another row does
not decrypt there.
"""

from __future__ import annotations

import base64
import binascii
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_VERSION = "v1"
_NONCE_BYTES = 12


class SecretError(Exception):
    """A sealed value cannot be opened (unknown key, tampered, wrong context)."""


def generate_key() -> str:
    """A new random 256-bit key, base64-encoded for SYNCSTORE_SECRET_KEYS."""
    return base64.b64encode(AESGCM.generate_key(bit_length=256)).decode()


@dataclass(frozen=True)
class SecretBox:
    keys: dict[str, bytes]
    current: str

    @classmethod
    def from_spec(cls, spec: str) -> SecretBox:
        """Parse "id=base64key,..."; errors never echo key material."""
        keys: dict[str, bytes] = {}
        order: list[str] = []
        for index, entry in enumerate(filter(None, (e.strip() for e in spec.split(",")))):
            key_id, sep, encoded = entry.partition("=")
            try:
                raw = base64.b64decode(encoded, validate=True)
            except (binascii.Error, ValueError):
                raw = b""
            if not sep or not key_id or ":" in key_id or len(raw) != 32:
                raise ValueError(
                    f"SYNCSTORE_SECRET_KEYS entry #{index + 1} is not id=<base64 of 32 bytes>"
                )
            keys[key_id] = raw
            order.append(key_id)
        if not order:
            raise ValueError("SYNCSTORE_SECRET_KEYS holds no key")
        return cls(keys, order[0])

    def seal(self, plaintext: str, context: str) -> str:
        """Encrypt with the current key, bound to `context`."""
        nonce = os.urandom(_NONCE_BYTES)
        sealed = AESGCM(self.keys[self.current]).encrypt(
            nonce, plaintext.encode(), context.encode()
        )
        return f"{_VERSION}:{self.current}:{base64.b64encode(nonce + sealed).decode()}"

    def open(self, token: str, context: str) -> str:
        """Decrypt a sealed value; SecretError (without details) when that is impossible."""
        version, _, rest = token.partition(":")
        key_id, _, payload = rest.partition(":")
        key = self.keys.get(key_id)
        if version != _VERSION or key is None:
            raise SecretError(f"cannot open secret sealed with key {key_id!r}")
        try:
            raw = base64.b64decode(payload, validate=True)
            plain = AESGCM(key).decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], context.encode())
        except (binascii.Error, ValueError, InvalidTag):
            raise SecretError("secret is damaged or belongs to another record") from None
        return plain.decode()

    def needs_rotation(self, token: str) -> bool:
        """True when the value was sealed with a key other than the current one."""
        return token.split(":", 2)[1:2] != [self.current]
