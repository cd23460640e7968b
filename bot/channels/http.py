"""The senders' HTTP: blocking urllib3 pools, called from a thread pool.

A busy server's CPU goes to sending: against the fake providers, 32 requests in flight
answered after 100 ms, a request through httpx's AsyncClient cost 1.2-1.3 ms of CPU and
the same request through urllib3 on a thread 0.4 ms (`bench/broadcast_pacing.py` prints
the sending path's CPU per message). Each request says when it has been written
(`bot.channels.wire.on_wire`), from the thread that wrote it: the caller's context goes
with the call.
"""

from __future__ import annotations

import asyncio
import contextvars
import json
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import urllib3
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from bot.channels.wire import on_wire

# urllib3 logs each request's URL at DEBUG (`mashwara -v`): a Bot API URL holds the bot's
# token, a Kannel one the password, the number and the text.
logging.getLogger("urllib3").setLevel(logging.WARNING)

# What a request raises when its connection failed, dropped or timed out; `Timeout` is
# the timeouts among them.
HTTPError = urllib3.exceptions.HTTPError
Timeout = urllib3.exceptions.TimeoutError


class _WiredHTTP(HTTPConnection):
    def request(self, *args, **kwargs) -> None:
        super().request(*args, **kwargs)
        on_wire()  # the request is written: pacing counts it from now


class _WiredHTTPS(HTTPSConnection):
    def request(self, *args, **kwargs) -> None:
        super().request(*args, **kwargs)
        on_wire()


class _WiredHTTPPool(HTTPConnectionPool):
    ConnectionCls = _WiredHTTP


class _WiredHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WiredHTTPS


# Requests in flight at once on one Kannel or SMSGate channel: far more than a link
# of 100 messages a second needs (smsbox answers in milliseconds), few enough for a
# phone serving the API itself.
CHANNEL_CONNECTIONS = 16

# For urllib3 pool managers whose requests should say when they are written.
WIRED_POOLS = {"http": _WiredHTTPPool, "https": _WiredHTTPSPool}


@dataclass(frozen=True)
class Response:
    status: int
    data: bytes

    @property
    def text(self) -> str:
        return self.data.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.data)


class Http:
    """Up to `size` requests at once, each on a kept-alive connection; no retries and no
    redirects followed (a verdict decides what happens next)."""

    def __init__(self, size: int, timeout: float, name: str = "http"):
        self._pool = urllib3.PoolManager(
            num_pools=4, maxsize=size, block=True, retries=False,
            timeout=urllib3.Timeout(connect=timeout, read=timeout))
        self._pool.pool_classes_by_scheme = WIRED_POOLS
        self._threads = ThreadPoolExecutor(size, name)

    async def request(self, method: str, url: str, *, body: bytes | None = None,
                      fields: dict[str, str] | None = None,
                      headers: dict[str, str] | None = None) -> Response:
        """`fields`: a query string for GET, a form for POST."""
        return await asyncio.get_running_loop().run_in_executor(
            self._threads, contextvars.copy_context().run, self._request, method, url, body,
            fields, headers)

    def _request(self, method: str, url: str, body: bytes | None,
                 fields: dict[str, str] | None, headers: dict[str, str] | None) -> Response:
        if fields is not None and method != "GET":
            answer = self._pool.request(method, url, fields=fields, headers=headers,
                                        encode_multipart=False)
        else:
            answer = self._pool.request(method, url, body=body, fields=fields, headers=headers)
        return Response(answer.status, answer.data)

    def close(self) -> None:
        self._threads.shutdown(wait=False)
        self._pool.clear()
