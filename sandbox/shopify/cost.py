"""Calculated query cost, by Shopify's documented rules (shopify.dev GraphQL Admin API
rate limits, MARKETPLACES.md §5).

- A field returning a scalar or an enum costs 0; an object costs 1.
- A connection costs 2 plus, for each requested item (`first` or `last`), the cost of
  the item's selection (the node object, 1, plus its fields). `pageInfo` and cursors
  are part of the 2.
- A mutation field costs 10 (⚠ the payload's selection is not added: the rate-limits
  page lists "Mutation: 10" and nothing more).
- ⚠ A plain list of objects (not a connection) costs as one object: the docs size only
  connections.
Requested cost is computed from the document before execution; actual cost walks the
result the same way, counting the items connections really returned and nothing under
a null object, so a short page is refunded.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    get_named_type,
    is_object_type,
    value_from_ast_untyped,
)

MUTATION_COST = 10
CONNECTION_BASE = 2
MAX_QUERY_COST = 1000  # a single query's requested cost may not exceed this


class CostError(Exception):
    """The document cannot be costed (a connection without first/last)."""


class Coster:
    def __init__(
        self,
        schema: GraphQLSchema,
        operation: OperationDefinitionNode,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
    ) -> None:
        self.schema = schema
        self.operation = operation
        self.fragments = fragments
        self.variables = variables

    def _fields(self, selection_set: SelectionSetNode | None) -> list[FieldNode]:
        out: list[FieldNode] = []
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                out.append(selection)
            elif isinstance(selection, InlineFragmentNode):
                out += self._fields(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments.get(selection.name.value)
                if fragment is not None:
                    out += self._fields(fragment.selection_set)
        return out

    def _size(self, node: FieldNode) -> int:
        for argument in node.arguments or ():
            if argument.name.value in ("first", "last"):
                value = value_from_ast_untyped(argument.value, dict(self.variables))
                if isinstance(value, int):
                    return value
        raise CostError(f"you must provide one of first or last for {node.name.value}")

    def root(self) -> GraphQLObjectType:
        if self.operation.operation is OperationType.MUTATION:
            root = self.schema.mutation_type
        else:
            root = self.schema.query_type
        assert root is not None
        return root

    def requested(self) -> int:
        if self.operation.operation is OperationType.MUTATION:
            return MUTATION_COST * len(self._fields(self.operation.selection_set))
        return self._selection(self.root(), self.operation.selection_set, None)

    def actual(self, data: Mapping[str, Any] | None) -> int:
        if self.operation.operation is OperationType.MUTATION:
            return MUTATION_COST * len(self._fields(self.operation.selection_set))
        if data is None:
            return 0
        return self._selection(self.root(), self.operation.selection_set, data, True)

    def _selection(
        self,
        parent: GraphQLObjectType,
        selection_set: SelectionSetNode | None,
        data: Mapping[str, Any] | None,
        measured: bool = False,
    ) -> int:
        total = 0
        for node in self._fields(selection_set):
            definition = parent.fields.get(node.name.value)
            if definition is None:
                continue
            named = get_named_type(definition.type)
            if not is_object_type(named):
                continue  # scalars and enums cost nothing
            assert isinstance(named, GraphQLObjectType)
            key = node.alias.value if node.alias else node.name.value
            value = data.get(key) if data is not None else None
            if measured and value is None:
                continue  # execution stopped here: nothing below is charged
            if named.name.endswith("Connection"):
                total += self._connection(named, node, value if measured else None, measured)
            else:
                item = value[0] if isinstance(value, list) and value else value
                if measured and isinstance(value, list) and not value:
                    continue
                child = item if isinstance(item, Mapping) else None
                total += 1 + self._selection(named, node.selection_set, child, measured)
        return total

    def _connection(
        self,
        connection: GraphQLObjectType,
        node: FieldNode,
        value: Any,
        measured: bool,
    ) -> int:
        """2 + per requested item (requested) or per returned item (actual)."""
        item_type = get_named_type(connection.fields["nodes"].type)
        assert isinstance(item_type, GraphQLObjectType)
        total = CONNECTION_BASE
        per_item = 0
        for part in self._fields(node.selection_set):
            key = part.alias.value if part.alias else part.name.value
            if part.name.value == "nodes":
                selections: list[tuple[SelectionSetNode | None, None]] = [
                    (part.selection_set, None)
                ]
                items = value.get(key) if isinstance(value, Mapping) else None
                found: list[tuple[SelectionSetNode | None, Any]] = [
                    (part.selection_set, i) for i in items or [] if isinstance(i, Mapping)
                ]
            elif part.name.value == "edges":
                inner = [f for f in self._fields(part.selection_set) if f.name.value == "node"]
                if not inner:
                    continue
                node_key = inner[0].alias.value if inner[0].alias else "node"
                selections = [(inner[0].selection_set, None)]
                edges = value.get(key) if isinstance(value, Mapping) else None
                found = [
                    (inner[0].selection_set, e.get(node_key))
                    for e in edges or []
                    if isinstance(e, Mapping) and isinstance(e.get(node_key), Mapping)
                ]
            else:
                continue
            if measured:
                for selection_set, item in found:
                    total += 1 + self._selection(item_type, selection_set, item, True)
            else:
                for selection_set, _ in selections:
                    per_item += 1 + self._selection(item_type, selection_set, None)
        if not measured:
            total += self._size(node) * per_item
        return total
