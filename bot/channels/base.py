"""The neutral shapes that cross a channel boundary.

A webhook turns a provider payload into an `InboundMessage`; a sender turns an
`OutboundMessage` into one provider call and answers with a `SendResult`. Nothing on
the far side of these types knows which provider is involved.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Protocol

from bot.text.render import Choice


@dataclass(frozen=True)
class InboundMessage:
    channel: str
    address: str
    text: str = ""
    external_id: str | None = None
    # A button press carries the number of the option it stands for ("2").
    choice: str | None = None
    # Provider extras a flow may use: location, media references, display name.
    attachments: tuple[dict, ...] = ()
    language_hint: str | None = None


@dataclass(frozen=True)
class OutboundMessage:
    id: int
    channel: str
    address: str
    text: str
    choices: tuple[Choice, ...] = ()
    language: str = "en"
    extra: dict = field(default_factory=dict)
    # A conversation reply or an alert: paced ahead of the bulk already waiting.
    urgent: bool = False


class Verdict(enum.StrEnum):
    SENT = "sent"
    RETRY = "retry"  # temporary: timeout, 5xx, 429
    FAILED = "failed"  # permanent: the provider refused this message
    STOPPED = "stopped"  # the recipient blocked us or opted out


@dataclass(frozen=True)
class SendResult:
    verdict: Verdict
    external_id: str | None = None
    retry_after: float | None = None
    error_code: str | None = None
    error: str | None = None
    # SMS segments this message cost, for the row (None on other channels).
    segments: int | None = None

    @classmethod
    def sent(cls, external_id: str | None = None, segments: int | None = None) -> SendResult:
        return cls(Verdict.SENT, external_id=external_id, segments=segments)

    @classmethod
    def retry(cls, error: str, retry_after: float | None = None, code: str | None = None):
        return cls(Verdict.RETRY, retry_after=retry_after, error=error, error_code=code)

    @classmethod
    def failed(cls, error: str, code: str | None = None) -> SendResult:
        return cls(Verdict.FAILED, error=error, error_code=code)

    @classmethod
    def stopped(cls, error: str, code: str | None = None) -> SendResult:
        return cls(Verdict.STOPPED, error=error, error_code=code)


@dataclass(frozen=True)
class Pace:
    """A channel's sending limits: `rate` units per second overall, and at most
    `per_address` units per second to one address (None: no such limit)."""

    rate: float
    per_address: float | None = None


class Sender(Protocol):
    """Delivers one message with one provider call. Senders are async so the
    dispatcher can keep many calls in flight while honouring each channel's pace.

    A sender may also have `pace: Pace` and `cost(message) -> int` (units of that
    pace the message uses: SMS segments, Telegram calls); without them the channel is
    not paced."""

    channel: str

    async def send(self, message: OutboundMessage) -> SendResult: ...
