"""Channels as data: the `mashwara channels` commands, the table's secrets at rest, the
senders built from it, and the Kannel webhooks (inbound SMS, delivery reports) on the
channel's secret URLs. The real Kannel is in test_kannel.py; here sendsms is a local
fake that answers as smsbox does."""

from __future__ import annotations

import time
from urllib.parse import quote_from_bytes

import pytest
from click.testing import CliRunner
from sqlalchemy import select, text

from bot.channels import senders, table
from bot.channels.base import SendResult
from bot.cli.main import main
from bot.core.clock import now
from bot.outbound.notify import notify
from bot.outbound.outbox import enqueue
from bot.store import AuditEvent, ChannelRow, Contact, Direction, Identity, Message, Status
from tests.builders import make_contact, running, web_app
from tests.fakes.sendsms import FakeSendsms

PUBLIC = "https://bot.example.org"


@pytest.fixture
def sendsms():
    server = FakeSendsms().start()
    yield server
    server.stop()


@pytest.fixture
def public_services(settings):
    with running(settings.with_overrides(public_url=PUBLIC)) as built:
        yield built


def env_for(settings) -> dict:
    return {"MASHWARA_DATABASE_URL": settings.database_url,
            "MASHWARA_ENCRYPTION_KEY": settings.encryption_keys[0],
            "MASHWARA_INSTANCE_DIR": str(settings.instance_dir),
            "MASHWARA_PUBLIC_URL": PUBLIC}


def cli(settings, *args, **options):
    return CliRunner().invoke(main, list(args), env=env_for(settings), **options)


def add(services, url="http://127.0.0.1:9/cgi-bin/sendsms", name="roshan", **options):
    return table.add(services.database, "kannel", name, url, username="mw",
                     password="sendsms-pass", at=now(), **options)


def queued(services, identity_id: int, body: str = "hello") -> int:
    with services.database.write() as db:
        return enqueue(db, db.get(Identity, identity_id), body, now=now())


# -- the commands ---------------------------------------------------------------------

def test_add_then_show_prints_the_inbound_urls_and_the_kannel_service_group(
        settings, public_services):
    result = cli(settings, "channels", "add", "kannel", "roshan", "--url",
                 "http://127.0.0.1:13013/cgi-bin/sendsms", "--username", "mw", "--password",
                 "sendsms-pass", "--from", "2020", "--rate", "5", "--prefixes", "+9379,+9372")
    assert result.exit_code == 0, result.output
    secret = table.get(public_services.database, "roshan").secret
    assert len(secret) >= 32
    shown = cli(settings, "channels", "show", "roshan")
    assert shown.exit_code == 0, shown.output
    receive = f"{PUBLIC}/webhooks/kannel/roshan/{secret}/receive?"
    assert receive in shown.output
    assert "group = sms-service" in shown.output and "keyword = default" in shown.output
    assert f'get-url = "{receive}from=%p&to=%P&text=%b&coding=%c&charset=%C&id=%I"' \
        in shown.output
    assert "max-messages = 0" in shown.output  # nothing answered from the get-url
    listed = cli(settings, "channels", "list")
    assert "roshan" in listed.output and "5/s" in listed.output and "+9379 +9372" in listed.output


def test_secrets_are_encrypted_at_rest(settings, public_services):
    config = add(public_services)
    with public_services.database.read() as db:
        raw = db.execute(text("SELECT url, username, password, secret FROM channels")).one()
    for clear, stored in zip(("127.0.0.1", "mw", "sendsms-pass", config.secret), raw,
                             strict=True):
        # A Fernet token, not the value (a short value like a username can occur by chance
        # inside the token's base64, so the test reads the token, not a substring).
        assert stored != clear and stored.startswith("gAAAA")


BAD = {
    "reserved name": ("kannel", "sms", "http://x/", []),
    "name with a space": ("kannel", "my phone", "http://x/", []),
    "unknown kind": ("smpp", "roshan", "http://x/", []),
    "url that is not http": ("kannel", "roshan", "ftp://x/", []),
    "prefix with letters": ("kannel", "roshan", "http://x/", ["--prefixes", "+93ab"]),
    "rate of zero": ("kannel", "roshan", "http://x/", ["--rate", "0"]),
}


@pytest.mark.parametrize("kind,name,url,extra", BAD.values(), ids=BAD.keys())
def test_a_bad_channel_is_refused_with_a_clear_message(settings, public_services, kind, name,
                                                       url, extra):
    result = cli(settings, "channels", "add", kind, name, "--url", url, *extra)
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert table.all_channels(public_services.database) == []


