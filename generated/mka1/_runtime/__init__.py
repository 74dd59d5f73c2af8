"""The hand-written runtime core shared by every generated SDK.

Copied verbatim into ``<package>/_runtime/``; it imports nothing from the generated package
by name (models and errors are looked up by the module names given to ``ClientCore``).
"""

from .client import BaseSDK, ClientCore
from .errors import (
    APIConnectionError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    InvalidCredentialError,
    NotFoundError,
    PermissionDeniedError,
    PoolExhaustedError,
    RateLimitError,
    ResponseValidationError,
    SDKError,
    StreamDecodeError,
    StreamInterruptedError,
    UnprocessableEntityError,
)
from .hooks import HookContext, Hooks
from .model import BaseModel, UnknownEvent
from .operation import (
    Body,
    ErrorSpec,
    Operation,
    Pagination,
    Param,
    RetryPolicy,
    Security,
    StreamSpec,
)
from .pagination import CursorPage
from .raw import RawResponse
from .sse import AsyncEventStream, EventStream, ServerSentEvent, SSEDecoder
from .types import (
    NOT_GIVEN,
    BackoffStrategy,
    CallOptions,
    ClientOptions,
    NotGiven,
    RetryConfig,
)

__all__ = [
    "APIConnectionError",
    "APITimeoutError",
    "AsyncEventStream",
    "AuthenticationError",
    "BackoffStrategy",
    "BadRequestError",
    "BaseModel",
    "BaseSDK",
    "Body",
    "CallOptions",
    "ClientCore",
    "ClientOptions",
    "ConflictError",
    "CursorPage",
    "ErrorSpec",
    "HookContext",
    "Hooks",
    "EventStream",
    "InternalServerError",
    "InvalidCredentialError",
    "NOT_GIVEN",
    "NotFoundError",
    "NotGiven",
    "Operation",
    "Pagination",
    "Param",
    "PermissionDeniedError",
    "PoolExhaustedError",
    "RateLimitError",
    "RawResponse",
    "ResponseValidationError",
    "RetryConfig",
    "RetryPolicy",
    "SDKError",
    "SSEDecoder",
    "Security",
    "ServerSentEvent",
    "StreamDecodeError",
    "StreamInterruptedError",
    "StreamSpec",
    "UnknownEvent",
    "UnprocessableEntityError",
]
