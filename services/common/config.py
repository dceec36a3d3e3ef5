"""Settings shared by every service; each service subclasses with its own env prefix."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class CommonSettings(BaseSettings):
    """Environment shared by the whole mesh (no prefix: NATS_URL, SYNCSTORE_API_TOKENS...)."""

    model_config = SettingsConfigDict(env_file=None, extra="ignore")

    nats_url: str = Field(default="nats://127.0.0.1:4222", validation_alias="NATS_URL")
    # "token=tenant:role,token2=tenant:role". Local default lets `make run` work at once.
    api_tokens: SecretStr = Field(
        default=SecretStr("dev-operator-token=demo:operator,dev-viewer-token=demo:viewer"),
        validation_alias="SYNCSTORE_API_TOKENS",
    )
    log_level: str = Field(default="INFO", validation_alias="LOG_LEVEL")
    # JSON logs when not on a TTY; force with LOG_FORMAT=json|console.
    log_format: str = Field(default="auto", validation_alias="LOG_FORMAT")
    shutdown_grace_seconds: float = Field(default=10.0, validation_alias="SHUTDOWN_GRACE_SECONDS")
    outbox_poll_seconds: float = Field(default=0.5, validation_alias="OUTBOX_POLL_SECONDS")
    # Who publishes the service's outbox: "inline", the service process itself (woken
    # by each commit), or "external", a `python -m services.<name> relay` process beside
    # it (a sidecar in Kubernetes), so publishing never takes the event loop from RPCs.
    outbox_relay: Literal["inline", "external"] = Field(
        default="inline", validation_alias="OUTBOX_RELAY"
    )
    # JetStream stream replicas: 1 locally, 3 in production (see DESIGN §10).
    stream_replicas: int = Field(default=1, validation_alias="NATS_STREAM_REPLICAS")

    @field_validator("log_format")
    @classmethod
    def _check_format(cls, value: str) -> str:
        if value not in {"auto", "json", "console"}:
            raise ValueError("LOG_FORMAT must be auto, json or console")
        return value
