"""`column IN <list parameter>` whose SQL text does not depend on the list's length.

Why not `column.in_(bindparam(..., expanding=True))`: an expanding parameter renders
one SQL text per list length, and on PostgreSQL every text is a statement of its own
to prepare (asyncpg's per-connection cache holds 100). Group commits read lists of
every length, so about one group in two paid an extra prepare round trip and a fresh
plan (counted under bench/inventory.py). On PostgreSQL this renders `= ANY(array)`,
one text for all lengths; SQLite has no arrays and keeps the expanding IN, where a
statement is a local call.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import ARRAY, all_, any_, bindparam
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import BindParameter, ColumnElement
from sqlalchemy.sql.type_api import TypeEngine
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import NullType


class InList(ColumnElement[Any]):
    """True where `column` equals one of the values passed as parameter `name`."""

    # Not Boolean: a Boolean element in WHERE renders `... = 1` on SQLite, and SQLite
    # would then not use the index for it.
    type: TypeEngine[Any] = NullType()
    inherit_cache = True
    _traverse_internals = [  # noqa: RUF012 (SQLAlchemy declares it an instance variable)
        ("column", InternalTraversal.dp_clauseelement),
        ("name", InternalTraversal.dp_string),
        ("negated", InternalTraversal.dp_boolean),
    ]

    def __init__(self, column: ColumnElement[Any], name: str, *, negated: bool = False) -> None:
        self.column = column
        self.name = name
        self.negated = negated


def in_list(column: ColumnElement[Any], name: str) -> InList:
    """`column IN :name` for a list parameter, one statement text for every length."""
    return InList(column, name)


def not_in_list(column: ColumnElement[Any], name: str) -> InList:
    """`column NOT IN :name` (true for an empty list), one text for every length."""
    return InList(column, name, negated=True)


@compiles(InList)
def _expanding_in(element: InList, compiler: Any, **kw: Any) -> str:
    values: BindParameter[Any] = bindparam(element.name, expanding=True)
    column = element.column
    clause = column.not_in(values) if element.negated else column.in_(values)
    return str(compiler.process(clause, **kw))


@compiles(InList, "postgresql")
def _equals_any(element: InList, compiler: Any, **kw: Any) -> str:
    array = bindparam(element.name, type_=ARRAY(element.column.type))
    column = element.column
    clause = column != all_(array) if element.negated else column == any_(array)
    return str(compiler.process(clause, **kw))


def column_arrays(
    rows: Sequence[Mapping[str, Any]], params: Mapping[str, str]
) -> dict[str, list[Any]]:
    """Rows turned into one list per column, named for the statement's array parameters
    (`params` maps parameter name to row key), as `unnest(CAST(:p AS type[]), …)` reads them."""
    return {param: [row[key] for row in rows] for param, key in params.items()}
