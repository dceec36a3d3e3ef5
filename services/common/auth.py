"""Bearer tokens -> (tenant, role). Tokens come from SYNCSTORE_API_TOKENS."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum

from services.common.errors import PermissionDenied, Unauthenticated


class Role(StrEnum):
    OPERATOR = "operator"  # read and write
    VIEWER = "viewer"  # read only
    SERVICE = "service"  # mesh-internal callers


@dataclass(frozen=True)
class Principal:
    tenant_id: str
    role: Role
    # A short, non-secret tag of the token, for logs and audit ("actor").
    token_tag: str

    @property
    def actor(self) -> str:
        return f"{self.role.value}:{self.token_tag}"

    def require_write(self) -> None:
        if self.role is Role.VIEWER:
            raise PermissionDenied("the viewer role cannot change anything")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class TokenAuthenticator:
    """Maps bearer tokens to principals; only token digests are kept in memory."""

    def __init__(self, spec: str) -> None:
        self._principals: dict[str, Principal] = {}
        for index, entry in enumerate(filter(None, (e.strip() for e in spec.split(",")))):
            token, sep, rest = entry.partition("=")
            tenant, sep2, role = rest.partition(":")
            if not (sep and sep2 and token and tenant):
                # Never echo the entry: it holds a token.
                raise ValueError(
                    f"SYNCSTORE_API_TOKENS entry #{index + 1} is not token=tenant:role"
                )
            try:
                parsed_role = Role(role.strip())
            except ValueError as exc:
                raise ValueError(
                    f"SYNCSTORE_API_TOKENS entry #{index + 1}: unknown role {role!r}"
                ) from exc
            digest = _digest(token.strip())
            self._principals[digest] = Principal(tenant.strip(), parsed_role, digest[:8])

    def authenticate(self, authorization: str | None) -> Principal:
        """Principal for an `authorization: Bearer <token>` value, or Unauthenticated."""
        if not authorization:
            raise Unauthenticated("missing authorization: Bearer <token> metadata")
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthenticated("authorization must be 'Bearer <token>'")
        principal = self._principals.get(_digest(token.strip()))
        if principal is None:
            raise Unauthenticated("unknown bearer token")
        return principal
