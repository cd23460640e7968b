"""The dashboard's SMS channels page and /api/v1/channels: each channel's state, last
message in and out, and queue, for admins only; never a URL or a secret."""

from __future__ import annotations

import pytest

from bot.channels import table
from bot.core.clock import now
from bot.outbound.outbox import enqueue
from bot.store import ChannelState, Identity
from tests.builders import make_contact
from tests.dashboard_builders import bearer, make_token, signed_in


@pytest.fixture
def two_channels(services):
    roshan = table.add(services.database, "kannel", "roshan", "http://10.1.1.1/cgi-bin/sendsms",
                       username="mw", password="sendsms-pass", prefixes=("af:roshan",),
                       at=now())
    table.add(services.database, "smsgate", "phone1", "https://api.sms-gate.app/3rdparty/v1",
              username="U", password="P", rate=0.5, at=now())
    table.set_state(services.database, "phone1", ChannelState.DOWN, now())
    table.seen(services.database, "roshan", now(), inbound=True)
    _, identity_id, _ = make_contact(services, channel="roshan")
    with services.database.write() as db:
        for n in range(3):
            enqueue(db, db.get(Identity, identity_id), f"notice {n}", now=now())
    return roshan


def test_admins_see_each_channels_state_and_queue(app, services, two_channels):
    client = signed_in(app, services, "admin")
    page = client.get("/dashboard/channels/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "roshan" in html and "phone1" in html
    assert "+9379 +9372" in html and "down: bulk goes another way" in html
    assert ">3</td>" in html  # three messages waiting for roshan
    for secret in ("sendsms-pass", two_channels.secret, "10.1.1.1"):
        assert secret not in html


@pytest.mark.parametrize("role", ["viewer", "coordinator"])
def test_other_roles_do_not_see_the_channels(app, services, two_channels, role):
    assert signed_in(app, services, role).get("/dashboard/channels/").status_code == 403


def test_the_api_lists_the_channels(app, services, two_channels):
    response = app.test_client().get("/api/v1/channels",
                                     headers=bearer(make_token(services, "admin")))
    assert response.status_code == 200
    items = {item["name"]: item for item in response.get_json()["items"]}
    assert items["roshan"]["queued"] == 3 and items["roshan"]["state"] == "up"
    assert items["roshan"]["last_in_at"] is not None
    assert (items["phone1"]["state"], items["phone1"]["per_minute"]) == ("down", 30)
    assert "sendsms-pass" not in response.get_data(as_text=True)
    viewer = bearer(make_token(services, "viewer"))
    assert app.test_client().get("/api/v1/channels", headers=viewer).status_code == 403
