"""Type aliases for servicers (the grpc stubs make ServicerContext generic)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeAlias

import grpc

# The stubs are generic, the runtime classes are not subscriptable.
if TYPE_CHECKING:
    Context: TypeAlias = grpc.aio.ServicerContext[Any, Any]
    Handler: TypeAlias = grpc.RpcMethodHandler[Any, Any]
else:
    Context = grpc.aio.ServicerContext
    Handler = grpc.RpcMethodHandler
