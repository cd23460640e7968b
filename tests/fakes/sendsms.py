"""smsbox's sendsms interface, faked: every request recorded, 202 "0: Accepted for delivery"
(the real Kannel is in tests/fakes/kannel.py, for the tests that need the whole gateway)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from tests.fakes.server import FakeServer


class FakeSendsms(FakeServer):
    def answer(self, request):
        return 202, "0: Accepted for delivery"

    def sent(self) -> list[dict]:
        """The query of each sendsms call: to, text, coding, dlr-url..."""
        return [{k: v[0] for k, v in parse_qs(urlsplit(r.path).query).items()}
                for r in self.requests]

    def texts(self) -> list[str]:
        return [one["text"] for one in self.sent()]