def test_a_second_channel_of_the_same_name_is_refused(settings, public_services):
    add(public_services)
    result = cli(settings, "channels", "add", "kannel", "roshan", "--url", "http://x/")
    assert result.exit_code != 0 and "already" in result.output


def test_disable_enable_and_remove(settings, public_services):
    add(public_services)
    add(public_services, name="awcc")
    assert cli(settings, "channels", "disable", "roshan").exit_code == 0
    assert set(senders(public_services.settings, public_services.database)) >= {"awcc"}
    assert "roshan" not in senders(public_services.settings, public_services.database)
    assert "disabled" in cli(settings, "channels", "list").output
    assert cli(settings, "channels", "enable", "roshan").exit_code == 0
    assert "roshan" in senders(public_services.settings, public_services.database)
    assert cli(settings, "channels", "remove", "roshan", "--yes").exit_code == 0
    assert [c.name for c in table.all_channels(public_services.database)] == ["awcc"]
    assert cli(settings, "channels", "show", "roshan").exit_code != 0
    with public_services.database.read() as db:
        actions = db.scalars(select(AuditEvent.action).where(AuditEvent.target_id == "roshan"))
        assert list(actions) == ["channel.disable", "channel.enable", "channel.remove"]


def test_a_new_pace_and_prefixes_from_the_command_line(settings, public_services):
    add(public_services, prefixes=("+9379",))
    changed = cli(settings, "channels", "set", "roshan", "--rate", "2.5", "--prefixes", "af:awcc")
    assert changed.exit_code == 0, changed.output
    config = table.get(public_services.database, "roshan")
    assert config.rate == 2.5 and "+9370" in config.prefixes and "+9379" not in config.prefixes
    assert cli(settings, "channels", "set", "roshan", "--prefixes", "").exit_code == 0
    assert table.get(public_services.database, "roshan").prefixes == ()
    refused = cli(settings, "channels", "set", "roshan", "--rate", "0")
    assert refused.exit_code != 0 and "per second" in refused.output


def test_channels_test_sends_one_message_through_sendsms(settings, public_services, sendsms):
    add(public_services, url=f"{sendsms.url}/cgi-bin/sendsms", sender="2020")
    result = cli(settings, "channels", "test", "roshan", "+93799555000")
    assert result.exit_code == 0, result.output
    (sent,) = sendsms.sent()
    assert sent["to"] == "+93799555000" and sent["from"] == "2020"
    assert sent["text"].startswith("Mashwara test message through channel roshan")
    assert (sent["username"], sent["password"]) == ("mw", "sendsms-pass")


# -- the sender -----------------------------------------------------------------------

@pytest.mark.parametrize("lang,coding", [("en", "0"), ("fa", "2"), ("ps", "2"), ("ar", "2")])
def test_each_channel_has_its_own_pace_and_codes_arabic_script_as_ucs2(
        public_services, sendsms, lang, coding):
    add(public_services, url=f"{sendsms.url}/cgi-bin/sendsms", rate=3.0)
    add(public_services, url=f"{sendsms.url}/cgi-bin/sendsms", name="awcc", rate=7.0)
    dispatcher = public_services.dispatcher
    assert (dispatcher.senders["roshan"].pace.rate, dispatcher.senders["awcc"].pace.rate) \
        == (3.0, 7.0)
    assert dispatcher.pacers["roshan"] is not dispatcher.pacers["awcc"]
    make_contact(public_services, lang=lang, channel="roshan", address="+93799000001")
    cli_text = {"en": "Meeting moved to Tuesday", "fa": "جلسه به سه‌شنبه منتقل شد",
                "ps": "غونډه سه‌شنبې ته ولېږدول شوه", "ar": "نُقل الاجتماع إلى الثلاثاء"}[lang]
    with public_services.database.write() as db:
        contact = db.scalars(select(Contact)).one()
        message_id = notify(db, contact, cli_text, now=now(), settings=public_services.settings)
    dispatcher.run_once(["roshan"])
    (sent,) = sendsms.sent()
    assert (sent["text"], sent["charset"], sent["coding"]) == (cli_text, "UTF-8", coding)
    secret = table.get(public_services.database, "roshan").secret
    status = f"{PUBLIC}/webhooks/kannel/roshan/{secret}/status"
    assert sent["dlr-url"] == f"{status}?id=k{message_id}&type=%d"
    assert sent["dlr-mask"] == "27"
    with public_services.database.read() as db:
        assert db.get(Message, message_id).status == Status.SENT


FAILURES = {
    "smsbox busy": (503, Status.QUEUED),
    "bad credentials": (403, Status.FAILED),
    "no route": (400, Status.FAILED),
}


