"""Tokopedia Seller API in the sandbox: API routes (under /tokopedia) and admin routes."""

from __future__ import annotations

from starlette.routing import Route

from sandbox.state import SandboxState
from sandbox.tokopedia.admin import TokopediaAdmin
from sandbox.tokopedia.api import TokopediaSandbox


def api_routes(state: SandboxState) -> list[Route]:
    return TokopediaSandbox(state).routes()


def admin_routes(state: SandboxState) -> list[Route]:
    return TokopediaAdmin(state).routes()
