"""An httpx transport whose connections end every read, write and connect by the current request's deadline.

A request's wall-clock deadline must hold inside one slow read too: a server that drips its headers one byte
at a time keeps each read short, so per-read timeouts never fire. The connection pool's sockets here cut
every wait to what is left of the deadline set with :func:`limit_requests` by the thread making the request,
and give up early when that request's cancel event is set.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import httpcore
import httpx


def limit_requests(deadline: float | None, cancel: threading.Event | None) -> None:
    """Set the deadline (``time.monotonic()`` seconds) and cancel event of this thread's next requests.

    ``limit_requests(None, None)`` lifts both.

    Example:
        >>> limit_requests(time.monotonic() + 5.0, None)
        >>> 0 < _bounded(30.0, TimeoutError) <= 5.0
        True
        >>> limit_requests(None, None)
        >>> _bounded(30.0, TimeoutError)
        30.0

    """
    _local.deadline, _local.cancel = deadline, cancel


_local = threading.local()
"""The deadline (``time.monotonic()``) and cancel event of the request the current thread is making, if any."""

_READ_SLICE = 0.25
"""Longest single wait for bytes before a cancelled request notices."""


def _bounded(timeout: float | None, error: type[Exception]) -> float | None:
    """``timeout`` cut to what is left of this thread's deadline; raises ``error`` when none is left."""
    deadline = getattr(_local, "deadline", None)
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise error("the request's deadline passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every read and write ends by the current request's deadline."""

    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        cancel: threading.Event | None = getattr(_local, "cancel", None)
        if cancel is None:
            return self._stream.read(max_bytes, _bounded(timeout, httpcore.ReadTimeout))
        end = None if timeout is None else time.monotonic() + timeout
        while True:  # short waits, so that a cancelled request drops its connection (the server can stop)
            if cancel.is_set():
                raise httpcore.ReadError("request cancelled")
            wait = _bounded(_READ_SLICE, httpcore.ReadTimeout)
            if end is not None:
                if end <= time.monotonic():
                    raise httpcore.ReadTimeout("read timed out")
                wait = min(wait or _READ_SLICE, end - time.monotonic())
            try:
                return self._stream.read(max_bytes, wait)
            except httpcore.ReadTimeout:
                continue

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _bounded(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        return _DeadlineStream(self._stream.start_tls(ssl_context, server_hostname,
                                                      _bounded(timeout, httpcore.ConnectTimeout)))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's socket backend, with connections that honour the current request's deadline."""

    def __init__(self) -> None:
        self._backend = httpcore.SyncBackend()

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Any = None) -> httpcore.NetworkStream:
        return _DeadlineStream(self._backend.connect_tcp(host, port, _bounded(timeout, httpcore.ConnectTimeout),
                                                         local_address, socket_options))

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Any = None) -> httpcore.NetworkStream:  # pragma: no cover
        return _DeadlineStream(self._backend.connect_unix_socket(path, _bounded(timeout, httpcore.ConnectTimeout),
                                                                 socket_options))

    def sleep(self, seconds: float) -> None:  # pragma: no cover
        self._backend.sleep(seconds)


class DeadlineTransport(httpx.HTTPTransport):
    """httpx's transport on a connection pool whose sockets honour each request's deadline."""

    def __init__(self, keepalive: int) -> None:
        limits = httpx.Limits(max_connections=None, max_keepalive_connections=keepalive)
        super().__init__(limits=limits, retries=0)
        if isinstance(getattr(self, "_pool", None), httpcore.ConnectionPool):
            # Without this pool the deadline still holds between chunks, but not inside one slow read.
            self._pool = httpcore.ConnectionPool(
                ssl_context=httpx.create_ssl_context(), max_connections=None, max_keepalive_connections=keepalive,
                keepalive_expiry=limits.keepalive_expiry, retries=0, network_backend=_DeadlineBackend(),
            )