@pytest.mark.parametrize("status,after", FAILURES.values(), ids=FAILURES.keys())
def test_kannel_answering_an_error(public_services, sendsms, status, after):
    add(public_services, url=f"{sendsms.url}/cgi-bin/sendsms")
    _, identity_id, _ = make_contact(public_services, channel="roshan")
    message_id = queued(public_services, identity_id)
    sendsms.fail(status=status, body="Sending failed")
    public_services.dispatcher.run_once(["roshan"])
    with public_services.database.read() as db:
        row = db.get(Message, message_id)
        assert (row.status, row.error_code) == (after, str(status))


# -- the webhooks ---------------------------------------------------------------------

@pytest.fixture
def kannel_client(public_services):
    return web_app(public_services).test_client()


def receive_url(config, **params) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"/webhooks/kannel/{config.name}/{config.secret}/receive?{query}"


def inbound(services):
    with services.database.read() as db:
        return list(db.scalars(select(Message).where(Message.direction == Direction.IN)))


ENCODINGS = {
    "GSM text as UTF-8": ("hello", "0", "UTF-8", b"hello"),
    "Dari recoded to UTF-8 (mo-recode)": ("سلام", "0", "UTF-8", "سلام".encode()),
    "Dari as UCS-2": ("سلام", "2", "UTF-16BE", "سلام".encode("utf-16-be")),
    "Pashto as UCS-2": ("ښه ګډون", "2", "UTF-16BE", "ښه ګډون".encode("utf-16-be")),
    "French as Latin-1": ("déjà", "0", "ISO-8859-1", "déjà".encode("latin-1")),
}


@pytest.mark.parametrize("expected,coding,charset,octets", ENCODINGS.values(),
                         ids=ENCODINGS.keys())
def test_an_sms_from_kannel_is_decoded_by_its_coding(
        kannel_client, public_services, expected, coding, charset, octets):
    config = add(public_services)
    url = receive_url(config, **{"from": "93799111222", "to": "2020",
                                 "text": quote_from_bytes(octets, safe=""), "coding": coding,
                                 "charset": charset, "id": "a1b2c3"})
    assert kannel_client.get(url).status_code == 200
    (row,) = inbound(public_services)
    assert (row.channel, row.text) == ("roshan", expected)
    with public_services.database.read() as db:
        assert db.get(Identity, row.identity_id).address == "+93799111222"
        assert db.scalars(select(ChannelRow)).one().last_in_at is not None


def test_a_message_kannel_delivers_twice_is_handled_once(kannel_client, public_services):
    config = add(public_services)
    url = receive_url(config, **{"from": "%2B93799111222", "text": "hi", "id": "same-id"})
    assert kannel_client.get(url).status_code == 200
    assert kannel_client.get(url).status_code == 200
    assert len(inbound(public_services)) == 1


def test_one_person_on_two_channels_is_one_contact(kannel_client, public_services):
    first, second = add(public_services), add(public_services, name="awcc")
    for config, sms_id in ((first, "x1"), (second, "x2")):
        url = receive_url(config, **{"from": "%2B93799111333", "text": "hi", "id": sms_id})
        assert kannel_client.get(url).status_code == 200
    rows = inbound(public_services)
    assert {r.channel for r in rows} == {"roshan", "awcc"}
    assert len({r.contact_id for r in rows}) == 1


REFUSED = {
    "wrong secret": lambda c: f"/webhooks/kannel/{c.name}/{'x' * 32}/receive?from=1234567890",
    "unknown channel": lambda c: f"/webhooks/kannel/nobody/{c.secret}/receive?from=1234567890",
    "another channel's secret": lambda c: f"/webhooks/kannel/awcc/{c.secret}/receive?"
                                          "from=1234567890",
    "receipt with a wrong secret": lambda c: f"/webhooks/kannel/{c.name}/{'x' * 32}/status?"
                                             "id=k1&type=1",
}


@pytest.mark.parametrize("url", REFUSED.values(), ids=REFUSED.keys())
def test_a_request_without_the_channels_secret_is_a_403(kannel_client, public_services, url):
    config = add(public_services)
    add(public_services, name="awcc")
    assert kannel_client.get(url(config)).status_code == 403
    assert inbound(public_services) == []


@pytest.mark.parametrize("query", ["text=hi", "from=&text=hi", "from=<script>&text=hi"])
def test_a_message_without_a_sender_is_a_400(kannel_client, public_services, query):
    config = add(public_services)
    response = kannel_client.get(f"/webhooks/kannel/{config.name}/{config.secret}/receive?"
                                 + query)
    assert response.status_code == 400


