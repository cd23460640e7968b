"""SMS through Kannel: smsbox's `sendsms` HTTP interface, to an operator or aggregator
link (SMPP and the rest are Kannel's business).

The text goes in as UTF-8 (`charset=UTF-8`); a text that GSM-7 cannot carry (Dari,
Pashto, Arabic) is asked for as UCS-2 (`coding=2`), the rest as GSM-7 (`coding=0`).
Kannel splits and concatenates long texts, so the cost is the segment count. Every
message asks for delivery reports (`dlr-mask`) at this channel's status URL, which
carries the message's id: Kannel's answer to sendsms has no id of its own.
"""

from __future__ import annotations

import logging

from bot.channels import http
from bot.channels.base import OutboundMessage, Pace, SendResult
from bot.channels.table import KANNEL_DLR_MASK, ChannelConfig, base_path
from bot.text import segments
from bot.text.render import as_text

log = logging.getLogger(__name__)

ACCEPTED = (200, 202)  # "0: Accepted for delivery", "3: Queued for later delivery"


def external_id(message_id: int) -> str:
    return f"k{message_id}"


class KannelSender:
    def __init__(self, config: ChannelConfig, public_url: str, timeout: float = 15.0):
        self.channel = config.name
        self.config = config
        self.pace = Pace(config.rate)
        public = public_url.rstrip("/")
        self.status_url = public + base_path(config) + "/status" if public else None
        self._http = http.Http(http.CHANNEL_CONNECTIONS, timeout, f"kannel-{config.name}")

    @staticmethod
    def body(message: OutboundMessage) -> str:
        return as_text(message.text, message.choices, message.language)

    def cost(self, message: OutboundMessage) -> int:
        return segments.count(self.body(message)).segments

    def params(self, message: OutboundMessage) -> dict[str, str]:
        body = self.body(message)
        ucs2 = segments.count(body).encoding == "UCS-2"
        params = {
            "username": self.config.username or "", "password": self.config.password or "",
            "to": message.address, "text": body, "charset": "UTF-8",
            "coding": "2" if ucs2 else "0",
        }
        if self.config.sender:
            params["from"] = self.config.sender
        if self.status_url:
            # Kannel fills in %d (the report's type) when it calls back.
            params["dlr-mask"] = str(KANNEL_DLR_MASK)
            params["dlr-url"] = f"{self.status_url}?id={external_id(message.id)}&type=%d"
        return params

    async def send(self, message: OutboundMessage) -> SendResult:
        try:
            response = await self._http.request("GET", self.config.url,
                                                fields=self.params(message))
        except http.HTTPError as error:
            return SendResult.retry(f"{type(error).__name__}", code="network")
        answer = response.text.strip()[:200]
        if response.status in ACCEPTED:
            return SendResult.sent(external_id(message.id),
                                   segments=self.cost(message))
        if response.status >= 500 or response.status == 429:
            # 503 "Sending failed": bearerbox is down or its queue is full.
            return SendResult.retry(answer or "kannel unavailable",
                                    code=str(response.status))
        # 4xx: bad credentials, a number Kannel refuses, no route to an SMSC.
        return SendResult.failed(answer or "refused by kannel", code=str(response.status))

    async def aclose(self) -> None:
        self._http.close()


def build(config: ChannelConfig, public_url: str) -> KannelSender:
    return KannelSender(config, public_url)
