from __future__ import annotations

import pytest

from services.common.crypto import SecretBox, SecretError, generate_key


def test_seal_and_open_bound_to_context() -> None:
    box = SecretBox.from_spec(f"k1={generate_key()}")
    sealed = box.seal("shpat_secret", "tenant-a/conn-1")
    assert "shpat_secret" not in sealed and sealed.startswith("v1:k1:")
    assert box.open(sealed, "tenant-a/conn-1") == "shpat_secret"
    with pytest.raises(SecretError):
        box.open(sealed, "tenant-b/conn-1")
    assert box.seal("x", "c") != box.seal("x", "c")  # fresh nonce each time


def test_rotation_keeps_old_values_readable() -> None:
    old = generate_key()
    sealed = SecretBox.from_spec(f"k1={old}").seal("token", "ctx")
    rotated = SecretBox.from_spec(f"k2={generate_key()},k1={old}")
    assert rotated.open(sealed, "ctx") == "token"
    assert rotated.needs_rotation(sealed)
    assert not rotated.needs_rotation(rotated.seal("token", "ctx"))


def test_tampering_and_unknown_keys_fail_without_details() -> None:
    box = SecretBox.from_spec(f"k1={generate_key()}")
    sealed = box.seal("token", "ctx")
    tampered = sealed[:-4] + ("AAAA" if not sealed.endswith("AAAA") else "BBBB")
    with pytest.raises(SecretError):
        box.open(tampered, "ctx")
    with pytest.raises(SecretError, match="k9"):
        box.open(sealed.replace("k1", "k9"), "ctx")


@pytest.mark.parametrize("spec", ["", "k1", "k1=notbase64!", "k1=c2hvcnQ=", "a:b=" + "A" * 44])
def test_bad_key_specs_are_rejected_without_echo(spec: str) -> None:
    with pytest.raises(ValueError) as info:
        SecretBox.from_spec(spec)
    assert "c2hvcnQ" not in str(info.value)
