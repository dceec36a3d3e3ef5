"""Reading the field violations of an InvalidArgument raised by the proto mapping."""

from __future__ import annotations

import pytest

from services.common.errors import InvalidArgument


def violations(exc: pytest.ExceptionInfo[InvalidArgument]) -> list[tuple[str, str]]:
    return [(v.field, v.description) for v in exc.value.violations]


def fields(exc: pytest.ExceptionInfo[InvalidArgument]) -> list[str]:
    return [v.field for v in exc.value.violations]
