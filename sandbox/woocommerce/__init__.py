"""WooCommerce REST API in the sandbox: API routes (under /woocommerce) and admin routes."""

from __future__ import annotations

from starlette.routing import Route

from sandbox.state import SandboxState
from sandbox.woocommerce.admin import WooCommerceAdmin
from sandbox.woocommerce.api import WooCommerceSandbox


def api_routes(state: SandboxState) -> list[Route]:
    return WooCommerceSandbox(state).routes()


def admin_routes(state: SandboxState) -> list[Route]:
    return WooCommerceAdmin(state).routes()
