"""A fake Twilio REST API: the Messages resource, answering like the real one."""

from __future__ import annotations

import base64
import itertools
import uuid

from tests.fakes.server import FakeServer, Request

OPTED_OUT = {"code": 21610, "message": "Attempt to send to unsubscribed recipient",
             "more_info": "https://www.twilio.com/docs/errors/21610", "status": 400}


class FakeTwilio(FakeServer):
    def __init__(self, account_sid: str, auth_token: str):
        super().__init__()
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.opted_out: set[str] = set()
        self.invalid: set[str] = set()
        self.numbers = itertools.count()

    def sent(self) -> list[dict]:
        return [r.params for r in self.requests if r.path.endswith("/Messages.json")]

    def answer(self, request: Request) -> tuple[int, dict]:
        expected = f"/2010-04-01/Accounts/{self.account_sid}/Messages.json"
        if request.path != expected or request.method != "POST":
            return 404, {"code": 20404, "message": "Not found", "status": 404}
        if not self._authorised(request):
            return 401, {"code": 20003, "message": "Authenticate", "status": 401}
        params = request.params
        if params.get("To") in self.opted_out:
            return 400, OPTED_OUT
        if params.get("To") in self.invalid:  # Twilio's own words quote the number
            return 400, {"code": 21211, "status": 400,
                         "message": f"The 'To' number {params['To']} is not a valid phone number.",
                         "more_info": "https://www.twilio.com/docs/errors/21211"}
        return 201, self._message(params)

    def _authorised(self, request: Request) -> bool:
        given = request.headers.get("Authorization", "")
        wanted = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        return given == f"Basic {wanted}"

    def _message(self, params: dict) -> dict:
        sid = "SM" + uuid.uuid4().hex
        return {
            "sid": sid, "account_sid": self.account_sid, "to": params.get("To"),
            "from": params.get("From"), "messaging_service_sid": params.get("MessagingServiceSid"),
            "body": params.get("Body"), "status": "queued", "num_segments": "1",
            "direction": "outbound-api", "api_version": "2010-04-01", "price": None,
            "error_code": None, "error_message": None,
            "uri": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}.json",
            "date_created": "Mon, 23 Nov 2026 02:00:00 +0000",
        }
