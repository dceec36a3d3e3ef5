"""What the Shopify sandbox's mutations share: userErrors, input limits, versions."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from graphql import GraphQLError, GraphQLResolveInfo

# graphql-core 3.3 made the resolve info generic over the context type.
Info = GraphQLResolveInfo[Any]

MAX_INPUT = 250  # every input array (shopify.dev API limits)


def user_error(field: list[str], message: str, code: str) -> dict[str, Any]:
    return {"field": field, "message": message, "code": code}


def check_size(name: str, items: list[Any]) -> None:
    """Arrays over 250 items are refused before anything runs."""
    if len(items) > MAX_INPUT:
        raise GraphQLError(
            f"The input array size of {len(items)} is greater than the maximum allowed of "
            f"{MAX_INPUT}.",
            extensions={"code": "MAX_INPUT_SIZE_EXCEEDED", "argumentName": name},
        )


def parse_price(raw: Any) -> float | None:
    try:
        return float(Decimal(str(raw)))
    except (InvalidOperation, ValueError):
        return None


def version_at_least(info: Info, version: str) -> bool:
    return str(info.context["version"]) >= version


def variables(info: Info) -> dict[str, Any]:
    """The request's coerced variables (graphql-core 3.3 wraps them, 3.2 does not)."""
    raw: Any = info.variable_values
    return dict(getattr(raw, "coerced", raw))
