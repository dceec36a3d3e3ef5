"""POST /admin/api/<version>/graphql.json of the Shopify sandbox (MARKETPLACES.md §5).

Order of checks, as Shopify answers them: an unknown version is 404; a missing,
unknown or expired `X-Shopify-Access-Token` is 401 `{"errors": "[API] Invalid API key
or access token ..."}`; then the fault switches; then the document is parsed and
validated by graphql-core against the SDL subset (errors: HTTP 200 with `errors`);
its requested cost is computed (over 1000: MAX_COST_EXCEEDED) and taken from the
shop's leaky bucket. Without room the answer is `{"errors": [{"message": "Throttled",
"extensions": {"code": "THROTTLED"}}], "extensions": {"cost": ...}}` with HTTP 200
(⚠ the HTTP status is not officially documented; GraphQL errors travel in a 200).
After execution the unused points are refunded and `extensions.cost` reports
requestedQueryCost, actualQueryCost and throttleStatus.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from graphql import (
    FragmentDefinitionNode,
    GraphQLError,
    OperationDefinitionNode,
    execute_sync,
    parse,
    validate,
)
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from sandbox.faults import Verdict
from sandbox.shopify.cost import MAX_QUERY_COST, Coster, CostError
from sandbox.shopify.mutations import MutationRoot
from sandbox.shopify.queries import query_root
from sandbox.shopify.schema import schema
from sandbox.shopify.store import PLATFORM, extras
from sandbox.state import SandboxState, Shop

VERSIONS = ("2025-07", "2025-10", "2026-01", "2026-04", "2026-07", "2026-10")
INVALID_TOKEN = "[API] Invalid API key or access token (unrecognized login or wrong password)"


def errors_only(errors: list[dict[str, Any]], cost: dict[str, Any] | None = None) -> JSONResponse:
    body: dict[str, Any] = {"errors": errors}
    if cost is not None:
        body["extensions"] = {"cost": cost}
    return JSONResponse(body)


def _error(error: GraphQLError) -> dict[str, Any]:
    return dict(error.formatted)


class GraphQLRoutes:
    def __init__(self, state: SandboxState) -> None:
        self.state = state

    def _by_token(self, token: str) -> Shop | None:
        if not token:
            return None
        shops = self.state.platform_shops(PLATFORM).values()
        return next((s for s in shops if s.access_token == token), None)

    async def graphql(self, request: Request) -> Response:
        version = request.path_params["version"]
        if version not in VERSIONS:
            return JSONResponse({"errors": "Not Found"}, status_code=404)
        shop = self._by_token(request.headers.get("x-shopify-access-token", ""))
        if shop is None or time.time() >= shop.access_expires_at:
            return JSONResponse({"errors": INVALID_TOKEN}, status_code=401)
        shop.requests.append((time.monotonic(), f"/admin/api/{version}/graphql.json"))
        faults = shop.faults
        delay = faults.latency()
        if delay:
            await asyncio.sleep(delay)
        verdict = faults.decide()
        if verdict is Verdict.SERVER_ERROR:
            return JSONResponse({"errors": "Internal Server Error"}, status_code=500)
        try:
            body = await request.json()
        except ValueError:
            return JSONResponse({"errors": "Bad Request: body is not JSON"}, status_code=400)
        if not isinstance(body, dict) or not isinstance(body.get("query"), str):
            return errors_only([{"message": "No query string was present"}])
        # A TIMEOUT is handled like a passing request, then answered too late (as on the
        # other platforms): a create that "timed out" exists, which is what the adapters'
        # look-up-before-recreate guards against.
        limited = verdict in (Verdict.RATE_LIMITED, Verdict.THROTTLED)
        response = self._run(shop, version, body, throttled=limited)
        if verdict is Verdict.TIMEOUT:
            await asyncio.sleep(faults.hang_seconds)
        return response

    def _run(self, shop: Shop, version: str, body: dict[str, Any], *, throttled: bool) -> Response:
        try:
            document = parse(body["query"])
        except GraphQLError as exc:
            return errors_only([_error(exc)])
        problems = validate(schema(), document)
        if problems:
            return errors_only([_error(e) for e in problems])
        name = body.get("operationName")
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        chosen = [o for o in operations if not name or (o.name and o.name.value == name)]
        if len(chosen) != 1:
            return errors_only([{"message": "An operation name is required"}])
        fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        variables = body.get("variables") or {}
        if not isinstance(variables, dict):
            return errors_only([{"message": "variables must be an object"}])
        coster = Coster(schema(), chosen[0], fragments, variables)
        try:
            requested = coster.requested()
        except CostError as exc:
            return errors_only([{"message": str(exc), "extensions": {"code": "BAD_REQUEST"}}])
        bucket = extras(shop).bucket
        if requested > MAX_QUERY_COST:
            message = (
                f"Query cost is {requested}, which exceeds the single query max cost limit "
                f"({MAX_QUERY_COST})."
            )
            code = {"code": "MAX_COST_EXCEEDED", "cost": requested, "maxCost": MAX_QUERY_COST}
            return errors_only([{"message": message, "extensions": code}])
        # A throttle storm (fault switch) answers THROTTLED whatever the bucket holds.
        if throttled or not bucket.take(requested):
            if not throttled:
                extras(shop).throttled += 1
            cost = {
                "requestedQueryCost": requested,
                "actualQueryCost": None,
                "throttleStatus": bucket.status(),
            }
            error = {"message": "Throttled", "extensions": {"code": "THROTTLED"}}
            return errors_only([error], cost)
        root = {**query_root(shop), **MutationRoot(self.state, shop).root()}
        result = execute_sync(
            schema(),
            document,
            root_value=root,
            context_value={"shop": shop, "version": version},
            variable_values=variables,
            operation_name=name,
        )
        actual = coster.actual(result.data) if result.data is not None else 0
        bucket.refund(requested - actual)
        out: dict[str, Any] = {"data": result.data}
        if result.errors:
            out["errors"] = [_error(e) for e in result.errors]
        out["extensions"] = {
            "cost": {
                "requestedQueryCost": requested,
                "actualQueryCost": actual,
                "throttleStatus": bucket.status(),
            }
        }
        return JSONResponse(out)