REPORTS = {
    "smsc accepted then delivered": (["8", "1"], Status.DELIVERED),
    "delivered before the smsc ack": (["1", "8"], Status.DELIVERED),
    "undelivered": (["8", "2"], Status.UNDELIVERED),
    "smsc rejected": (["16"], Status.FAILED),
    "buffered says nothing": (["4"], Status.SENT),
}


@pytest.mark.parametrize("types,final", REPORTS.values(), ids=REPORTS.keys())
def test_delivery_reports_move_the_message_forward(kannel_client, public_services, types,
                                                   final):
    config = add(public_services)
    _, identity_id, _ = make_contact(public_services, channel="roshan")
    message_id = queued(public_services, identity_id)
    with public_services.database.write() as db:
        row = db.get(Message, message_id)
        row.status, row.external_id = Status.SENT, f"k{message_id}"
    for kind in types:
        response = kannel_client.get(f"/webhooks/kannel/{config.name}/{config.secret}/status"
                                     f"?id=k{message_id}&type={kind}")
        assert response.status_code == 204
    with public_services.database.read() as db:
        assert db.get(Message, message_id).status == final


def test_a_delivery_report_before_the_send_is_recorded_is_kept(kannel_client,
                                                               public_services):
    """Kannel may call the dlr-url before the dispatcher has written down that sendsms
    took the message: the report is matched by our own id, and the verdict recorded
    afterwards does not move the status back."""
    config = add(public_services)
    _, identity_id, _ = make_contact(public_services, channel="roshan")
    message_id = queued(public_services, identity_id)
    (claimed,) = public_services.dispatcher.claim(10, ["roshan"])
    response = kannel_client.get(f"/webhooks/kannel/{config.name}/{config.secret}/status"
                                 f"?id=k{message_id}&type=1")
    assert response.status_code == 204
    public_services.dispatcher.record([(claimed, SendResult.sent(f"k{message_id}"))])
    with public_services.database.read() as db:
        row = db.get(Message, message_id)
        assert (row.status, row.external_id) == (Status.DELIVERED, f"k{message_id}")
        assert row.sent_at is not None and row.delivered_at is not None


HOSTILE = {
    "NUL bytes": {"text": "a%00b", "coding": "1"},
    "odd-length UCS-2": {"text": "%06%33%06", "coding": "2"},
    "invalid UTF-8": {"text": "%FF%FE%FD", "charset": "UTF-8"},
    "unknown charset": {"text": "hi", "charset": "X-NOTHING"},
    "very long text": {"text": "a" * 20000},
    "repeated parameters": {"text": "one&text=two"},
}


@pytest.mark.parametrize("params", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_input_from_a_kannel_link_is_never_a_500(kannel_client, public_services,
                                                          params):
    config = add(public_services)
    query = "&".join(f"{k}={v}" for k, v in {"from": "93799111222", **params}.items())
    response = kannel_client.get(f"/webhooks/kannel/{config.name}/{config.secret}/receive?"
                                 + query)
    assert response.status_code in (200, 400)


def test_a_whole_registration_and_report_by_sms_through_a_kannel_link(
        kannel_client, public_services, sendsms):
    """The README's promise: a person registers and reports by SMS through the link, each
    answer leaving through sendsms."""
    from bot.store import Contact, ContactStatus, Report

    config = add(public_services, url=f"{sendsms.url}/cgi-bin/sendsms", rate=100.0)
    said = ["hello", "1", "1", "Amina", "14", "Dand", "2",
            "report", "1", "1", "#", "14", "Dand", "They beat my brother at the checkpoint.",
            "2", "2"]
    for n, words in enumerate(said):
        url = receive_url(config, **{"from": "93799777888", "to": "2020",
                                     "text": quote_from_bytes(words.encode(), safe=""),
                                     "coding": "0", "charset": "UTF-8", "id": f"sms-{n}"})
        assert kannel_client.get(url).status_code == 200
        public_services.dispatcher.run_once(["roshan"])
    for _ in range(20):  # what the pace held back in the last round
        if not public_services.dispatcher.run_once(["roshan"]):
            time.sleep(0.1)
    answers = [s["text"] for s in sendsms.sent()]
    assert all(s["to"] == "+93799777888" for s in sendsms.sent())
    assert "Thank you, Amina. You are registered." in answers
    assert any("R-" in a for a in answers[-2:]), answers[-2:]  # the report's reference
    with public_services.database.read() as db:
        contact = db.scalars(select(Contact)).one()
        assert (contact.status, contact.name, contact.district) == (
            ContactStatus.ACTIVE, "Amina", "Dand")
        assert db.scalars(select(Report)).one().contact_id == contact.id
