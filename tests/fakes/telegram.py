"""A fake Telegram Bot API: /bot<token>/<method>, answering like the real one."""

from __future__ import annotations

import itertools
import json
import time

from tests.fakes.server import FakeServer, Request


class FakeTelegram(FakeServer):
    def __init__(self):
        super().__init__()
        self.message_ids = itertools.count(1000)
        self.updates: list[dict] = []
        self.webhook: dict | None = None

    def calls(self, method: str) -> list[Request]:
        return [r for r in self.requests if r.path.rsplit("/", 1)[-1] == method]

    def sent(self) -> list[dict]:
        """sendMessage parameters, with reply_markup decoded and chat_id as a string
        (the Bot API takes either, a form sends a string and JSON a number)."""
        out = []
        for request in self.calls("sendMessage"):
            params = dict(request.params)
            if isinstance(params.get("reply_markup"), str):
                params["reply_markup"] = json.loads(params["reply_markup"])
            if "chat_id" in params:
                params["chat_id"] = str(params["chat_id"])
            out.append(params)
        return out

    def answer(self, request: Request) -> tuple[int, dict]:
        method = request.path.rsplit("/", 1)[-1]
        handler = getattr(self, f"_{method}", None)
        if handler is None:
            return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
        return 200, {"ok": True, "result": handler(request.params)}

    def _getMe(self, _params):
        return {"id": 42, "is_bot": True, "first_name": "Mashwara", "username": "mashwara_bot"}

    def _sendMessage(self, params):
        chat = int(params["chat_id"])
        return {"message_id": next(self.message_ids), "date": int(time.time()),
                "chat": {"id": chat, "type": "private"}, "text": params.get("text", "")}

    def _answerCallbackQuery(self, _params):
        return True

    def _setWebhook(self, params):
        self.webhook = params
        return True

    def _deleteWebhook(self, _params):
        self.webhook = None
        return True

    def _getUpdates(self, params):
        offset = int(params.get("offset") or 0)
        with self.lock:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
            pending = list(self.updates)
        if not pending:
            time.sleep(min(float(params.get("timeout") or 0), 0.2))
        return pending
