"""The simulator channel: `mashwara chat` and the tests talk to the flows through it.

Sending is recording: the message is marked sent, and `mashwara chat` reads it from
the message log.
"""

from __future__ import annotations

from bot.channels.base import OutboundMessage, SendResult


class SimSender:
    channel = "sim"

    async def send(self, message: OutboundMessage) -> SendResult:
        return SendResult.sent(f"sim-{message.id}")
