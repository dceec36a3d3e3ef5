"""TikTok Shop in the sandbox: API routes (under /tiktok) and admin routes."""

from __future__ import annotations

from starlette.routing import Route

from sandbox.state import SandboxState
from sandbox.tiktok.admin import TikTokAdmin
from sandbox.tiktok.api import TikTokSandbox


def api_routes(state: SandboxState) -> list[Route]:
    return TikTokSandbox(state).routes()


def admin_routes(state: SandboxState) -> list[Route]:
    return TikTokAdmin(state).routes()
