"""SMS through Twilio's REST API (the twilio library's Client).

The text is rendered with numbered choices, counted in segments (stored on the row,
and the unit of the sender's pace), and sent from TWILIO_FROM: a number, or a
Messaging Service SID (MG...). Twilio's client is synchronous, so calls run on a
thread pool sized like the dispatcher's concurrency.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from concurrent.futures import ThreadPoolExecutor

from requests import RequestException
from requests.adapters import HTTPAdapter
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from bot.channels.base import OutboundMessage, Pace, SendResult
from bot.channels.http import WIRED_POOLS
from bot.core.config import Settings
from bot.text import segments
from bot.text.render import as_text

# The client logs every request and response at INFO: too much, too near personal data.
logging.getLogger("twilio.http_client").setLevel(logging.WARNING)

OPTED_OUT = 21610  # "Attempt to send to unsubscribed recipient"
STATUS_PATH = "/webhooks/twilio/status"


class WiredAdapter(HTTPAdapter):
    """Says when each request has been written (bot.channels.wire)."""

    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = WIRED_POOLS


def verdict(error: TwilioRestException) -> SendResult:
    code = str(error.code or error.status)
    if error.status == 429 or error.status >= 500:
        return SendResult.retry(error.msg, code=code)
    if error.code == OPTED_OUT:
        return SendResult.stopped(error.msg, code=code)
    return SendResult.failed(error.msg, code=code)


class TwilioSender:
    channel = "sms"

    def __init__(self, settings: Settings, timeout: float = 20.0):
        http = TwilioHttpClient(timeout=timeout)
        # One kept-alive connection per send in flight (requests keeps 10 by default, and
        # past that opens and discards a connection for every message).
        adapter = WiredAdapter(pool_connections=1, pool_maxsize=settings.dispatch_concurrency)
        for scheme in ("https://", "http://"):
            http.session.mount(scheme, adapter)
        self.client = Client(settings.twilio_account_sid, settings.twilio_auth_token,
                             http_client=http)
        self.client.api.base_url = settings.twilio_api_url.rstrip("/")
        origin = settings.twilio_from
        self.origin = ({"messaging_service_sid": origin} if origin.startswith("MG")
                       else {"from_": origin})
        public = settings.public_url.rstrip("/")
        self.status_callback = public + STATUS_PATH if public else None
        self.pace = Pace(settings.sms_rate)
        self._pool = ThreadPoolExecutor(settings.dispatch_concurrency, "twilio")

    @staticmethod
    def body(message: OutboundMessage) -> str:
        return as_text(message.text, message.choices, message.language)

    def cost(self, message: OutboundMessage) -> int:
        return segments.count(self.body(message)).segments

    async def send(self, message: OutboundMessage) -> SendResult:
        body = self.body(message)
        loop = asyncio.get_running_loop()
        try:
            # In this task's context, so that the thread reaches its `ON_WIRE`.
            created = await loop.run_in_executor(
                self._pool, contextvars.copy_context().run, self._create, message.address, body)
        except TwilioRestException as error:
            return verdict(error)
        except (RequestException, TwilioException) as error:
            return SendResult.retry(f"{type(error).__name__}: {error}", code="network")
        return SendResult.sent(created.sid, segments=segments.count(body).segments)

    def _create(self, to: str, body: str):
        extra = {"status_callback": self.status_callback} if self.status_callback else {}
        return self.client.messages.create(to=to, body=body, **self.origin, **extra)

    async def aclose(self) -> None:
        self._pool.shutdown(wait=False)


def factory(settings: Settings) -> TwilioSender | None:
    return TwilioSender(settings) if settings.sms_enabled else None
