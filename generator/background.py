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


class Forked:
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
            code = 0
            try:
                os.close(read)
                data = pickle.dumps(("ok", fn(*args)), protocol=pickle.HIGHEST_PROTOCOL)
            except BaseException:  # noqa: BLE001 - the parent runs it again and sees the real error
                data, code = pickle.dumps(("failed", None)), 1
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(write, view):]
            finally:
                os._exit(code)
        os.close(write)
        self.pid, self.fd = pid, read

    def done(self) -> bool:
        """Has the child started answering (so `result()` will not wait long)?"""
        if not self.pid:
            return True
        import select

        return bool(select.select([self.fd], [], [], 0)[0])

    def result(self) -> Any:
        if self.pid:
            chunks = []
            try:
                while True:
                    chunk = os.read(self.fd, 1 << 20)
                    if not chunk:
                        break
                    chunks.append(chunk)
            finally:
                os.close(self.fd)
                os.waitpid(self.pid, 0)
                self.pid, self.fd = 0, -1
            try:
                status, value = pickle.loads(b"".join(chunks))
            except Exception:  # noqa: BLE001 - killed, or cut short: run it here
                status, value = "failed", None
            if status == "ok":
                return value
        return self.fn(*self.args)

    def cancel(self) -> None:
        if self.pid:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except OSError:
                pass
            os.close(self.fd)
            os.waitpid(self.pid, 0)
            self.pid, self.fd = 0, -1
