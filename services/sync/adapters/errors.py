"""How an adapter call failed, in the three kinds every caller acts on (DESIGN §6)."""

from __future__ import annotations

from enum import StrEnum

from services.common.platforms import Platform


class FailureKind(StrEnum):
    # Timeouts, 5xx, throttling: try again later (the adapter already retried within budget).
    RETRYABLE = "retryable"
    # The token was refused: refresh once, then fail.
    AUTH = "auth"
    # Validation, not found, forbidden: never retried, dead-lettered at once.
    PERMANENT = "permanent"


class AdapterError(Exception):
    """A failed marketplace call, with the platform's own code and message kept."""

    def __init__(
        self,
        kind: FailureKind,
        platform: Platform,
        message: str,
        *,
        code: str = "",
        http_status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(f"{platform.value} {kind.value}: {code + ': ' if code else ''}{message}")
        self.kind = kind
        self.platform = platform
        self.code = code
        self.platform_message = message
        self.http_status = http_status
        self.retry_after = retry_after

    @property
    def retryable(self) -> bool:
        return self.kind is FailureKind.RETRYABLE


def classify_http_status(status: int) -> FailureKind | None:
    """The kind an HTTP status implies by itself (None: read the body's own code)."""
    if status == 429 or status >= 500 or status == 408:
        return FailureKind.RETRYABLE
    if status == 401:
        return FailureKind.AUTH
    if 400 <= status < 500:
        return FailureKind.PERMANENT
    return None


def permanent(platform: Platform, message: str, code: str = "validation") -> AdapterError:
    """A PERMANENT failure found before any request (a payload or credential check)."""
    return AdapterError(FailureKind.PERMANENT, platform, message, code=code)
