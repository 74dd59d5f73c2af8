"""Binary and text downloads, returned unread so large bodies are streamed, never held whole.

An operation whose success response is a file (``application/octet-stream``, ``image/png``,
``application/pdf``, ``text/csv``…) returns a ``Download`` (``AsyncDownload`` from the async
method). Use it as a context manager so the connection is released::

    with sdk.files.get_content(file_id="f1") as download:
        with open("out.bin", "wb") as f:
            for chunk in download.iter_bytes():
                f.write(chunk)

``read()`` / ``text()`` load everything when that is what you want.
"""

from __future__ import annotations

import sys
import warnings
from typing import TYPE_CHECKING, AsyncIterator, Iterator

import httpx

from .errors import APIConnectionError

if TYPE_CHECKING:  # asyncio is loaded by the async paths only (it is slow to import)
    import asyncio

__all__ = ["Download", "AsyncDownload", "aclose_soon"]

_CHUNK = 64 * 1024


class _Base:
    __slots__ = ("http_response", "kind", "_where")

    def __init__(self, response: httpx.Response, kind: str = "binary", where: str = "") -> None:
        self.http_response = response
        self.kind = kind  # "binary" or "text": what the spec declares
        self._where = where

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        return self.http_response.headers

    @property
    def content_type(self) -> str | None:
        """The media type the server sent (without parameters)."""
        value = self.http_response.headers.get("content-type")
        return value.split(";", 1)[0].strip() if value else None

    @property
    def content_length(self) -> int | None:
        value = self.http_response.headers.get("content-length")
        return int(value) if value and value.isdigit() else None

    @property
    def filename(self) -> str | None:
        """The file name from ``Content-Disposition``, when the server gives one."""
        disposition = self.http_response.headers.get("content-disposition", "")
        for part in disposition.split(";"):
            key, _, value = part.strip().partition("=")
            if key.lower() == "filename" and value:
                return value.strip().strip('"')
        return None

    def _dropped(self) -> bool:
        """Called by ``__del__``: whether the connection is still held; warns, as files do."""
        response = getattr(self, "http_response", None)
        if response is None or response.is_closed:
            return False
        warnings.warn(
            f"{self._where or 'download'}: download dropped without close(); its connection is"
            " released now. Use `with` or call close() when done.",
            ResourceWarning,
            source=self,
        )
        return True

    def _broken(self, exc: Exception) -> APIConnectionError:
        return APIConnectionError(f"{self._where} download failed: {type(exc).__name__}: {exc}")

    def __repr__(self) -> str:
        return f"<{type(self).__name__} [{self.status_code}] {self.content_type}>"


class Download(_Base):
    """A response body to read in chunks (``iter_bytes``, ``iter_text``, ``iter_lines``) or
    whole (``read``, ``text``). Close it, or use ``with``."""

    __slots__ = ()

    def iter_bytes(self, chunk_size: int = _CHUNK) -> Iterator[bytes]:
        try:
            yield from self.http_response.iter_bytes(chunk_size)
        except httpx.RequestError as exc:
            raise self._broken(exc) from exc
        finally:
            self.http_response.close()

    def iter_text(self, chunk_size: int = _CHUNK) -> Iterator[str]:
        try:
            yield from self.http_response.iter_text(chunk_size)
        except httpx.RequestError as exc:
            raise self._broken(exc) from exc
        finally:
            self.http_response.close()

    def iter_lines(self) -> Iterator[str]:
        try:
            yield from self.http_response.iter_lines()
        except httpx.RequestError as exc:
            raise self._broken(exc) from exc
        finally:
            self.http_response.close()

    def read(self) -> bytes:
        try:
            return self.http_response.read()
        except httpx.RequestError as exc:
            raise self._broken(exc) from exc
        finally:
            self.http_response.close()

    def text(self) -> str:
        self.read()
        return self.http_response.text

    def close(self) -> None:
        self.http_response.close()

    def __enter__(self) -> Download:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            if self._dropped():
                self.http_response.close()
        except Exception:  # interpreter shutdown: nothing to release
            pass


class AsyncDownload(_Base):
    """The async twin of ``Download``."""

    __slots__ = ()

    async def iter_bytes(self, chunk_size: int = _CHUNK) -> AsyncIterator[bytes]:
        try:
            async for chunk in self.http_response.aiter_bytes(chunk_size):
                yield chunk
        except httpx.RequestError as exc:
            raise self._broken(exc) from exc
        finally:
            await self.http_response.aclose()

    async def iter_text(self, chunk_size: int = _CHUNK) -> AsyncIterator[str]:
        try:
            async for chunk in self.http_response.aiter_text(chunk_size):
                yield chunk
        except httpx.RequestError as exc:
            raise self._broken(exc) from exc
        finally:
            await self.http_response.aclose()

    async def iter_lines(self) -> AsyncIterator[str]:
        try:
            async for line in self.http_response.aiter_lines():
                yield line
        except httpx.RequestError as exc:
            raise self._broken(exc) from exc
        finally:
            await self.http_response.aclose()

    async def read(self) -> bytes:
        try:
            return await self.http_response.aread()
        except httpx.RequestError as exc:
            raise self._broken(exc) from exc
        finally:
            await self.http_response.aclose()

    async def text(self) -> str:
        await self.read()
        return self.http_response.text

    async def close(self) -> None:
        await self.http_response.aclose()

    async def __aenter__(self) -> AsyncDownload:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    def __del__(self) -> None:
        try:
            if self._dropped():
                aclose_soon(self.http_response)
        except Exception:  # interpreter shutdown: nothing to release
            pass


_background: set[asyncio.Task[None]] = set()  # keeps close tasks alive until they finish


def aclose_soon(response: httpx.Response) -> None:
    """Close an async response from ``__del__``, where nothing can be awaited: as a task of
    the running loop. Without one (the loop is gone) its connections went with it."""
    asyncio = sys.modules.get("asyncio")  # not loaded: no loop can be running
    if asyncio is None:
        return
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return
    task = loop.create_task(response.aclose())
    _background.add(task)
    task.add_done_callback(_background.discard)
