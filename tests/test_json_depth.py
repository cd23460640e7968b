"""Deeply nested JSON is refused with 400 before the parser recurses (it would raise
RecursionError, a 500), on the Telegram webhook and on the API."""

from __future__ import annotations

import pytest

from bot.core.json_depth import MAX_DEPTH, too_deep
from tests.dashboard_builders import bearer, make_token
from tests.fakes.fixtures import WEBHOOK_SECRET

DEEP = [
    "[" * 10_000 + "]" * 10_000,
    '{"a":' * 10_000 + "1" + "}" * 10_000,
    '{"update_id": 1, "message": ' + "[" * 100_000,  # unterminated too
]


@pytest.mark.parametrize("body", DEEP, ids=["arrays", "objects", "unterminated"])
def test_the_telegram_webhook_answers_400(channel_client, body):
    response = channel_client.post(
        "/webhooks/telegram", data=body, content_type="application/json",
        headers={"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET})
    assert response.status_code == 400


@pytest.mark.parametrize("body", DEEP, ids=["arrays", "objects", "unterminated"])
def test_the_api_answers_400_as_json(client, services, body):
    response = client.post("/api/v1/groups", data=body, content_type="application/json",
                           headers=bearer(make_token(services, "admin")))
    assert response.status_code == 400 and response.json["error"]["code"] == "bad_json"


def test_ordinary_nesting_still_parses(client, services):
    response = client.post("/api/v1/groups", json={"name": "Shura of Dand"},
                           headers=bearer(make_token(services, "admin")))
    assert response.status_code == 201


def test_brackets_inside_strings_do_not_count():
    text = '{"text": "' + "[" * 5000 + '\\"' + "{" * 5000 + '"}'
    assert not too_deep(text)
    assert not too_deep("[" * MAX_DEPTH + "]" * MAX_DEPTH)
    assert too_deep("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1))
