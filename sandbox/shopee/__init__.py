"""Shopee Open Platform v2 in the sandbox: API routes (under /shopee) and admin routes."""

from __future__ import annotations

from starlette.routing import Route

from sandbox.shopee.admin import ShopeeAdmin
from sandbox.shopee.api import ShopeeSandbox
from sandbox.state import SandboxState


def api_routes(state: SandboxState) -> list[Route]:
    return ShopeeSandbox(state).routes()


def admin_routes(state: SandboxState) -> list[Route]:
    return ShopeeAdmin(state).routes()
