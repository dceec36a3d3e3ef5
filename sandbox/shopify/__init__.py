"""Shopify (GraphQL Admin API) in the sandbox: API routes under /shopify, admin routes.

Mount with `Mount("/shopify", routes=shopify.api_routes(state))` and the admin routes
under `/_sandbox`. Paths follow Shopify's own: `/admin/api/<version>/graphql.json`,
`/admin/oauth/authorize`, `/admin/oauth/access_token` (MARKETPLACES.md §5). Shops are
told apart by access token (API) and client id (OAuth): the sandbox has one host.
"""

from __future__ import annotations

from starlette.routing import Route

from sandbox.shopify.admin import ShopifyAdmin
from sandbox.shopify.graphql_api import GraphQLRoutes
from sandbox.shopify.oauth import OAuthRoutes
from sandbox.state import SandboxState


def api_routes(state: SandboxState) -> list[Route]:
    oauth = OAuthRoutes(state)
    graphql = GraphQLRoutes(state)
    return [
        Route("/admin/oauth/authorize", oauth.authorize, methods=["GET"]),
        Route("/admin/oauth/access_token", oauth.access_token, methods=["POST"]),
        Route("/admin/api/{version}/graphql.json", graphql.graphql, methods=["POST"]),
    ]


def admin_routes(state: SandboxState) -> list[Route]:
    return ShopifyAdmin(state).routes()
