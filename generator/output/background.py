"""One function call in a forked child process, so a slow stage (the spec validator) runs while
the parent goes on with the next ones. Linux only (fork is cheap and the child starts with every
module and the loaded spec already there); elsewhere, and whenever the child fails, the call runs
in the parent when its result is asked for, so the outcome is the same either way."""

from __future__ import annotations

import os
import pickle
import signal
import sys
from typing import Any, Callable


class _Child:
    """What both kinds of child share: the answer (or the call made here instead) and the kill."""

    fn: Callable[..., Any]
    args: tuple[Any, ...] | None
    pid: int

    def result(self) -> Any:
        if self.args is None:
            raise RuntimeError("result() before send()")
        if self.pid:
            try:
                data = _read_all(self._answer_fd())
            finally:
                self._reap()
            ok, value = _answer(data)
            if ok:
                return value
        return self.fn(*self.args)

    def done(self) -> bool:
        """Has the child started answering (so `result()` will not wait long)? True when there
        is no child (the call will run here)."""
        if not self.pid:
            return True
        import select

        return bool(select.select([self._answer_fd()], [], [], 0)[0])

    def cancel(self) -> None:
        """Stop the child (its work is not needed, or the run failed)."""
        if self.pid:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except OSError:
                pass
            self._reap()

    def _answer_fd(self) -> int:
        raise NotImplementedError

    def _reap(self) -> None:
        raise NotImplementedError


class Forked(_Child):
    def __init__(self, fn: Callable[..., Any], *args: Any) -> None:
        self.fn, self.args = fn, args
        self.pid = 0
        self.fd = -1
        if not sys.platform.startswith("linux"):
            return
        try:
            read, write = os.pipe()
            pid = os.fork()
        except OSError:
            return
        if pid == 0:  # the child: run, send the pickled result, leave without cleanup of the parent's state
            os.close(read)
            _reply(write, fn, lambda: args)
        os.close(write)
        self.pid, self.fd = pid, read

    def _answer_fd(self) -> int:
        return self.fd

    def _reap(self) -> None:
        os.close(self.fd)
        os.waitpid(self.pid, 0)
        self.pid, self.fd = 0, -1


class Prepared(_Child):
    """A forked child that gets ready at once (``prepare``: the slow imports of a later stage)
    and runs ``fn`` when it is sent the arguments, so those imports overlap the stages before.
    Linux only; elsewhere, when it is cancelled, and whenever the child fails, ``result()``
    runs ``fn`` here, so the outcome is the same either way."""

    def __init__(self, prepare: Callable[[], Any], fn: Callable[..., Any]) -> None:
        self.fn = fn
        self.args: tuple[Any, ...] | None = None
        self.pid = 0
        self._to_child = self._from_child = -1
        self._sender: Any = None
        if not sys.platform.startswith("linux"):
            return
        try:
            down_read, down_write = os.pipe()
            up_read, up_write = os.pipe()
            pid = os.fork()
        except OSError:
            return
        if pid == 0:  # the child: get ready, wait for the arguments, run, answer, leave
            os.close(down_write)
            os.close(up_read)
            try:
                prepare()
            except Exception:  # noqa: BLE001 - fn will fail the same way, and be run again
                pass

            def arguments() -> Any:
                # a length first: processes forked after this one hold the writing end too, so
                # the end of the arguments cannot be told by the pipe closing
                size = int.from_bytes(_read_exactly(down_read, 8), "big")
                return pickle.loads(_read_exactly(down_read, size))

            _reply(up_write, fn, arguments)
        os.close(down_read)
        os.close(up_write)
        self.pid, self._to_child, self._from_child = pid, down_write, up_read

    def send(self, *args: Any) -> None:
        """Hand over the arguments; returns at once (a thread writes them: the child reads
        only once it is ready)."""
        self.args = args
        if not self.pid:
            return
        import threading

        data = pickle.dumps(args, protocol=pickle.HIGHEST_PROTOCOL)
        data = len(data).to_bytes(8, "big") + data
        fd = self._to_child
        self._to_child = -1

        def send() -> None:
            try:
                _write_all(fd, data)
            except OSError:  # the child is gone: result() runs fn here
                pass
            finally:
                os.close(fd)

        self._sender = threading.Thread(target=send, daemon=True)
        self._sender.start()

    def _answer_fd(self) -> int:
        return self._from_child

    def _reap(self) -> None:
        if self._sender is not None:
            self._sender.join()
            self._sender = None
        for fd in (self._to_child, self._from_child):
            if fd >= 0:
                os.close(fd)
        self._to_child = self._from_child = -1
        os.waitpid(self.pid, 0)
        self.pid = 0


def _reply(fd: int, fn: Callable[..., Any], arguments: Callable[[], Any]) -> None:
    """In a child: run ``fn`` on the arguments, send the pickled outcome, and leave without the
    parent's cleanup (``os._exit``)."""
    code = 0
    try:
        data = pickle.dumps(("ok", fn(*arguments())), protocol=pickle.HIGHEST_PROTOCOL)
    except BaseException:  # noqa: BLE001 - the parent runs it again and sees the real error
        data, code = pickle.dumps(("failed", None)), 1
    try:
        _write_all(fd, data)
    finally:
        os._exit(code)


def _answer(data: bytes) -> tuple[bool, Any]:
    """(True, value) from a child's reply; (False, None) when it failed, was killed or cut short."""
    try:
        status, value = pickle.loads(data)
    except Exception:  # noqa: BLE001
        return False, None
    return status == "ok", value


def _read_all(fd: int) -> bytes:
    chunks = []
    while True:
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _read_exactly(fd: int, size: int) -> bytes:
    chunks = []
    while size > 0:
        chunk = os.read(fd, min(size, 1 << 20))
        if not chunk:
            raise EOFError("the pipe closed early")
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]
