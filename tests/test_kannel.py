"""SMS through a real Kannel: a phone on the fake SMSC writes, Mashwara (served over
HTTP on loopback) answers, the answer leaves through smsbox's sendsms and reaches the
phone, and Kannel's delivery report comes back. Kannel is configured with the
`sms-service` group that `mashwara channels show` prints."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from bot.channels import table
from bot.core.clock import now
from bot.outbound.outbox import choices_of, enqueue
from bot.store import ChannelRow, Direction, Identity, Message, Status
from bot.text.render import as_text
from tests.builders import make_contact, running, web_app
from tests.fakes.kannel import PASSWORD, SHORT_CODE, USERNAME, Kannel, free_port

pytestmark = [pytest.mark.kannel, pytest.mark.slow]
NAME = "roshan"


class Served:
    def __init__(self, services, port: int):
        self.server = make_server("127.0.0.1", port, web_app(services), threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()


@pytest.fixture
def line(settings, tmp_path):
    """Mashwara on a free port, a Kannel channel in its table, and Kannel running."""
    web, sendsms = free_port(), free_port()
    public = f"http://127.0.0.1:{web}"
    with running(settings.with_overrides(public_url=public)) as services:
        config = table.add(services.database, "kannel", NAME,
                           f"http://127.0.0.1:{sendsms}/cgi-bin/sendsms", username=USERNAME,
                           password=PASSWORD, sender=SHORT_CODE, rate=20.0, at=now())
        served = Served(services, web)
        kannel = Kannel(tmp_path, table.kannel_service_group(config, public), sendsms)
        try:
            kannel.start()
            yield services, kannel
        finally:
            kannel.stop()
            served.stop()


def rows(services, direction):
    with services.database.read() as db:
        found = list(db.scalars(select(Message).where(Message.direction == direction)
                                .order_by(Message.id)))
    return found


def eventually(check, timeout=60.0):  # generous: a busy CI machine delays the report
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    return check()


def converse(services, kannel, number, text, ucs2=False):
    """The phone writes; returns (the inbound row, the replies the phone got, the rows)."""
    before = len(rows(services, Direction.OUT))
    phone = kannel.phone(number, text, ucs2=ucs2)
    try:
        assert eventually(lambda: rows(services, Direction.OUT)[before:]), kannel.logs()
        time.sleep(0.3)  # the request that answers may still be writing
        inbound = rows(services, Direction.IN)
        replies = rows(services, Direction.OUT)[before:]
        assert all(r.channel == NAME for r in replies)
        services.dispatcher.run_once([NAME])
        got = phone.wait(len(replies))
    finally:
        phone.hang_up()
    return inbound[-1], got, rows(services, Direction.OUT)[before:]


def delivered(services, ids):
    def check():
        with services.database.read() as db:
            return all(db.get(Message, i).status == Status.DELIVERED for i in ids)
    return eventually(check)


def test_an_sms_reaches_mashwara_and_the_reply_comes_back_through_kannel(line):
    services, kannel = line
    inbound, got, replies = converse(services, kannel, "+93700111222", "hello")
    assert (inbound.channel, inbound.text) == (NAME, "hello")
    assert [g.text for g in got] == [as_text(r.text, _choices(r), r.language) for r in replies]
    assert all(g.to == "+93700111222" and g.sender == SHORT_CODE for g in got)
    # The welcome names the languages in their scripts: UCS-2.
    assert [g.coding for g in got] == ["ucs-2"] * len(got)
    assert delivered(services, [r.id for r in replies]), kannel.logs()
    # English chosen: the next question is plain GSM-7 text.
    _, got, replies = converse(services, kannel, "+93700111222", "1")
    assert got and [g.coding for g in got] == ["text"] * len(got)
    assert [g.text for g in got] == [as_text(r.text, _choices(r), r.language) for r in replies]
    assert delivered(services, [r.id for r in replies]), kannel.logs()


def test_a_dari_conversation_travels_as_ucs2_both_ways(line):
    services, kannel = line
    make_contact(services, lang="fa", channel=NAME, address="+93799123456")
    inbound, got, replies = converse(services, kannel, "+93799123456", "کمک", ucs2=True)
    assert inbound.text == "کمک"
    assert got and all(g.coding == "ucs-2" for g in got)
    assert [g.text for g in got] == [as_text(r.text, _choices(r), r.language) for r in replies]
    assert any("\u0600" <= ch <= "\u06ff" for ch in got[0].text)
    assert delivered(services, [r.id for r in replies]), kannel.logs()


def test_kannel_refusing_the_credentials_fails_the_message_with_its_answer(line):
    services, kannel = line
    with services.database.write() as db:
        db.scalars(select(ChannelRow)).one().password = "wrong"
    services.__dict__.pop("dispatcher", None)  # senders are built from the table anew
    _, identity_id, _ = make_contact(services, channel=NAME, address="+93799000111")
    with services.database.write() as db:
        message_id = enqueue(db, db.get(Identity, identity_id), "hello", now=now())
    services.dispatcher.run_once([NAME])
    with services.database.read() as db:
        row = db.get(Message, message_id)
        assert (row.status, row.error_code) == (Status.FAILED, "403")
        assert "Authorization failed" in row.error


def test_smsbox_down_then_back_loses_nothing(line):
    services, kannel = line
    _, identity_id, _ = make_contact(services, channel=NAME, address="+93799000222")
    with services.database.write() as db:
        ids = []
        for n in range(3):
            ids.append(enqueue(db, db.get(Identity, identity_id), f"notice {n}", now=now()))
    kannel.stop_smsbox()
    services.dispatcher.run_once([NAME])
    with services.database.write() as db:
        first = db.get(Message, ids[0])
        assert (first.status, first.error_code) == (Status.QUEUED, "network")
        for i in ids:  # the retry is due now rather than in five seconds
            db.get(Message, i).next_attempt_at = now()
    kannel.start_smsbox()
    phone = kannel.phone("+93799000222", "ok")
    try:
        for _ in range(3):
            services.dispatcher.run_once([NAME])
        got = phone.wait(3)
    finally:
        phone.hang_up()
    assert [g.text for g in got][-3:] == ["notice 0", "notice 1", "notice 2"]


def _choices(row):
    return choices_of(row)
