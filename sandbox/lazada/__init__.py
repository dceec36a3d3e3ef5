"""Lazada Open Platform (LazOP) in the sandbox: API routes (under /lazada) and admin routes.

Mount with `Mount("/lazada", routes=lazada.api_routes(state))` and the admin routes
under `/_sandbox`.
"""

from __future__ import annotations

from starlette.routing import Route

from sandbox.lazada.admin import LazadaAdmin
from sandbox.lazada.api import LazadaSandbox
from sandbox.state import SandboxState


def api_routes(state: SandboxState) -> list[Route]:
    return LazadaSandbox(state).routes()


def admin_routes(state: SandboxState) -> list[Route]:
    return LazadaAdmin(state).routes()
