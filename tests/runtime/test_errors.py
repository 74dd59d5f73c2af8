"""Error matching and messages (errors.py)."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import httpx
import pytest


def response(status: int, body: Any = None, text: str | None = None) -> httpx.Response:
    content = text.encode() if text is not None else json.dumps(body).encode()
    r = httpx.Response(
        status,
        content=content,
        headers={"x-request-id": "r1"},
        request=httpx.Request("GET", "http://h/things/1"),
    )
    return r


def specs(rt: SimpleNamespace, *statuses: str) -> tuple[Any, ...]:
    return tuple(rt.operation.ErrorSpec(s, None, f"E{s}") for s in statuses)


@pytest.mark.parametrize(
    "status, declared, expected",
    [
        (404, ("default", "4XX", "404"), "404"),
        (404, ("default", "4XX"), "4XX"),
        (404, ("default", "5XX"), "default"),
        (503, ("4XX", "5XX"), "5XX"),
        (404, ("5XX", "400"), None),
    ],
)
def test_spec_precedence(
    rt: SimpleNamespace, status: int, declared: tuple[str, ...], expected: str | None
) -> None:
    match = rt.errors.match_error_spec(status, specs(rt, *declared))
    assert (match.status if match else None) == expected


@pytest.mark.parametrize(
    "status, name",
    [
        (400, "BadRequestError"),
        (401, "AuthenticationError"),
        (403, "PermissionDeniedError"),
        (404, "NotFoundError"),
        (409, "ConflictError"),
        (422, "UnprocessableEntityError"),
        (429, "RateLimitError"),
        (500, "InternalServerError"),
        (503, "InternalServerError"),
        (418, "SDKError"),
    ],
)
def test_builtin_classes_by_status(rt: SimpleNamespace, status: int, name: str) -> None:
    error = rt.errors.status_error(response(status, {}), where="op: GET /x")
    assert type(error).__name__ == name
    assert isinstance(error, rt.errors.SDKError)


@pytest.mark.parametrize(
    "body, message",
    [
        ({"error": {"message": "nested"}}, "nested"),
        ({"message": "flat"}, "flat"),
        ({"detail": "fastapi"}, "fastapi"),
        ({"detail": [{"loc": ["q"], "msg": "bad"}]}, '[{"loc": ["q"], "msg": "bad"}]'),
        ({"error": "plain"}, "plain"),
    ],
)
def test_message_uses_the_servers_own_words(rt: SimpleNamespace, body: Any, message: str) -> None:
    error = rt.errors.status_error(response(400, body), where="getThing: GET /things/1")
    assert str(error) == f"getThing: GET /things/1 returned 400 Bad Request: {message}"
    assert error.status_code == 400 and error.headers["x-request-id"] == "r1"
    assert error.body == json.dumps(body)


def test_long_non_json_body_is_truncated_in_the_message(rt: SimpleNamespace) -> None:
    error = rt.errors.status_error(response(502, text="x" * 5000), where="op: GET /")
    assert len(str(error)) < 600
    assert len(error.body) == 5000


def test_secrets_never_appear_in_str_or_repr(rt: SimpleNamespace) -> None:
    body = {"error": {"message": "bad token Bearer sk-very-secret"}}
    error = rt.errors.status_error(
        response(401, body), where="op: GET /", secrets=["sk-very-secret"]
    )
    assert "sk-very-secret" not in str(error) and "sk-very-secret" not in repr(error)
    assert "***" in str(error)


def test_declared_class_and_data_are_used(rt: SimpleNamespace) -> None:
    data = object()
    error = rt.errors.status_error(
        response(404, {}), where="op", cls=rt.errors_mod.ThingNotFound, data=data
    )
    assert isinstance(error, rt.errors.NotFoundError) and error.data is data


def test_connection_errors_have_no_status(rt: SimpleNamespace) -> None:
    error = rt.errors.APITimeoutError("slow")
    assert isinstance(error, rt.errors.APIConnectionError)
    assert error.status_code is None and error.body == "" and len(error.headers) == 0
    interrupted = rt.errors.StreamInterruptedError("cut", last_event_id="5", last_cursor=4)
    assert isinstance(interrupted, rt.errors.SDKError)
    assert (interrupted.last_event_id, interrupted.last_cursor) == ("5", 4)
