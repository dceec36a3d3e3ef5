from __future__ import annotations

import pytest

from services.common.auth import Role, TokenAuthenticator
from services.common.errors import PermissionDenied, Unauthenticated


def test_tokens_map_to_tenant_and_role() -> None:
    auth = TokenAuthenticator("a1=shop-a:operator, v1=shop-a:viewer,s1=mesh:service")
    principal = auth.authenticate("Bearer a1")
    assert (principal.tenant_id, principal.role) == ("shop-a", Role.OPERATOR)
    assert auth.authenticate("bearer v1").role is Role.VIEWER
    assert auth.authenticate("Bearer s1").tenant_id == "mesh"
    assert "a1" not in principal.actor  # the actor tag never carries the token


@pytest.mark.parametrize("header", [None, "", "Bearer", "Bearer   ", "Basic a1", "Bearer nope"])
def test_missing_or_unknown_tokens_are_unauthenticated(header: str | None) -> None:
    auth = TokenAuthenticator("a1=shop-a:operator")
    with pytest.raises(Unauthenticated):
        auth.authenticate(header)


def test_viewer_cannot_write() -> None:
    auth = TokenAuthenticator("v1=shop-a:viewer,o1=shop-a:operator")
    with pytest.raises(PermissionDenied):
        auth.authenticate("Bearer v1").require_write()
    auth.authenticate("Bearer o1").require_write()


@pytest.mark.parametrize("spec", ["secret-token", "secret-token=tenant", "secret-token=t:admin"])
def test_bad_token_spec_never_echoes_the_token(spec: str) -> None:
    with pytest.raises(ValueError, match="entry #1") as info:
        TokenAuthenticator(spec)
    assert "secret-token" not in str(info.value)
