"""Cursor pagination: a list result that knows how to fetch the pages after it.

The generated model of a paginated list response inherits ``CursorPage``. The class stays
the generated one (its fields, ``isinstance`` checks and printing are unchanged); after
parsing, the client stores on the instance what it needs to ask for the next page: the
call that produced it. Nothing is fetched until asked for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, AsyncIterator, Iterator, Protocol, Sequence, TypeVar, overload

from .model import BaseModel
from .operation import Operation
from .types import NOT_GIVEN, CallOptions

if TYPE_CHECKING:
    from .client import ClientCore

__all__ = ["CursorPage", "attach_page"]

_P = TypeVar("_P", bound="CursorPage")
_T = TypeVar("_T")
_T_co = TypeVar("_T_co", covariant=True)


class _DataPage(Protocol[_T_co]):
    """A page whose items are in ``data`` (the usual name), so iteration can be typed."""

    @property
    def data(self) -> Sequence[_T_co]: ...


class _Origin:
    """The call that produced a page: enough to ask for the page after it."""

    __slots__ = ("core", "op", "values", "body", "options")

    def __init__(
        self,
        core: ClientCore,
        op: Operation,
        values: dict[str, Any],
        body: Any,
        options: CallOptions | None,
    ) -> None:
        self.core = core
        self.op = op
        self.values = values
        self.body = body
        self.options = options


# (model class, wire name) -> attribute name; wire names differ from attribute names only
# when the generator had to rename a field (a keyword, say).
_ATTRS: dict[tuple[type, str], str | None] = {}


def _field(page: Any, wire: str) -> Any:
    cls = type(page)
    key = (cls, wire)
    try:
        attr = _ATTRS[key]
    except KeyError:
        attr = None
        for name, info in cls.model_fields.items():
            if (info.alias or name) == wire:
                attr = name
                break
        _ATTRS[key] = attr
    if attr is not None:
        return getattr(page, attr, None)
    extra = page.model_extra
    return extra.get(wire) if extra else None


def _item_id(item: Any) -> Any:
    if isinstance(item, dict):
        return item.get("id")
    return getattr(item, "id", None)


def _items(page: Any) -> Sequence[Any]:
    origin: _Origin | None = getattr(page, "_sdk_origin", None)
    name = origin.op.pagination.items_field if origin and origin.op.pagination else "data"
    items = _field(page, name)
    return items if isinstance(items, (list, tuple)) else ()


def _next_call(page: Any) -> tuple[_Origin, dict[str, Any]] | None:
    """The origin of ``page`` and the parameters of the next page, or None at the end."""
    origin: _Origin | None = getattr(page, "_sdk_origin", None)
    if origin is None or origin.op.pagination is None:
        return None
    spec = origin.op.pagination
    items = _items(page)
    more = _field(page, spec.has_more_field) if spec.has_more_field else None
    if more is not None and not more:
        return None
    if more is None and not items:  # no has_more to go by: an empty page is the end
        return None
    cursor = _field(page, spec.cursor_field) if spec.cursor_field else None
    if cursor is None and items and (spec.cursor_field is None or more):
        # no cursor field, or the server says more follow without giving one: the convention
        # of these APIs is that the id of the last item is the cursor
        cursor = _item_id(items[-1])
    previous = origin.values.get(spec.cursor_param)
    if cursor is None or cursor is NOT_GIVEN or cursor == previous:
        return None  # nowhere to go, or the server would send this same page again
    return origin, {**origin.values, spec.cursor_param: cursor}


class CursorPage(BaseModel):
    """Base of list results of cursor-paginated operations.

    ``next_page()`` fetches the following page (None after the last one);
    ``auto_paging_iter()`` yields every item of this page and of the pages after it,
    fetching each page only when the previous one has been consumed. The ``_async`` twins
    do the same with the async client.
    """

    # A slot, not a field: the origin never shows in printing, dumps, equality or pickles.
    __slots__ = ("_sdk_origin",)

    def has_next_page(self) -> bool:
        """Whether ``next_page()`` would fetch a page (the API says more follow, and there
        is a cursor to ask with)."""
        return _next_call(self) is not None

    def next_page(self: _P) -> _P | None:
        """The page after this one, or None when this is the last page."""
        step = _next_call(self)
        if step is None:
            return None
        origin, values = step
        return origin.core.request(
            origin.op, params=values, body=origin.body, options=origin.options
        )

    async def next_page_async(self: _P) -> _P | None:
        """The page after this one, fetched with the async client; None at the end."""
        step = _next_call(self)
        if step is None:
            return None
        origin, values = step
        return await origin.core.request_async(
            origin.op, params=values, body=origin.body, options=origin.options
        )

    @overload
    def auto_paging_iter(self: _DataPage[_T]) -> Iterator[_T]: ...

    @overload
    def auto_paging_iter(self) -> Iterator[Any]: ...

    def auto_paging_iter(self) -> Iterator[Any]:
        """Every item of this page and of all the pages after it, fetched lazily."""
        page: CursorPage | None = self
        while page is not None:
            yield from _items(page)
            page = page.next_page()

    @overload
    def auto_paging_iter_async(self: _DataPage[_T]) -> AsyncIterator[_T]: ...

    @overload
    def auto_paging_iter_async(self) -> AsyncIterator[Any]: ...

    async def auto_paging_iter_async(self) -> AsyncIterator[Any]:
        """``async for`` twin of ``auto_paging_iter``."""
        page: CursorPage | None = self
        while page is not None:
            for item in _items(page):
                yield item
            page = await page.next_page_async()


def attach_page(
    value: Any,
    core: ClientCore,
    op: Operation,
    values: dict[str, Any],
    body: Any,
    options: CallOptions | None,
) -> None:
    """Remember on a parsed list result the call that produced it."""
    if isinstance(value, CursorPage):
        object.__setattr__(value, "_sdk_origin", _Origin(core, op, values, body, options))
