"""`python -m sandbox`: serve the marketplace sandbox on SANDBOX_ADDR (127.0.0.1:8900)."""

from __future__ import annotations

import os

import uvicorn

from sandbox.app import create_app


def main() -> None:
    addr = os.environ.get("SANDBOX_ADDR", "127.0.0.1:8900")
    host, _, port = addr.rpartition(":")
    uvicorn.run(create_app(), host=host or "127.0.0.1", port=int(port), log_level="info")


if __name__ == "__main__":
    main()
