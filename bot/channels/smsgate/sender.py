"""SMS through SMS Gateway for Android (an Android phone with a local SIM): its API
(`POST {url}/messages`, Basic auth with the username and password the app shows), in
Cloud, Private-server or the phone's Local Server mode (`--url` names the API root:
`https://api.sms-gate.app/3rdparty/v1`, or `http://PHONE:8080` on the phone itself).

Each message carries its own id (`mw-<row id>`), so a retry after a timeout is
answered 409 "already exists" rather than sent twice, and the delivery webhooks
(`sms:sent`, `sms:delivered`, `sms:failed`) name it. The phone splits long texts itself:
the cost is the segment count. Plain HTTP (`bot.channels.http` to send, httpx to
register) rather than the `android-sms-gateway` client: the calls are two, and the
contract test holds them to the published spec.
"""

from __future__ import annotations

import http.client
import json

import httpx
import urllib3

from bot.channels import http as wire_http
from bot.channels.base import OutboundMessage, Pace, SendResult
from bot.channels.table import ChannelConfig, inbound_urls
from bot.text import segments
from bot.text.render import as_text

# The webhooks Mashwara registers for a channel, and the delivery states they mean.
EVENTS = ("sms:received", "sms:sent", "sms:delivered", "sms:failed")


def external_id(message_id: int) -> str:
    return f"mw-{message_id}"


def webhook_id(config: ChannelConfig, event: str) -> str:
    """Stable, so registering again replaces rather than duplicates (<= 36 characters)."""
    return f"mashwara-{config.name}-{event.split(':')[1]}"[:36]


class SmsGateSender:
    def __init__(self, config: ChannelConfig, public_url: str, timeout: float = 20.0):
        self.channel = config.name
        self.config = config
        self.pace = Pace(config.rate)
        self._headers = {"Content-Type": "application/json", **urllib3.make_headers(
            basic_auth=f"{config.username or ''}:{config.password or ''}")}
        self._http = wire_http.Http(wire_http.CHANNEL_CONNECTIONS, timeout,
                                    f"smsgate-{config.name}")

    @staticmethod
    def body(message: OutboundMessage) -> str:
        return as_text(message.text, message.choices, message.language)

    def cost(self, message: OutboundMessage) -> int:
        return segments.count(self.body(message)).segments

    def payload(self, message: OutboundMessage) -> dict:
        return {"id": external_id(message.id), "textMessage": {"text": self.body(message)},
                "phoneNumbers": [message.address], "withDeliveryReport": True}

    async def send(self, message: OutboundMessage) -> SendResult:
        url = self.config.url.rstrip("/") + "/messages"
        try:
            response = await self._http.request(
                "POST", url, body=json.dumps(self.payload(message)).encode(),
                headers=self._headers)
        except wire_http.HTTPError as error:  # the phone offline, the server unreachable
            return SendResult.retry(type(error).__name__, code="network")
        code = str(response.status)
        if response.status in (200, 201, 202, 409):  # 409: taken on an earlier try
            return SendResult.sent(external_id(message.id), segments=self.cost(message))
        if response.status >= 500 or response.status == 429:
            # 503: "queue limits exceeded; ensure device is online"
            return SendResult.retry(_error(response), code=code)
        return SendResult.failed(_error(response), code=code)

    async def aclose(self) -> None:
        self._http.close()


def _error(response: wire_http.Response) -> str:
    reason = http.client.responses.get(response.status, "")
    try:
        return str(response.json().get("message", ""))[:200] or reason
    except (ValueError, AttributeError):
        return response.text[:200] or reason


def register_webhooks(config: ChannelConfig, public_url: str, timeout: float = 20.0) -> int:
    """Registers this channel's events URL with the gateway for every event Mashwara
    uses; returns how many were registered. Raises httpx.HTTPError when it cannot."""
    url = inbound_urls(config, public_url)["events"]
    with httpx.Client(timeout=timeout,
                      auth=(config.username or "", config.password or "")) as client:
        for event in EVENTS:
            response = client.post(config.url.rstrip("/") + "/webhooks",
                                   json={"id": webhook_id(config, event), "url": url,
                                         "event": event})
            response.raise_for_status()
    return len(EVENTS)


def build(config: ChannelConfig, public_url: str) -> SmsGateSender:
    return SmsGateSender(config, public_url)
