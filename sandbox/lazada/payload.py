"""LazOP `payload` parameters: XML (what the docs require) or JSON (what the
CreateProduct demo sends, ⚠ §4.1), both read into the same nested dicts.

XML children become dict keys; a tag repeated under one parent becomes a list; leaves
become their text. The sandbox is a local test double, so stdlib ElementTree is used.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any

from sandbox.lazada.envelope import LazadaError, missing


def _element(node: ET.Element) -> Any:
    children = list(node)
    if not children:
        return (node.text or "").strip()
    out: dict[str, Any] = {}
    for child in children:
        value = _element(child)
        if child.tag in out:
            existing = out[child.tag]
            out[child.tag] = [*existing, value] if isinstance(existing, list) else [existing, value]
        else:
            out[child.tag] = value
    return out


def parse(raw: str) -> dict[str, Any]:
    if not raw.strip():
        raise missing("payload")
    text = raw.strip()
    try:
        if text.startswith("<"):
            root = ET.fromstring(text)
            return {root.tag: _element(root)}
        body = json.loads(text)
    except (ValueError, ET.ParseError) as exc:
        raise LazadaError("1001", "The parameters are not in JSON or XML format") from exc
    if not isinstance(body, dict):
        raise LazadaError("1001", "The parameters are not in JSON or XML format")
    return body


def as_list(value: Any) -> list[Any]:
    if value is None or value == "":
        return []
    return value if isinstance(value, list) else [value]


def product(body: dict[str, Any]) -> dict[str, Any]:
    request = body.get("Request")
    item = request.get("Product") if isinstance(request, dict) else None
    if not isinstance(item, dict):
        raise LazadaError("1001", "Request.Product is required")
    return item


def skus(item: dict[str, Any]) -> list[dict[str, Any]]:
    container = item.get("Skus")
    entries = as_list(container.get("Sku")) if isinstance(container, dict) else []
    if not entries or not all(isinstance(e, dict) for e in entries):
        raise LazadaError("1001", "Skus.Sku must be a non-empty array")
    return entries


def number(value: Any, name: str) -> float | None:
    if value is None or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError) as exc:
        raise LazadaError("InvalidParameter", f"Invalid {name}") from exc
